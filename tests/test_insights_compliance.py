"""Day counts, delivery rates, logging coverage and IEP versions (design.md section 6, first part).

Maya's calendar: school from Mon 24 Aug 2026, Thanksgiving break Wed 25 - Fri 27 Nov; her IEP is in
force from Tue 1 Sep 2026. Extended time is owed every attended school day; speech on Tue and Thu.
"""

from __future__ import annotations

import json
from fractions import Fraction

from insights.compliance import compute_compliance
from plans.models import Iep, Provision
from tests.base import BaseTestCase
from tests.insights_support import D, absent, amend, log


class DayCountTests(BaseTestCase):
    def test_expected_days_start_with_the_iep_not_the_school_year(self) -> None:
        """Given school from 24 Aug and an IEP from Tue 1 Sep,
        when computing 24 Aug - Fri 4 Sep,
        then extended time is expected on 4 days (1-4 Sep) and speech on 2 (Tue 1, Thu 3)."""
        result = compute_compliance(self.child, D("2026-08-24"), D("2026-09-04"))
        by_label = {p.label: p for p in result.provisions}
        assert by_label["Extended time"].days.expected == 4
        assert by_label["Speech therapy"].days.expected == 2
        assert by_label["Extended time"].days.not_logged == 4

    def test_each_status_is_counted_and_the_rate_uses_delivered_partial_and_missed_only(self) -> None:
        """Given a week of extended time (Mon 14 - Fri 18 Sep) logged delivered, delivered, partial,
        missed, not applicable, and one week later an unknown and nothing else,
        when computing 14 - 25 Sep (10 expected days),
        then counts are 2/1/1/1/1 with 4 not logged, rate 2/4 and coverage 6/10."""
        et = self.extended_time
        log(et, "2026-09-14")
        log(et, "2026-09-15")
        log(et, "2026-09-16", "partial")
        log(et, "2026-09-17", "missed", reason="substitute")
        log(et, "2026-09-18", "not_applicable")
        log(et, "2026-09-21", "unknown")
        days = compute_compliance(self.child, D("2026-09-14"), D("2026-09-25")).provisions[0].days
        assert (days.expected, days.delivered, days.partial, days.missed) == (10, 2, 1, 1)
        assert (days.not_applicable, days.unknown, days.not_logged, days.logged) == (1, 1, 4, 6)
        assert days.delivery_rate == Fraction(1, 2)
        assert days.logging_coverage == Fraction(6, 10)
        assert days.delivery_percent == "50.0"
        assert days.coverage_percent == "60.0"

    def test_the_rate_is_none_when_nothing_delivered_partial_or_missed(self) -> None:
        """Given only a not-applicable entry, when computing that day, then the rate is None (0/0)."""
        log(self.extended_time, "2026-09-14", "not_applicable")
        days = compute_compliance(self.child, D("2026-09-14"), D("2026-09-14")).provisions[0].days
        assert days.delivery_rate is None
        assert days.logging_coverage == 1

    def test_rates_are_shown_to_one_decimal_rounded_half_up(self) -> None:
        """Given 1 delivered of 8 rated days, when shown, then 12.5%; 2 of 3 shows 66.7%."""
        et = self.extended_time
        log(et, "2026-09-14")
        for day in ["2026-09-15", "2026-09-16", "2026-09-17", "2026-09-18", "2026-09-21", "2026-09-22", "2026-09-23"]:
            log(et, day, "missed")
        days = compute_compliance(self.child, D("2026-09-14"), D("2026-09-23")).provisions[0].days
        assert days.delivery_percent == "12.5"
        assert days.to_json()["delivery_rate"] == {"numerator": 1, "denominator": 8, "percent": "12.5"}
        days = compute_compliance(self.child, D("2026-09-14"), D("2026-09-16")).provisions[0].days
        assert (days.delivered, days.rated, days.delivery_percent) == (1, 3, "33.3")

    def test_holidays_weekends_and_absences_are_not_expected(self) -> None:
        """Given Thanksgiving week (break Wed-Fri) and an absence on Mon 23 Nov,
        when computing Mon 23 - Sun 29 Nov, then extended time is expected on Tue 24 only."""
        absent(self.child, "2026-11-23")
        log(self.extended_time, "2026-11-23", "missed")  # logged on the absence day: not counted
        result = compute_compliance(self.child, D("2026-11-23"), D("2026-11-29"))
        et = result.provisions[0]
        assert et.days.expected == 1
        assert et.days.missed == 0
        assert et.ignored_entries == 1

    def test_entries_on_days_not_expected_are_left_out_of_the_counts(self) -> None:
        """Given speech logged on a Monday (speech is Tue/Thu) and on a Saturday,
        when computing that week, then neither is in the counts and both are reported as ignored."""
        log(self.speech, "2026-09-14", "missed")
        log(self.speech, "2026-09-19", "delivered", 30)
        speech = compute_compliance(self.child, D("2026-09-14"), D("2026-09-20")).provisions[1]
        assert speech.days.expected == 2
        assert speech.days.missed == 0
        assert speech.days.not_logged == 2
        assert speech.ignored_entries == 2

    def test_retracted_entries_are_left_out_of_everything(self) -> None:
        """Given a retracted 'missed' and a retracted 30-minute session,
        when computing, then the day is not logged and no minutes are delivered."""
        log(self.extended_time, "2026-09-14", "missed", retracted=True)
        log(self.speech, "2026-09-15", "delivered", 30, retracted=True)
        result = compute_compliance(self.child, D("2026-09-14"), D("2026-09-18"))
        et, speech = result.provisions
        assert (et.days.missed, et.days.not_logged) == (0, 5)
        assert speech.days.not_logged == 2
        assert speech.service is not None
        assert speech.service.periods[0].state == "not_logged"
        assert speech.service.delivered == 0

    def test_a_makeup_session_does_not_change_the_day_counts(self) -> None:
        """Given Tue missed and a make-up the same Tue, when computing, then Tue counts as missed once."""
        log(self.speech, "2026-09-15", "missed", reason="provider_absent")
        log(self.speech, "2026-09-15", "delivered", 30, makeup=True)
        speech = compute_compliance(self.child, D("2026-09-14"), D("2026-09-18")).provisions[1]
        assert (speech.days.expected, speech.days.missed, speech.days.delivered) == (2, 1, 0)

    def test_misses_are_split_into_school_caused_and_other_reasons(self) -> None:
        """Given misses for provider absent, substitute, no reason, student absent and parent request,
        when computing, then 3 are school-caused (a blank reason reads as unknown) and 2 are other."""
        et = self.extended_time
        log(et, "2026-09-14", "missed", reason="provider_absent")
        log(et, "2026-09-15", "missed", reason="substitute")
        log(et, "2026-09-16", "missed")
        log(et, "2026-09-17", "missed", reason="student_absent")
        log(et, "2026-09-18", "missed", reason="parent_request")
        et_result = compute_compliance(self.child, D("2026-09-14"), D("2026-09-18")).provisions[0]
        assert (et_result.days.missed_school_caused, et_result.days.missed_other) == (3, 2)
        reasons = {r.reason: (r.count, r.school_caused) for r in et_result.miss_reasons}
        assert reasons["unknown"] == (1, True)
        assert reasons["student_absent"] == (1, False)
        assert sum(r.count for r in et_result.miss_reasons) == 5

    def test_draft_ieps_count_for_nothing(self) -> None:
        """Given a draft IEP from 1 Oct with its own provision, when computing October,
        then only the active IEP's provisions appear."""
        draft = Iep.objects.create(child=self.child, effective_from=D("2026-10-01"), status=Iep.Status.DRAFT)
        Provision.objects.create(iep=draft, kind="accommodation", label="Draft item", wording="x")
        labels = [p.label for p in compute_compliance(self.child, D("2026-10-01"), D("2026-10-31")).provisions]
        assert labels == ["Extended time", "Speech therapy"]

    def test_a_provision_id_selects_its_whole_lineage(self) -> None:
        """Given an amendment on 15 Oct, when asking for the old speech id only,
        then speech appears once with both versions, and extended time is left out."""
        _, copies = amend(self.iep, "2026-10-15", {self.speech.pk: {"minutes": 90}})
        result = compute_compliance(self.child, D("2026-10-01"), D("2026-10-31"), provision_ids=[self.speech.pk])
        assert [p.label for p in result.provisions] == ["Speech therapy"]
        assert [v.provision_id for v in result.provisions[0].versions] == [self.speech.pk, copies[self.speech.pk].pk]
        assert result.provisions[0].provision_id == copies[self.speech.pk].pk

    def test_an_outsiders_provision_id_selects_nothing(self) -> None:
        """Given an id that is not one of Maya's provisions, when filtering by it, then nothing is shown."""
        result = compute_compliance(self.child, D("2026-10-01"), D("2026-10-31"), provision_ids=[999_999])
        assert result.provisions == ()

    def test_a_range_that_ends_before_it_starts_is_refused(self) -> None:
        with self.assertRaises(ValueError):
            compute_compliance(self.child, D("2026-10-02"), D("2026-10-01"))


class AmendmentTests(BaseTestCase):
    def test_an_amended_iep_gives_one_line_per_provision_with_the_versions_as_parts(self) -> None:
        """Given an amendment from Thu 15 Oct, when computing 12 - 16 Oct,
        then extended time is one line: old version Mon-Wed (3 days), new version Thu-Fri (2 days)."""
        _, copies = amend(self.iep, "2026-10-15", {})
        log(self.extended_time, "2026-10-12")
        log(copies[self.extended_time.pk], "2026-10-16", "missed")
        result = compute_compliance(self.child, D("2026-10-12"), D("2026-10-16"))
        assert [p.label for p in result.provisions] == ["Extended time", "Speech therapy"]
        et = result.provisions[0]
        old, new = et.versions
        assert old.in_force == ((D("2026-10-12"), D("2026-10-14")),)
        assert new.in_force == ((D("2026-10-15"), D("2026-10-16")),)
        assert (old.days.expected, old.days.delivered) == (3, 1)
        assert (new.days.expected, new.days.missed) == (2, 1)
        assert (et.days.expected, et.days.delivered, et.days.missed) == (5, 1, 1)

    def test_an_entry_logged_against_the_old_version_still_counts_for_the_day(self) -> None:
        """Given an entry on Fri 16 Oct logged against the version that ended 14 Oct,
        when computing, then the day counts as delivered for the lineage."""
        amend(self.iep, "2026-10-15", {})
        log(self.extended_time, "2026-10-16")
        et = compute_compliance(self.child, D("2026-10-16"), D("2026-10-16")).provisions[0]
        assert et.days.delivered == 1
        assert et.ignored_entries == 0

    def test_an_open_ended_old_version_gives_way_to_the_later_one(self) -> None:
        """Given a second active IEP from 15 Oct while the first has no end date,
        when computing October, then each day belongs to one version only (the later one wins)."""
        newer = Iep.objects.create(child=self.child, effective_from=D("2026-10-15"))
        Provision.objects.create(
            iep=newer, kind="accommodation", label="Extended time", wording="x", lineage=self.extended_time.lineage
        )
        et = compute_compliance(self.child, D("2026-10-01"), D("2026-10-31")).provisions[0]
        assert et.days.expected == 22  # every weekday of October once
        assert [v.days.expected for v in et.versions] == [10, 12]


class JsonTests(BaseTestCase):
    def test_the_json_is_plain_data_with_iso_dates_and_rates_as_counts_and_percent(self) -> None:
        """Given a week with entries, when serialised, then json.dumps accepts it and the shape is documented."""
        log(self.extended_time, "2026-09-14")
        log(self.extended_time, "2026-09-15", "missed", reason="substitute")
        log(self.speech, "2026-09-15", "delivered", 30)
        data = compute_compliance(self.child, D("2026-09-14"), D("2026-09-20")).to_json(include_days=True)
        json.dumps(data)
        assert data["range"] == {"from": "2026-09-14", "to": "2026-09-20"}
        assert data["totals"]["days"]["delivery_rate"] == {"numerator": 2, "denominator": 3, "percent": "66.7"}
        assert data["totals"]["minutes"] == {
            "required": 60,
            "delivered": 30,
            "documented_shortfall": 30,
            "makeup_minutes": 0,
            "required_in_not_logged_periods": 0,
            "not_logged_periods": 0,
        }
        et, speech = data["provisions"]
        assert et["misses"]["by_reason"] == [
            {
                "reason": "substitute",
                "label": "Substitute did not know or did not follow the IEP",
                "count": 1,
                "school_caused": True,
                "share": {"numerator": 1, "denominator": 1, "percent": "100.0"},
            }
        ]
        assert et["service"] is None
        assert speech["service"]["periods"][0]["documented_shortfall"] == 30
        assert speech["versions"][0]["weekdays"] == ["Tuesday", "Thursday"]
        assert data["days"][0]["date"] == "2026-09-14"
        assert data["months"][0]["month"] == "2026-09"
