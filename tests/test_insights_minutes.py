"""Service minutes per period: required, delivered, documented shortfall (design.md section 6).

Speech therapy: 60 minutes per ISO week, sessions Tue and Thu. Maya's IEP starts Tue 1 Sep 2026;
Thanksgiving break is Wed 25 - Fri 27 Nov. Every week has 5 regular school weekdays and September
and October 2026 have 22 each.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from insights.compliance import ServiceMinutes, ServicePeriod, compute_compliance
from insights.numbers import round_half_up
from plans.models import Provision
from tests.base import BaseTestCase
from tests.insights_support import D, absent, amend, log


class MinutesTestCase(BaseTestCase):
    def speech_minutes(self, start: str, end: str) -> ServiceMinutes:
        result = compute_compliance(self.child, D(start), D(end), provision_ids=[self.speech.pk])
        service = result.provisions[0].service
        assert service is not None
        return service

    def week(self, service: ServiceMinutes, monday: str) -> ServicePeriod:
        return next(p for p in service.periods if p.start == D(monday))


class WeeklyServiceTests(MinutesTestCase):
    def test_the_first_week_of_the_iep_is_prorated_by_attended_days(self) -> None:
        """Given the IEP starts Tue 1 Sep (week Mon 31 Aug - Sun 6 Sep),
        when computing, then required = 60 x 4 attended days / 5 regular weekdays = 48."""
        log(self.speech, "2026-09-01", "delivered", 30)
        log(self.speech, "2026-09-03", "delivered", 10)
        week = self.week(self.speech_minutes("2026-08-24", "2026-09-06"), "2026-08-31")
        assert (week.counted_from, week.counted_to) == (D("2026-09-01"), D("2026-09-06"))
        assert (week.attended_days, week.regular_weekdays) == (4, 5)
        assert (week.required, week.delivered, week.shortfall) == (48, 40, 8)
        assert week.is_cut

    def test_a_holiday_week_requires_only_its_attended_days_share(self) -> None:
        """Given Thanksgiving week (Mon, Tue at school; Wed-Fri break),
        when 20 minutes were delivered Tue, then required = 60 x 2 / 5 = 24 and shortfall = 4."""
        log(self.speech, "2026-11-24", "partial", 20)
        week = self.week(self.speech_minutes("2026-11-23", "2026-11-29"), "2026-11-23")
        assert (week.attended_days, week.required, week.delivered, week.shortfall) == (2, 24, 20, 4)

    def test_an_absence_on_a_day_without_a_session_still_lowers_the_requirement(self) -> None:
        """Given an absence on Mon 14 Sep (speech is Tue/Thu),
        when 30 minutes were delivered on Tue, then required = 60 x 4 / 5 = 48 and shortfall = 18."""
        absent(self.child, "2026-09-14")
        log(self.speech, "2026-09-15", "delivered", 30)
        log(self.speech, "2026-09-17", "missed", reason="provider_absent")
        week = self.week(self.speech_minutes("2026-09-14", "2026-09-20"), "2026-09-14")
        assert (week.required, week.delivered, week.shortfall) == (48, 30, 18)

    def test_a_week_without_any_entry_is_a_coverage_gap_outside_the_totals(self) -> None:
        """Given entries in the week of 7 Sep but none in the week of 14 Sep,
        when computing both weeks, then 14 Sep is not logged: listed as a gap, its 60 minutes kept
        apart, and the totals hold the logged week only."""
        log(self.speech, "2026-09-08", "delivered", 30)
        service = self.speech_minutes("2026-09-07", "2026-09-20")
        gap = self.week(service, "2026-09-14")
        assert gap.state == "not_logged"
        assert gap.shortfall is None
        assert service.gaps == (gap,)
        assert (service.required, service.delivered, service.shortfall) == (60, 30, 30)
        assert service.required_in_gaps == 60

    def test_any_entry_of_any_status_makes_the_week_logged(self) -> None:
        """Given only a 'don't know' entry on Tue, when computing, then the week is logged with
        0 minutes delivered and a documented shortfall of 60."""
        log(self.speech, "2026-09-15", "unknown")
        week = self.week(self.speech_minutes("2026-09-14", "2026-09-20"), "2026-09-14")
        assert (week.state, week.required, week.delivered, week.shortfall) == ("logged", 60, 0, 60)

    def test_a_break_week_requires_nothing_and_is_never_a_gap(self) -> None:
        """Given a whole week off (added winter break Mon 21 - Fri 25 Dec),
        when computing that week with nothing logged, then it requires 0 and is no gap."""
        self.calendar.non_school_days.create(name="Winter break", start=D("2026-12-21"), end=D("2027-01-01"))
        service = self.speech_minutes("2026-12-21", "2026-12-27")
        week = service.periods[0]
        assert (week.state, week.required, week.attended_days) == ("no_attended_days", 0, 0)
        assert service.gaps == ()
        assert service.required_in_gaps == 0

    def test_a_week_when_the_child_was_absent_every_day_requires_nothing(self) -> None:
        """Given absences Mon-Fri 14-18 Sep, when computing that week, then nothing is required."""
        for day in ["2026-09-14", "2026-09-15", "2026-09-16", "2026-09-17", "2026-09-18"]:
            absent(self.child, day)
        week = self.speech_minutes("2026-09-14", "2026-09-20").periods[0]
        assert (week.state, week.required) == ("no_attended_days", 0)

    def test_makeup_minutes_count_including_on_a_day_with_its_regular_session(self) -> None:
        """Given Tue 30 delivered plus a 30-minute make-up the same Tue, and Thu missed,
        when computing, then delivered = 60, of which 30 make-up, and no shortfall."""
        log(self.speech, "2026-09-15", "delivered", 30)
        log(self.speech, "2026-09-15", "delivered", 30, makeup=True)
        log(self.speech, "2026-09-17", "missed", reason="provider_absent")
        service = self.speech_minutes("2026-09-14", "2026-09-20")
        week = service.periods[0]
        assert (week.required, week.delivered, week.makeup_minutes, week.shortfall) == (60, 60, 30, 0)
        assert service.makeup_minutes == 30

    def test_a_makeup_on_a_day_without_a_session_counts_for_its_week(self) -> None:
        """Given Thu missed and a 30-minute make-up on Fri, when computing,
        then the week has 60 delivered minutes."""
        log(self.speech, "2026-09-15", "delivered", 30)
        log(self.speech, "2026-09-17", "missed", reason="provider_absent")
        log(self.speech, "2026-09-18", "delivered", 30, makeup=True)
        week = self.speech_minutes("2026-09-14", "2026-09-20").periods[0]
        assert (week.delivered, week.makeup_minutes, week.shortfall) == (60, 30, 0)

    def test_minutes_logged_on_a_day_not_expected_count_for_the_period(self) -> None:
        """Given a 30-minute session logged on Monday (not a speech day) and 30 on Tue,
        when computing, then the week has 60 minutes though Monday is outside the day counts."""
        log(self.speech, "2026-09-14", "delivered", 30)
        log(self.speech, "2026-09-15", "delivered", 30)
        week = self.week(self.speech_minutes("2026-09-14", "2026-09-20"), "2026-09-14")
        assert (week.delivered, week.shortfall) == (60, 0)

    def test_more_minutes_than_required_never_make_a_negative_shortfall(self) -> None:
        """Given 90 minutes in a 60-minute week, when computing, then the shortfall is 0, not -30."""
        log(self.speech, "2026-09-15", "delivered", 45)
        log(self.speech, "2026-09-17", "delivered", 45)
        service = self.speech_minutes("2026-09-14", "2026-09-20")
        assert (service.delivered, service.shortfall) == (90, 0)

    def test_the_total_shortfall_sums_each_weeks_shortfall_without_netting_surpluses(self) -> None:
        """Given 90 minutes one week and 30 the next, when computing both,
        then the documented shortfall is 0 + 30 = 30 (a surplus does not fill another week)."""
        log(self.speech, "2026-09-15", "delivered", 90)
        log(self.speech, "2026-09-22", "delivered", 30)
        service = self.speech_minutes("2026-09-14", "2026-09-27")
        assert (service.required, service.delivered, service.shortfall) == (120, 120, 30)

    def test_retracted_minutes_do_not_count(self) -> None:
        """Given 30 delivered and a retracted 30-minute make-up, when computing, then 30 delivered."""
        log(self.speech, "2026-09-15", "delivered", 30)
        log(self.speech, "2026-09-17", "delivered", 30, makeup=True, retracted=True)
        week = self.speech_minutes("2026-09-14", "2026-09-20").periods[0]
        assert (week.delivered, week.makeup_minutes, week.shortfall) == (30, 0, 30)


class RangeEdgeTests(MinutesTestCase):
    def test_a_range_starting_midweek_prorates_that_week_and_ignores_entries_before_it(self) -> None:
        """Given a range from Wed 9 Sep (week Mon 7 - Sun 13), a session Tue 8 Sep and one Thu 10 Sep,
        when computing from 9 Sep, then required = 60 x 3 / 5 = 36, delivered = 30, shortfall = 6."""
        log(self.speech, "2026-09-08", "delivered", 30)
        log(self.speech, "2026-09-10", "delivered", 30)
        week = self.speech_minutes("2026-09-09", "2026-09-13").periods[0]
        assert (week.start, week.counted_from, week.counted_to) == (D("2026-09-07"), D("2026-09-09"), D("2026-09-13"))
        assert (week.required, week.delivered, week.shortfall) == (36, 30, 6)

    def test_a_range_ending_midweek_prorates_that_week(self) -> None:
        """Given a range ending Tue 15 Sep, when 30 minutes were delivered on Tue,
        then required = 60 x 2 / 5 = 24 and there is no shortfall."""
        log(self.speech, "2026-09-15", "delivered", 30)
        week = self.speech_minutes("2026-09-14", "2026-09-15").periods[0]
        assert (week.end, week.counted_to, week.required, week.shortfall) == (D("2026-09-20"), D("2026-09-15"), 24, 0)


class MonthlyServiceTests(BaseTestCase):
    def setUp(self) -> None:
        self.ot = Provision.objects.create(
            iep=self.iep,
            position=3,
            kind=Provision.Kind.SERVICE,
            label="Occupational therapy",
            wording="Occupational therapy, 120 minutes per month.",
            responsible_staff="Occupational therapist",
            schedule=Provision.Schedule.WEEKDAYS,
            weekdays=0b0000001,
            minutes=120,
            period=Provision.Period.MONTH,
        )

    def ot_minutes(self, start: str, end: str) -> ServiceMinutes:
        service = compute_compliance(self.child, D(start), D(end), provision_ids=[self.ot.pk]).provisions[0].service
        assert service is not None
        return service

    def test_a_month_based_service_is_prorated_over_the_months_regular_weekdays(self) -> None:
        """Given 120 minutes per month, an absence on Mon 14 Sep and 90 minutes delivered,
        when computing September, then required = 120 x 21 / 22 = 114.5... rounded to 115, shortfall 25."""
        absent(self.child, "2026-09-14")
        log(self.ot, "2026-09-07", "delivered", 45)
        log(self.ot, "2026-09-21", "delivered", 45)
        month = self.ot_minutes("2026-09-01", "2026-09-30").periods[0]
        assert (month.kind, month.start, month.end) == ("month", D("2026-09-01"), D("2026-09-30"))
        assert (month.attended_days, month.regular_weekdays) == (21, 22)
        assert month.required_exact == Fraction(120 * 21, 22)
        assert (month.required, month.delivered, month.shortfall) == (115, 90, 25)

    def test_a_month_cut_by_the_range_is_prorated_by_the_same_rule(self) -> None:
        """Given a range 1-15 Sep (11 school days of 22), when computing,
        then September requires 120 x 11 / 22 = 60."""
        log(self.ot, "2026-09-07", "delivered", 30)
        month = self.ot_minutes("2026-09-01", "2026-09-15").periods[0]
        assert (month.counted_to, month.required, month.shortfall) == (D("2026-09-15"), 60, 30)

    def test_required_minutes_are_rounded_half_up_not_to_even(self) -> None:
        """Given 11 minutes per month and 21 attended days of 22 (10.5 minutes),
        when computing, then required is 11 (Python's round() would give 10)."""
        self.ot.minutes = 11
        self.ot.save()
        absent(self.child, "2026-09-14")
        log(self.ot, "2026-09-07", "missed")
        month = self.ot_minutes("2026-09-01", "2026-09-30").periods[0]
        assert month.required_exact == Fraction(21, 2)
        assert round(month.required_exact) == 10
        assert month.required == 11


class AmendedServiceTests(MinutesTestCase):
    def test_a_mid_week_amendment_adds_each_versions_share_of_the_week(self) -> None:
        """Given speech raised from 60 to 90 minutes a week from Thu 15 Oct,
        when 30 minutes were delivered Tue (old version) and 45 Thu (new version),
        then the week requires (60 x 3 + 90 x 2) / 5 = 72, delivered 75, no shortfall;
        the per-version parts show 36 required against 30 and 36 against 45."""
        _, copies = amend(self.iep, "2026-10-15", {self.speech.pk: {"minutes": 90}})
        new_speech = copies[self.speech.pk]
        log(self.speech, "2026-10-13", "delivered", 30)
        log(new_speech, "2026-10-15", "delivered", 45)
        log(new_speech, "2026-10-20", "delivered", 45)
        result = compute_compliance(self.child, D("2026-10-12"), D("2026-10-25"), provision_ids=[new_speech.pk])
        speech = result.provisions[0]
        assert speech.service is not None
        week = self.week(speech.service, "2026-10-12")
        assert [(p.provision_id, p.minutes, p.attended_days) for p in week.parts] == [
            (self.speech.pk, 60, 3),
            (new_speech.pk, 90, 2),
        ]
        assert (week.required, week.delivered, week.shortfall) == (72, 75, 0)
        next_week = self.week(speech.service, "2026-10-19")
        assert (next_week.required, next_week.delivered, next_week.shortfall) == (90, 45, 45)
        assert (speech.service.required, speech.service.delivered, speech.service.shortfall) == (162, 120, 45)
        old, new = speech.versions
        assert old.service is not None and new.service is not None
        assert [(p.required, p.delivered) for p in old.service.periods] == [(36, 30)]
        assert [(p.required, p.delivered) for p in new.service.periods] == [(36, 45), (90, 45)]

    def test_the_amendment_week_rounds_once_from_the_exact_sum(self) -> None:
        """Given 61 minutes a week until Tue 13 Oct and 62 from Wed 14 Oct,
        when computing that week, then required = round_half_up((61 x 2 + 62 x 3) / 5) = round(61.6) = 62."""
        _, copies = amend(self.iep, "2026-10-14", {self.speech.pk: {"minutes": 62}})
        self.speech.minutes = 61
        self.speech.save()
        log(copies[self.speech.pk], "2026-10-15", "delivered", 62)
        week = self.speech_minutes("2026-10-12", "2026-10-18").periods[0]
        assert week.required_exact == Fraction(61 * 2 + 62 * 3, 5)
        assert (week.required, week.shortfall) == (62, 0)


class RoundingTests(BaseTestCase):
    def test_round_half_up_rounds_every_half_upward(self) -> None:
        """Given exact halves, when rounding, then each goes up (unlike Python's banker's round)."""
        assert [round_half_up(Fraction(n, 2)) for n in (1, 3, 5, 21)] == [1, 2, 3, 11]
        assert round_half_up(Fraction(114545, 1000)) == 115
        assert round_half_up(Fraction(2449, 100)) == 24
        assert round_half_up(Fraction(0)) == 0

    def test_calendar_weekdays_define_a_regular_week(self) -> None:
        """Given a calendar with school Monday-Thursday only, when computing a week with 60 minutes,
        then required = 60 x 4 / 4 = 60 and a 30-minute week leaves 30 short."""
        self.calendar.weekdays = 0b0001111
        self.calendar.save()
        log(self.speech, date(2026, 9, 15), "delivered", 30)
        service = compute_compliance(self.child, D("2026-09-14"), D("2026-09-20"), [self.speech.pk]).provisions[0]
        assert service.service is not None
        week = service.service.periods[0]
        assert (week.regular_weekdays, week.attended_days, week.required, week.shortfall) == (4, 4, 60, 30)
