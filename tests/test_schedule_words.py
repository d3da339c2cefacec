"""A provision's schedule and amount, as the pages show them, are whole messages for translation, and
the weekday names are Django's in the active language; what the ledger records stays English."""

from __future__ import annotations

from contextlib import AbstractContextManager

from django.urls import reverse
from django.utils import translation

from plans import models
from plans.forms import WEEKDAY_CHOICES
from plans.models import WEEKDAY_NAMES, Provision, weekday_phrase
from plans.payloads import weekday_names
from tests.base import BaseTestCase
from tests.test_report_words import outside_marks
from tests.translation_support import marking


def marked_plans() -> AbstractContextManager[None]:
    """Every message plans.models translates when a page is made, wrapped in «»."""
    return marking(models)


def amount(minutes: int, period: str, sessions: int | None, length: int | None) -> str:
    return Provision(minutes=minutes, period=period, sessions=sessions, session_minutes=length).amount_phrase


def test_the_amount_reads_as_before_with_one_session_in_the_singular() -> None:
    """Given the IEP's minutes, period, sessions and session length, then the amount reads as it did,
    and one session is "1 session", no longer "1 sessions"."""
    assert amount(120, "month", 4, 30) == "120 per month (4 sessions of 30 min)"
    assert amount(60, "week", None, 30) == "60 per week (sessions of 30 min)"
    assert amount(60, "week", 2, None) == "60 per week (2 sessions)"
    assert amount(90, "week", None, None) == "90 per week"
    assert amount(30, "week", 1, 30) == "30 per week (1 session of 30 min)"
    assert amount(30, "month", 1, None) == "30 per month (1 session)"


def test_the_amount_and_schedule_are_whole_marked_messages() -> None:
    """Given every message marked, then the amount is one message holding the period's (no English
    around them), a count picks the singular or the plural, and the schedule words are marked."""
    with marked_plans():
        assert amount(120, "month", 4, 30) == "««120 per month» (4 sessions of 30 min)»"
        assert amount(30, "week", 1, None) == "««30 per week» (1 session)»"
        assert outside_marks(amount(60, "week", None, 30)) == "·"
        assert weekday_phrase(0b0011111) == "«Monday to Friday»"
        flexible = Provision(schedule=Provision.Schedule.FLEXIBLE)
        every_day = Provision(schedule=Provision.Schedule.EVERY_DAY)
        assert flexible.schedule_phrase == "«Flexible (the provider picks the days)»"
        assert every_day.schedule_phrase == "«Every school day»"


def test_weekday_names_on_pages_are_djangos_in_the_active_language_and_the_ledgers_stay_english() -> None:
    """Given Spanish active (Django's own catalog), then the page words name the days in Spanish, and
    the ledger's payload (hashed, never translated) still names them in English."""
    with translation.override("es"):
        assert weekday_phrase(0b0001010) == "martes, jueves"
        assert [str(label) for _, label in WEEKDAY_CHOICES][:2] == ["lunes", "martes"]
        assert weekday_names(0b0001010) == ["Tuesday", "Thursday"]
    assert weekday_phrase(0b0001010) == "Tuesday, Thursday"
    assert WEEKDAY_NAMES[0] == "Monday"


class SchedulePageTests(BaseTestCase):
    def test_the_iep_page_shows_the_marked_amount_and_the_active_languages_days(self) -> None:
        """Given the speech service (Tuesday and Thursday, 60 minutes per week in sessions of 30), when its
        IEP page opens with every message marked, then its amount is printed as one marked message; with
        Spanish active, its days are Django's Spanish names."""
        self.client.force_login(self.alice)
        url = reverse("plans:iep", args=[self.child.pk, self.iep.pk])
        with marked_plans():
            html = self.client.get(url).content.decode()
        assert "««60 per week» (sessions of 30 min)»" in html
        assert "Tuesday, Thursday" in html
        with translation.override("es"):
            html = self.client.get(url, headers={"accept-language": "es"}).content.decode()
        assert "martes, jueves" in html
