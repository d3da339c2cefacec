"""Every deadline rule against cases computed by hand from shared/docs/legal-facts.md.

The calculator is pure (no database): each test states the events, the state and the calendar, and
the date a person counting on a paper calendar gets by the conventions of legal-facts.md.
"""

from __future__ import annotations

from datetime import date

from deadlines.compute import Deadline, Event, Facts, compute
from deadlines.counting import SchoolCalendar, SchoolYear, add_business_days, add_years, count_back_weekdays
from deadlines.rules import RULES
from deadlines.states import STATE_NAMES, STATE_RULES, Flag, Override

TODAY = date(2026, 6, 1)


def days(start: date, end: date) -> frozenset[date]:
    return frozenset(date.fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1))


# Spring 2026 (2 to 27 March, spring break 16-20 March), then 2026-27 from Monday 17 August 2026
# with Thanksgiving week (23-27 November) and a two-week winter break (21 December - 1 January).
SPRING = SchoolYear("spring 2026", date(2026, 3, 2), date(2026, 3, 27), days(date(2026, 3, 16), date(2026, 3, 20)))
YEAR_2026_27 = SchoolYear(
    "2026-27",
    date(2026, 8, 17),
    date(2027, 6, 10),
    days(date(2026, 11, 23), date(2026, 11, 27)) | days(date(2026, 12, 21), date(2027, 1, 1)),
)
TWO_YEARS = SchoolCalendar((SPRING, YEAR_2026_27))


def only(kind: str, day: date, *, state: str | None = None, rule: str, **facts: object) -> Deadline:
    """The one deadline of ``rule`` that a single event gives rise to."""
    result = [d for d in compute(Facts(state=state, events=(Event(kind, day),), **facts), TODAY) if d.rule.id == rule]  # type: ignore[arg-type]
    assert len(result) == 1, result
    return result[0]


def of(facts: Facts, rule: str) -> list[Deadline]:
    return [d for d in compute(facts, TODAY) if d.rule.id == rule]


class TestCounting:
    def test_business_days_skip_weekends_and_the_schools_holidays(self) -> None:
        """Given Friday 20 Nov 2026 and Thanksgiving 25-27 Nov off, 5 business days: 23, 24, 30, 1, 2 -> 2 Dec."""
        holidays = days(date(2026, 11, 25), date(2026, 11, 27))
        assert add_business_days(date(2026, 11, 20), 5, holidays) == date(2026, 12, 2)

    def test_a_business_day_count_starts_after_a_weekend_trigger(self) -> None:
        """Given Saturday 21 Nov 2026, the first qualifying day is Monday 23: the 5th is 2 Dec again."""
        holidays = days(date(2026, 11, 25), date(2026, 11, 27))
        assert add_business_days(date(2026, 11, 21), 5, holidays) == date(2026, 12, 2)

    def test_years_keep_month_and_day_and_29_february_moves_by_kind(self) -> None:
        assert add_years(date(2026, 3, 10), 2) == date(2028, 3, 10)
        assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
        assert add_years(date(2024, 2, 29), 1, earliest=True) == date(2025, 3, 1)
        assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)

    def test_counting_back_ten_weekdays_counts_holidays(self) -> None:
        """From Sunday 15 Mar 2026 back: 13, 12, 11, 10, 9, 6, 5, 4, 3, 2 March."""
        assert count_back_weekdays(date(2026, 3, 15), 10) == date(2026, 3, 2)

    def test_long_breaks_are_the_winter_break_with_its_weekends_and_the_summer(self) -> None:
        breaks = TWO_YEARS.long_breaks(5)
        assert date(2026, 12, 19) in breaks and date(2027, 1, 3) in breaks  # weekends next to it
        assert date(2026, 11, 25) not in breaks  # Thanksgiving: 5 school days, not more
        assert date(2026, 3, 18) not in breaks  # spring break: 5 school days
        assert date(2026, 7, 1) in breaks  # summer between the two years


class TestRecordsRequests:
    def test_idea_records_are_due_45_days_after_the_request(self) -> None:
        """1 Oct 2026 + 45 = 15 Nov 2026, a Sunday: it stays there, with a warning."""
        deadline = only("records_request", date(2026, 10, 1), rule="records_request")
        assert deadline.date == date(2026, 11, 15) and deadline.citation == "34 CFR 300.613(a)"
        assert deadline.federal_default and deadline.warnings and "Sunday" in deadline.warnings[0]

    def test_a_meeting_before_the_limit_is_the_deadline(self) -> None:
        facts = Facts(
            events=(
                Event("iep_meeting_scheduled", date(2026, 9, 15)),  # before the request: does not count
                Event("records_request", date(2026, 10, 1)),
                Event("due_process_hearing_scheduled", date(2026, 10, 28)),
                Event("iep_meeting_scheduled", date(2026, 10, 20)),
            )
        )
        (deadline,) = of(facts, "records_request")
        assert deadline.date == date(2026, 10, 20)
        assert deadline.limiting_event is not None and deadline.limiting_event.kind == "iep_meeting_scheduled"

    def test_a_meeting_after_the_limit_changes_nothing(self) -> None:
        facts = Facts(
            events=(
                Event("records_request", date(2026, 10, 1)),
                Event("resolution_session_scheduled", date(2026, 12, 1)),
            )
        )
        (deadline,) = of(facts, "records_request")
        assert deadline.date == date(2026, 11, 15) and deadline.limiting_event is None

    def test_california_gives_5_business_days_across_a_holiday(self) -> None:
        holidays = days(date(2026, 11, 25), date(2026, 11, 27))
        deadline = only("records_request", date(2026, 11, 20), state="CA", rule="records_request", holidays=holidays)
        assert deadline.date == date(2026, 12, 2)
        assert deadline.state_override is not None and deadline.citation == "Cal. Ed. Code 56504"
        assert not deadline.federal_default

    def test_washington_keeps_45_calendar_days_under_its_own_rule(self) -> None:
        deadline = only("records_request", date(2026, 10, 1), state="WA", rule="records_request")
        assert deadline.date == date(2026, 11, 15) and deadline.state_override is not None

    def test_a_ferpa_request_is_due_within_45_days(self) -> None:
        deadline = only("ferpa_records_request", date(2026, 10, 1), rule="ferpa_records_request")
        assert deadline.date == date(2026, 11, 15) and deadline.citation == "34 CFR 99.10(b)"

    def test_45_days_across_a_leap_day(self) -> None:
        """1 Feb 2028 + 45 = 17 Mar 2028 (29 Feb counted); 1 Feb 2027 + 45 = 18 Mar 2027."""
        assert only("records_request", date(2028, 2, 1), rule="records_request").date == date(2028, 3, 17)
        assert only("records_request", date(2027, 2, 1), rule="records_request").date == date(2027, 3, 18)


class TestComplaintsAndHearings:
    def test_state_complaint_limit_is_one_year_and_29_february_becomes_28(self) -> None:
        deadline = only("violation", date(2024, 2, 29), rule="state_complaint_filing_limit")
        assert deadline.date == date(2025, 2, 28) and deadline.citation == "34 CFR 300.153(c)"
        assert deadline.is_past  # before TODAY: shown, marked past

    def test_state_complaint_decision_is_60_days_after_filing(self) -> None:
        assert only("state_complaint_filed", date(2026, 10, 1), rule="state_complaint_decision").date == date(
            2026, 11, 30
        )

    def test_due_process_limit_is_two_years_federally(self) -> None:
        deadline = only("knew_or_should_have_known", date(2026, 3, 10), rule="due_process_filing_limit")
        assert deadline.date == date(2028, 3, 10) and deadline.federal_default

    def test_north_carolina_and_wisconsin_give_one_year(self) -> None:
        for state, citation in (("NC", "NC Policy 1504-1.8"), ("WI", "Wis. Stat. 115.80(1)(a)1")):
            deadline = only(
                "knew_or_should_have_known", date(2026, 3, 10), state=state, rule="due_process_filing_limit"
            )
            assert deadline.date == date(2027, 3, 10) and deadline.citation == citation

    def test_alaska_is_conflicting_and_asserts_no_date(self) -> None:
        deadline = only("knew_or_should_have_known", date(2026, 3, 10), state="AK", rule="due_process_filing_limit")
        assert deadline.date is None and deadline.status == "unverified" and deadline.flag == "CONFLICTING"
        assert deadline.as_json()["date"] is None and not deadline.federal_default

    def test_texas_two_years_apply_since_september_2022_only(self) -> None:
        recent = only("knew_or_should_have_known", date(2023, 1, 10), state="TX", rule="due_process_filing_limit")
        assert recent.date == date(2025, 1, 10) and recent.citation == "19 TAC 89.1151(c)"
        older = only("knew_or_should_have_known", date(2022, 6, 1), state="TX", rule="due_process_filing_limit")
        assert older.date is None and older.flag == "UNVERIFIED"

    def test_the_due_process_clocks_after_the_complaint_is_received(self) -> None:
        """Received 1 Oct 2026: challenge and resolution meeting 16 Oct, period ends 31 Oct, decision 15 Dec."""
        facts = Facts(events=(Event("due_process_complaint_received", date(2026, 10, 1)),))
        found = {d.rule.id: d.date for d in compute(facts, TODAY)}
        assert found == {
            "sufficiency_challenge": date(2026, 10, 16),
            "resolution_meeting": date(2026, 10, 16),
            "resolution_period_end": date(2026, 10, 31),
            "hearing_decision": date(2026, 12, 15),
        }

    def test_a_written_waiver_starts_the_45_days_early(self) -> None:
        """Waiver on 5 Oct 2026: 5 Oct + 45 = 19 Nov 2026."""
        facts = Facts(
            events=(
                Event("due_process_complaint_received", date(2026, 10, 1)),
                Event("resolution_meeting_waived", date(2026, 10, 5)),
            )
        )
        (deadline,) = of(facts, "hearing_decision")
        assert deadline.date == date(2026, 11, 19)
        assert deadline.limiting_event is not None and deadline.limiting_event.kind == "resolution_meeting_waived"

    def test_the_sufficiency_ruling_comes_5_days_after_the_challenge(self) -> None:
        assert only("sufficiency_challenge_received", date(2026, 10, 10), rule="sufficiency_ruling").date == date(
            2026, 10, 15
        )

    def test_ocr_complaint_180_days_and_60_after_a_grievance(self) -> None:
        assert only("ocr_last_act", date(2026, 1, 15), rule="ocr_complaint").date == date(2026, 7, 14)
        assert only("grievance_ended", date(2026, 5, 1), rule="ocr_complaint_after_grievance").date == date(2026, 6, 30)


class TestIepClocks:
    def test_annual_review_from_the_newest_meeting_only(self) -> None:
        facts = Facts(events=(Event("last_iep_meeting", date(2025, 9, 3)), Event("last_iep_meeting", date(2026, 9, 2))))
        (deadline,) = of(facts, "annual_review")
        assert deadline.date == date(2027, 9, 2) and deadline.citation == "34 CFR 300.324(b)(1)"

    def test_reevaluation_has_a_latest_and_an_earliest_date_across_29_february(self) -> None:
        deadline = only("last_evaluation", date(2024, 2, 29), rule="reevaluation")
        assert deadline.date == date(2027, 2, 28) and deadline.earliest == date(2025, 3, 1)

    def test_pennsylvania_reevaluates_intellectual_disability_every_two_years(self) -> None:
        with_id = only(
            "last_evaluation", date(2025, 5, 12), state="PA", rule="reevaluation", disability="intellectual_disability"
        )
        assert with_id.date == date(2027, 5, 12) and with_id.citation == "22 Pa. Code 14.124(c)"
        assert with_id.earliest == date(2026, 5, 12)
        other = only("last_evaluation", date(2025, 5, 12), state="PA", rule="reevaluation")
        assert other.date == date(2028, 5, 12) and other.federal_default

    def test_initial_evaluation_is_60_calendar_days_federally(self) -> None:
        assert only("evaluation_consent", date(2026, 11, 10), rule="initial_evaluation").date == date(2027, 1, 9)

    def test_texas_counts_45_school_days_across_spring_break_and_summer_into_the_next_year(self) -> None:
        """Consent Fri 6 Mar 2026: 9-13 Mar (5), break, 23-27 Mar (10), summer, 17 Aug on: 45th is Fri 2 Oct."""
        deadline = only(
            "evaluation_consent", date(2026, 3, 6), state="TX", rule="initial_evaluation", calendar=TWO_YEARS
        )
        assert deadline.date == date(2026, 10, 2) and deadline.citation == "Tex. Educ. Code 29.004"

    def test_a_school_day_count_past_the_calendar_asks_for_next_year(self) -> None:
        spring_only = SchoolCalendar((SPRING,))
        deadline = only(
            "evaluation_consent", date(2026, 3, 6), state="TX", rule="initial_evaluation", calendar=spring_only
        )
        assert deadline.date is None and deadline.status == "needs_calendar"
        assert "2026-03-27" in deadline.note and "next school year" in deadline.note

    def test_no_calendar_at_all_asks_for_one(self) -> None:
        deadline = only("evaluation_consent", date(2026, 3, 6), state="TX", rule="initial_evaluation")
        assert deadline.status == "needs_calendar" and "Enter the school calendar" in deadline.note

    def test_pennsylvania_skips_the_summer(self) -> None:
        """Consent 6 Mar 2026: 7-27 Mar is 21 days (spring break counts), summer skipped, 17 Aug is day 22: 60th is 24 Sep."""
        deadline = only(
            "evaluation_consent", date(2026, 3, 6), state="PA", rule="initial_evaluation", calendar=TWO_YEARS
        )
        assert deadline.date == date(2026, 9, 24) and deadline.citation == "22 Pa. Code 14.123"

    def test_california_skips_breaks_over_five_school_days(self) -> None:
        """Consent 10 Nov 2026: 11-30 Nov (20, Thanksgiving counts), 1-18 Dec (38), 19 Dec-3 Jan skipped, 4 Jan is 39th: 60th 25 Jan."""
        deadline = only(
            "evaluation_consent", date(2026, 11, 10), state="CA", rule="initial_evaluation", calendar=TWO_YEARS
        )
        assert deadline.date == date(2027, 1, 25) and deadline.citation == "Cal. Ed. Code 56344(a)"

    def test_illinois_and_massachusetts_evaluations_are_flagged_without_a_date(self) -> None:
        for state in ("IL", "MA"):
            deadline = only(
                "evaluation_consent", date(2026, 11, 10), state=state, rule="initial_evaluation", calendar=TWO_YEARS
            )
            assert deadline.date is None and deadline.flag == "UNVERIFIED" and deadline.status == "unverified"

    def test_initial_iep_meeting_within_30_days_of_eligibility(self) -> None:
        assert only("eligibility_determined", date(2026, 10, 1), rule="initial_iep_meeting").date == date(2026, 10, 31)

    def test_a_meeting_on_request_has_no_federal_number(self) -> None:
        deadline = only("iep_meeting_requested", date(2026, 11, 10), state="OH", rule="iep_meeting_on_request")
        assert deadline.date is None and deadline.flag == "UNVERIFIED"

    def test_california_meeting_on_request_is_30_days_skipping_long_breaks(self) -> None:
        """Requested 10 Nov 2026: 11-30 Nov (20), 1-10 Dec: 30th is 10 Dec (Thanksgiving counts)."""
        deadline = only(
            "iep_meeting_requested", date(2026, 11, 10), state="CA", rule="iep_meeting_on_request", calendar=TWO_YEARS
        )
        assert deadline.date == date(2026, 12, 10) and deadline.citation == "Cal. Ed. Code 56343.5"

    def test_california_meeting_on_request_across_the_winter_break(self) -> None:
        """Requested 10 Dec 2026: 11-18 Dec (8), 19 Dec-3 Jan skipped, 4 Jan is 9th: 30th is 25 Jan 2027."""
        deadline = only(
            "iep_meeting_requested", date(2026, 12, 10), state="CA", rule="iep_meeting_on_request", calendar=TWO_YEARS
        )
        assert deadline.date == date(2027, 1, 25)

    def test_arizona_counts_45_school_days(self) -> None:
        deadline = only(
            "iep_meeting_requested", date(2026, 3, 6), state="AZ", rule="iep_meeting_on_request", calendar=TWO_YEARS
        )
        assert deadline.date == date(2026, 10, 2) and deadline.citation == "A.A.C. R7-2-401(G)(7)"


class TestPrivatePlacement:
    def test_notice_is_due_ten_weekdays_before_the_removal(self) -> None:
        """Removal Mon 16 Mar 2026: 13, 12, 11, 10, 9, 6, 5, 4, 3, 2 March: notice by 2 March."""
        assert only("private_placement_removal", date(2026, 3, 16), rule="private_placement_notice").date == date(
            2026, 3, 2
        )

    def test_holidays_on_weekdays_still_count(self) -> None:
        """Removal Wed 18 Mar 2026, with 9-13 March a school break: 17, 16, 13, ..., 4 March."""
        holidays = days(date(2026, 3, 9), date(2026, 3, 13))
        deadline = only(
            "private_placement_removal", date(2026, 3, 18), rule="private_placement_notice", holidays=holidays
        )
        assert deadline.date == date(2026, 3, 4)


class TestTheStateTable:
    def test_every_jurisdiction_is_listed(self) -> None:
        assert len(STATE_RULES) == 52  # 50 states, DC, and Puerto Rico
        assert set(STATE_RULES) == set(STATE_NAMES)

    def test_every_state_setting_names_a_known_rule_and_a_citation(self) -> None:
        rule_ids = {rule.id for rule in RULES}
        for state, settings in STATE_RULES.items():
            for rule_id, setting in settings.items():
                assert rule_id in rule_ids, (state, rule_id)
                assert setting.citation, (state, rule_id)
                assert isinstance(setting, Override | Flag)

    def test_a_state_without_variations_uses_the_federal_rule_marked_as_such(self) -> None:
        deadline = only("records_request", date(2026, 10, 1), state="OH", rule="records_request")
        assert deadline.federal_default and "Federal rule" in deadline.note
        assert deadline.as_json()["federal_default"] is True and deadline.as_json()["state_override"] is None

    def test_past_and_upcoming_are_marked(self) -> None:
        facts = Facts(events=(Event("records_request", date(2026, 4, 1)), Event("records_request", date(2026, 5, 1))))
        assert [d.status for d in compute(facts, date(2026, 5, 1))] == ["upcoming", "upcoming"]
        late = compute(facts, date(2026, 5, 17))
        assert [d.status for d in late] == ["past", "upcoming"]  # 16 May has passed, 15 June has not
        assert [d.date for d in late] == [date(2026, 5, 16), date(2026, 6, 15)]


class TestTheDocs:
    def test_docs_deadlines_lists_every_rule_and_state_setting(self) -> None:
        from pathlib import Path

        text = (Path(__file__).resolve().parent.parent / "docs" / "deadlines.md").read_text()
        for rule in RULES:
            assert f"| `{rule.id}` |" in text, rule.id
        for state, settings in STATE_RULES.items():
            for setting in settings.values():
                assert setting.citation.split(" (")[0] in text, (state, setting.citation)
