"""One validation path for typed text and dates (iepright.textclean): refused with a clear message,
the same on SQLite and PostgreSQL, on every form; day, week and month pages outside 1990-2100 are 404."""

from __future__ import annotations

import importlib
import inspect
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Household, User
from iepright.textclean import TextCheckMixin, one_line, validate_sane_date, validate_text
from logbook.models import DayNote, LogEntry
from plans.models import Child, Iep
from tests.base import BaseTestCase
from tests.logbook_base import NOW, TODAY, new_id

ROOT = Path(__file__).resolve().parent.parent

BAD = {
    "nul": "Maya\x00",
    "escape": "Maya\x1b[31m",
    "delete": "Maya\x7f",
    "c1": "Maya\x9b",
    "broken": "Maya\ufffd",
}


class ValidateTextTests(BaseTestCase):
    def test_plain_text_and_emoji_pass(self) -> None:
        for text in ["Maya Rivera", "Zoë O'Brien-Nguyễn", "Speech 🗣️ 30 min", "", "日本語"]:
            validate_text(text)
            validate_text(text, multiline=True)

    def test_each_bad_character_is_refused_with_a_plain_message(self) -> None:
        for name, text in [*BAD.items(), ("surrogate", "Maya\ud800")]:
            for multiline in (False, True):
                with pytest.raises(ValidationError) as error:
                    validate_text(text, multiline=multiline)
                assert error.value.code == "bad_character", name
                assert "cannot be saved" in error.value.messages[0]
        with pytest.raises(ValidationError, match="empty \\(NUL\\)"):
            validate_text("a\x00b")
        with pytest.raises(ValidationError, match="half of an emoji"):
            validate_text("a\udc00b")

    def test_line_breaks_only_in_multiline_text(self) -> None:
        for text in ["Maya\nRivera", "Maya\r\nRivera", "Maya\u2028Rivera", "Maya\tRivera"]:
            with pytest.raises(ValidationError):
                validate_text(text)
        with pytest.raises(ValidationError, match="one line"):
            validate_text("Maya\nRivera")
        validate_text("Line one\r\nLine two\n\tindented", multiline=True)

    def test_dates_outside_1990_to_2100_are_refused(self) -> None:
        for day in [date(1, 1, 1), date(1989, 12, 31), date(2101, 1, 1), date(9999, 12, 31)]:
            with pytest.raises(ValidationError, match="between January 1, 1990 and December 31, 2100"):
                validate_sane_date(day)
        for day in [date(1990, 1, 1), date(2026, 11, 5), date(2100, 12, 31)]:
            validate_sane_date(day)

    def test_one_line_makes_old_records_safe_for_one_line_output(self) -> None:
        assert one_line("Maya\nRivera\x1b") == "Maya Rivera"
        assert one_line("Maya Rivera") == "Maya Rivera"


def form_classes() -> list[type[forms.BaseForm]]:
    found = []
    from django.conf import settings

    ours = [app for app in settings.INSTALLED_APPS if "." not in app and (ROOT / app).is_dir()]
    assert {"accounts", "plans", "logbook", "insights", "reports"} <= set(ours)
    for app in ours:
        # forms.py and any *_forms.py beside it (plans/import_forms.py)
        names = [path.stem for path in (ROOT / app).glob("*forms.py") if path.stem.endswith("forms")]
        for name in names:
            module = importlib.import_module(f"{app}.{name}")
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.append(cls)
    return found


def test_every_form_of_the_apps_runs_the_text_checks() -> None:
    classes = form_classes()
    assert len(classes) >= 19
    missing = [cls.__qualname__ for cls in classes if not issubclass(cls, TextCheckMixin)]
    assert missing == [], f"add TextCheckMixin to {missing}"


class FormTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_a_child_name_with_a_bad_character_or_a_newline_is_refused_and_nothing_saved(self) -> None:
        url = reverse("plans:child_new", args=[self.household.pk])
        for text in [*BAD.values(), "Leo\nRivera"]:
            response = self.client.post(url, {"name": text})
            assert response.status_code == 422, repr(text)
            html = response.content.decode()
            assert "cannot be saved" in html or "Please keep this on one line." in html
        assert Child.objects.count() == 1

    def test_broken_utf8_in_a_raw_form_post_is_refused(self) -> None:
        # A lone surrogate cannot be encoded in UTF-8: it arrives as bytes that decode to U+FFFD.
        url = reverse("plans:child_edit", args=[self.child.pk])
        response = self.client.post(url, b"name=Maya%ED%A0%80", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 422
        assert "a broken character" in response.content.decode()
        self.child.refresh_from_db()
        assert self.child.name == "Maya Rivera"

    def test_household_name_and_profile_name(self) -> None:
        response = self.client.post(reverse("accounts:household_rename", args=[self.household.pk]), {"name": "A\x1bB"})
        assert response.status_code == 422
        assert Household.objects.get(pk=self.household.pk).name == "Rivera household"
        response = self.client.post(reverse("accounts:profile"), {"display_name": "Alice\nRivera"})
        assert response.status_code == 422 and "Please keep this on one line." in response.content.decode()
        assert User.objects.get(pk=self.alice.pk).display_name == "Alice Rivera"

    def test_iep_dates_outside_the_sane_range_are_refused(self) -> None:
        url = reverse("plans:iep_new", args=[self.child.pk])
        for bad in ["0001-01-01", "9999-12-31"]:
            response = self.client.post(url, {"effective_from": bad})
            assert response.status_code == 422
            assert "Please check the year" in response.content.decode()
        assert Iep.objects.count() == 1


@time_machine.travel(NOW, tick=False)
class LogFormTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def post_entry(self, **data: object) -> int:
        values: dict[str, object] = {
            "provision": self.extended_time.pk,
            "is_makeup": "0",
            "client_id": new_id(),
            "status": "delivered",
        }
        values.update(data)
        return self.client.post(reverse("logbook:save_entry", args=[self.child.pk, TODAY]), values).status_code

    def test_a_note_keeps_its_lines_but_not_control_characters(self) -> None:
        assert self.post_entry(note="Line \x1b one") == 422
        assert self.post_entry(reported_by="Ms.\nLee") == 422
        assert LogEntry.objects.count() == 0
        assert self.post_entry(note="Line one\r\nLine two") == 302
        assert LogEntry.objects.get().note.splitlines() == ["Line one", "Line two"]

    def test_a_day_note_with_nul_is_refused_on_both_databases(self) -> None:
        url = reverse("logbook:save_day_note", args=[self.child.pk, TODAY])
        response = self.client.post(url, {"client_id": new_id(), "note": "Sub\x00 all day"})
        assert response.status_code == 422
        assert DayNote.objects.count() == 0


@time_machine.travel(NOW, tick=False)
class DatePageTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_day_week_and_month_pages_far_outside_are_404_not_500(self) -> None:
        for name in ["logbook:day", "logbook:week", "logbook:month"]:
            for bad in ["0001-01-01", "9999-12-31", "1989-12-31", "2101-01-01"]:
                url = f"/children/{self.child.pk}/{name.split(':')[1]}/{bad}/"
                assert self.client.get(url).status_code == 404, url
            edge = reverse(name, args=[self.child.pk, date(1990, 1, 1)])
            assert self.client.get(edge).status_code == 200, edge
            edge = reverse(name, args=[self.child.pk, date(2100, 12, 31)])
            assert self.client.get(edge).status_code in (200, 302), edge

    def test_the_date_picker_says_so(self) -> None:
        response = self.client.get(reverse("logbook:today", args=[self.child.pk]) + "?date=0001-01-01", follow=True)
        assert response.status_code == 200
        assert "Please check the year" in response.content.decode()


class IcsTests(BaseTestCase):
    def test_a_name_with_a_newline_from_before_the_checks_still_exports(self) -> None:
        Child.objects.filter(pk=self.child.pk).update(name="Maya\nRivera\x1b")
        Iep.objects.filter(pk=self.iep.pk).update(annual_review_due=date(2027, 8, 1))
        self.client.force_login(self.alice)
        response = self.client.get(reverse("reports:iep_dates_ics", args=[self.child.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "X-WR-CALNAME:IEP dates: Maya Rivera\r\n" in body
        assert "SUMMARY:Annual IEP review due: Maya Rivera\r\n" in body
