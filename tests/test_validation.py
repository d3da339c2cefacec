"""The named validation rules of plans.validation: one rule, one message, one test each."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from plans import validation
from plans.models import Absence, Provision
from plans.schooldays import SchoolDays
from tests.base import BaseTestCase


def message(rule: object, *args: object) -> str:
    with pytest.raises(ValidationError) as raised:
        rule(*args)  # type: ignore[operator]
    return raised.value.messages[0]


def test_a_later_date_before_the_earlier_one_is_out_of_order() -> None:
    assert (
        message(validation.validate_not_before, date(2026, 8, 1), date(2026, 9, 1), "start date")
        == "This date is before the start date (September 1, 2026)."
    )
    validation.validate_not_before(date(2026, 9, 1), date(2026, 9, 1), "start date")  # the same day is fine
    validation.validate_not_before(None, date(2026, 9, 1), "start date")  # a missing date is another rule's job


@time_machine.travel("2026-11-30 12:00 -05:00")
def test_a_birth_date_cannot_be_in_the_future() -> None:
    assert message(validation.validate_not_in_future, date(2026, 12, 1)) == "This date is in the future."
    validation.validate_not_in_future(date(2026, 11, 30))


def test_minutes_need_a_period_and_a_period_needs_minutes() -> None:
    assert message(validation.validate_period_for_minutes, 120, "") == "Choose per week or per month for these minutes."
    assert message(validation.validate_minutes_for_period, None, "week").startswith("Enter the number of minutes")
    validation.validate_period_for_minutes(None, "")
    validation.validate_minutes_for_period(120, "month")


def test_minutes_must_be_more_than_zero() -> None:
    assert message(validation.validate_minutes_positive, 0).startswith("Enter more than 0 minutes")
    validation.validate_minutes_positive(None)


def test_a_weekday_schedule_needs_a_weekday() -> None:
    assert (
        message(validation.validate_weekdays_chosen, Provision.Schedule.WEEKDAYS, []) == "Choose at least one weekday."
    )
    validation.validate_weekdays_chosen(Provision.Schedule.EVERY_DAY, [])
    assert message(validation.validate_some_school_weekday, []) == "Choose the weekdays your child has school."


class RulesNeedingRecords(BaseTestCase):
    def test_school_years_of_one_child_may_not_overlap(self) -> None:
        others = [self.calendar]
        text = message(validation.validate_no_calendar_overlap, date(2027, 6, 1), date(2028, 6, 1), others)
        assert text.startswith("These dates overlap the school year “2026-27”")
        validation.validate_no_calendar_overlap(date(2027, 6, 12), date(2028, 6, 1), others)

    def test_a_day_off_must_be_inside_the_school_year(self) -> None:
        assert message(validation.validate_inside_calendar, date(2027, 7, 4), self.calendar).startswith(
            "This date is outside the school year (August 24, 2026 to June 11, 2027)"
        )
        validation.validate_inside_calendar(date(2026, 8, 24), self.calendar)

    def test_an_absence_must_be_on_a_school_day(self) -> None:
        days = SchoolDays.load(self.child, date(2026, 11, 1), date(2026, 11, 30))
        assert message(validation.validate_school_day, date(2026, 11, 27), days).startswith(
            "Friday, November 27, 2026 is not a school day"
        )
        validation.validate_school_day(date(2026, 11, 30), days)

    def test_an_absence_is_marked_once_a_day(self) -> None:
        Absence.objects.create(child=self.child, date=date(2026, 11, 10))
        assert message(validation.validate_not_already_absent, self.child, date(2026, 11, 10)) == (
            "Maya Rivera is already marked absent on this day."
        )
        validation.validate_not_already_absent(self.child, date(2026, 11, 11))

    def test_an_amendment_starts_inside_the_version_it_amends(self) -> None:
        assert "which began September 1, 2026" in message(
            validation.validate_amendment_start, date(2026, 9, 1), self.iep
        )
        self.iep.effective_to = date(2027, 8, 31)
        assert "Add a new IEP instead." in message(validation.validate_amendment_start, date(2027, 9, 1), self.iep)
        validation.validate_amendment_start(date(2027, 8, 31), self.iep)
