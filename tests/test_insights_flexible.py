"""Issue 11 arithmetic: entries outside the IEP's dates, flexible services, sessions (design.md 6).

Hand-computed cases. Maya's 2026-27 calendar runs Monday to Friday; her IEP starts Tue 1 Sep 2026.
"""

from __future__ import annotations

from insights.compliance import compute_compliance
from plans.models import Iep, Provision, SchoolCalendar
from tests.base import BaseTestCase
from tests.insights_support import D, absent, log


class OutsideIepDatesTests(BaseTestCase):
    def setUp(self) -> None:
        """The issue's example: a 2025-26 IEP from Wed 3 Sep 2025, speech 60 per week on Tue and Thu."""
        SchoolCalendar.objects.create(
            child=self.child, name="2025-26", first_day=D("2025-08-25"), last_day=D("2026-06-12")
        )
        self.old_iep = Iep.objects.create(
            child=self.child, effective_from=D("2025-09-03"), effective_to=D("2026-06-30"), status="superseded"
        )
        self.old_speech = Provision.objects.create(
            iep=self.old_iep,
            kind="service",
            label="Speech",
            wording="Speech 60 minutes per week",
            schedule="weekdays",
            weekdays=0b0001010,
            minutes=60,
            period="week",
            session_minutes=30,
        )

    def test_an_entry_before_the_iep_starts_does_not_count_towards_the_weeks_minutes(self) -> None:
        """Given the IEP starts Wed 2025-09-03 and 30 minutes are logged Tue 09-02 and Thu 09-04,
        when computing the week of Mon 09-01, then required = 60 x 3 attended days / 5 = 36,
        delivered = 30 (Tuesday is before the IEP), shortfall = 6."""
        log(self.old_speech, "2025-09-02", "delivered", 30)
        log(self.old_speech, "2025-09-04", "delivered", 30)
        result = compute_compliance(self.child, D("2025-09-01"), D("2025-09-07"))
        speech = next(p for p in result.provisions if p.label == "Speech")
        assert speech.service is not None
        week = speech.service.periods[0]
        assert (week.counted_from, week.required, week.delivered, week.shortfall) == (D("2025-09-03"), 36, 30, 6)
        assert (speech.service.required, speech.service.delivered, speech.service.shortfall) == (36, 30, 6)
        assert speech.outside_entries == 1

    def test_an_entry_before_the_iep_cannot_make_a_week_logged_and_hide_a_gap(self) -> None:
        """Given only Tue 09-02 (before the IEP) is logged in that week, when computing,
        then the week is a coverage gap (not logged), not a logged week with 30 minutes."""
        log(self.old_speech, "2025-09-02", "delivered", 30)
        result = compute_compliance(self.child, D("2025-09-01"), D("2025-09-07"))
        service = next(p for p in result.provisions if p.label == "Speech").service
        assert service is not None
        assert service.periods[0].state == "not_logged"
        assert (service.required, service.delivered, len(service.gaps)) == (0, 0, 1)

    def test_the_iep_page_lists_entries_outside_the_ieps_dates(self) -> None:
        log(self.old_speech, "2025-09-02", "delivered", 30)
        log(self.old_speech, "2025-09-04", "delivered", 30)
        self.client.force_login(self.alice)
        from django.urls import reverse

        html = self.client.get(reverse("plans:iep", args=[self.child.pk, self.old_iep.pk])).content.decode()
        assert "1 entry outside the IEP\u2019s dates" in html
        assert "Tuesday, September 2, 2025" in html
        assert "Thursday, September 4, 2025" not in html


class FlexibleServiceTests(BaseTestCase):
    def setUp(self) -> None:
        """OT, 120 minutes per month, flexible, 4 sessions of 30 minutes (stated in the IEP)."""
        self.ot = Provision.objects.create(
            iep=self.iep,
            kind="service",
            label="OT",
            wording="OT 120 minutes per month, 4 sessions of 30 minutes",
            schedule="flexible",
            minutes=120,
            period="month",
            sessions=4,
            session_minutes=30,
        )

    def ot_result(self, start: str, end: str):  # type: ignore[no-untyped-def]
        result = compute_compliance(self.child, D(start), D(end), provision_ids=[self.ot.pk])
        return result.provisions[0]

    def test_a_flexible_service_has_no_expected_days_and_counts_the_sessions_logged(self) -> None:
        """Given October 2026 (22 school days, none attended missing) and sessions logged on
        Mon 5 (delivered 30), Wed 14 (partial 20) and Fri 23 (missed), when computing October,
        then expected = 0, not logged = 0, delivered 1, partial 1, missed 1, delivery rate 1/3;
        minutes: required 120, delivered 50, shortfall 70; sessions: required 4, held 2."""
        log(self.ot, "2026-10-05", "delivered", 30)
        log(self.ot, "2026-10-14", "partial", 20)
        log(self.ot, "2026-10-23", "missed", 0, reason="provider_absent")
        ot = self.ot_result("2026-10-01", "2026-10-31")
        assert (ot.days.expected, ot.days.not_logged) == (0, 0)
        assert (ot.days.delivered, ot.days.partial, ot.days.missed) == (1, 1, 1)
        assert ot.days.delivery_percent == "33.3"
        assert ot.service is not None
        month = ot.service.periods[0]
        assert (month.required, month.delivered, month.shortfall) == (120, 50, 70)
        assert (month.required_sessions, month.sessions_held) == (4, 2)
        assert (ot.service.required_sessions, ot.service.sessions_held) == (4, 2)

    def test_a_month_without_a_session_logged_is_a_coverage_gap(self) -> None:
        """Given nothing logged in November, when computing it, then November is a gap, not a miss."""
        ot = self.ot_result("2026-11-01", "2026-11-30")
        assert ot.service is not None
        assert ot.service.periods[0].state == "not_logged"
        assert (ot.service.required, ot.service.shortfall, ot.days.missed) == (0, 0, 0)

    def test_required_sessions_are_prorated_like_minutes_and_rounded_half_up(self) -> None:
        """Given September 2026: IEP from Tue 1 Sep, 22 regular weekdays, absent 3 days -> 19
        attended; when one session is logged, then required minutes = 120 x 19 / 22 = 103.6 -> 104
        and required sessions = 4 x 19 / 22 = 3.45 -> 3."""
        for day in ["2026-09-08", "2026-09-09", "2026-09-10"]:
            absent(self.child, day)
        log(self.ot, "2026-09-15", "delivered", 30)
        month = self.ot_result("2026-09-01", "2026-09-30").service.periods[0]  # type: ignore[union-attr]
        assert (month.attended_days, month.regular_weekdays) == (19, 22)
        assert (month.required, month.required_sessions, month.sessions_held) == (104, 3, 1)

    def test_the_day_totals_never_expect_a_flexible_service(self) -> None:
        result = compute_compliance(self.child, D("2026-10-05"), D("2026-10-05"), provision_ids=[self.ot.pk])
        assert result.days[0].counts.expected == 0


class UpdateIepDatesTests(BaseTestCase):
    def test_moving_the_iep_start_lists_the_entries_left_outside_and_drops_their_minutes(self) -> None:
        """Given speech delivered Tue 1 Sep 2026 (30 min) and Thu 3 Sep (30 min), when the IEP's start
        is moved to Wed 2 Sep, then the IEP page lists Sep 1 as outside the IEP's dates and the week
        counts 30 minutes against 60 x 3 / 5 = 36 required."""
        from django.urls import reverse

        from plans.services import update_iep

        log(self.speech, "2026-09-01", "delivered", 30)
        log(self.speech, "2026-09-03", "delivered", 30)
        self.iep.effective_from = D("2026-09-02")
        update_iep(self.iep, user=self.alice)
        self.client.force_login(self.alice)
        html = self.client.get(reverse("plans:iep", args=[self.child.pk, self.iep.pk])).content.decode()
        assert "1 entry outside the IEP\u2019s dates" in html and "Tuesday, September 1, 2026" in html
        week = compute_compliance(self.child, D("2026-08-31"), D("2026-09-06"), provision_ids=[self.speech.pk])
        service = week.provisions[0].service
        assert service is not None
        assert (service.required, service.delivered, service.shortfall) == (36, 30, 6)
        assert week.provisions[0].outside_entries == 1
