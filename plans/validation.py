"""Validation rules for plan records: one rule, one name, one message.

Forms call these from ``clean()`` and put the message next to the field it is about; the services
call the few that also protect data written outside forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from iepright.textclean import long_date
from plans.models import Absence, Child, Iep, Provision, SchoolCalendar
from plans.schooldays import SchoolDays


def validate_not_before(later: date | None, earlier: date | None, earlier_name: str) -> None:
    """``later`` may not fall before ``earlier`` (either may be missing)."""
    if later is not None and earlier is not None and later < earlier:
        raise ValidationError(
            _("This date is before the %(earlier)s (%(date)s).")
            % {"earlier": earlier_name, "date": long_date(earlier)},
            code="date_order",
        )


def validate_not_in_future(day: date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future")


def validate_period_for_minutes(minutes: int | None, period: str) -> None:
    """Minutes mean nothing without a period: 120 minutes per week and per month are very different."""
    if minutes is not None and not period:
        raise ValidationError(_("Choose per week or per month for these minutes."), code="period_missing")


def validate_minutes_for_period(minutes: int | None, period: str) -> None:
    if period and minutes is None:
        raise ValidationError(_("Enter the number of minutes, or leave “per” empty."), code="minutes_missing")


def validate_minutes_positive(minutes: int | None) -> None:
    if minutes is not None and minutes <= 0:
        raise ValidationError(_("Enter more than 0 minutes, or leave it empty."), code="zero_minutes")


def validate_weekdays_chosen(schedule: str, weekdays: Iterable[object]) -> None:
    if schedule == Provision.Schedule.WEEKDAYS and not list(weekdays):
        raise ValidationError(_("Choose at least one weekday."), code="no_weekday")


def validate_flexible_has_amount(schedule: str, minutes: int | None, period: str) -> None:
    """A flexible schedule has no days to check, so only its minutes per week or month say what is owed."""
    if schedule == Provision.Schedule.FLEXIBLE and (minutes is None or not period):
        raise ValidationError(
            _("A flexible schedule needs the minutes per week or per month the IEP requires."),
            code="flexible_no_amount",
        )


def validate_sessions_need_period(sessions: int | None, period: str) -> None:
    """Sessions are counted per week or month, like the minutes."""
    if sessions is not None and not period:
        raise ValidationError(
            _("Sessions are counted per week or per month: choose the minutes and “per”."), code="sessions_no_period"
        )


def validate_sessions_positive(sessions: int | None) -> None:
    if sessions is not None and sessions <= 0:
        raise ValidationError(_("Enter at least 1 session, or leave it empty."), code="zero_sessions")


def validate_some_school_weekday(weekdays: Iterable[object]) -> None:
    if not list(weekdays):
        raise ValidationError(_("Choose the weekdays your child has school."), code="no_weekday")


def validate_no_calendar_overlap(first: date | None, last: date | None, others: Iterable[SchoolCalendar]) -> None:
    """Two school years of one child may not overlap: a day must belong to one calendar."""
    if first is None or last is None:
        return
    for other in others:
        if first <= other.last_day and other.first_day <= last:
            raise ValidationError(
                _("These dates overlap the school year “%(name)s” (%(first)s to %(last)s).")
                % {"name": other.name, "first": long_date(other.first_day), "last": long_date(other.last_day)},
                code="overlap",
            )


def validate_inside_calendar(day: date | None, calendar: SchoolCalendar) -> None:
    if day is not None and not (calendar.first_day <= day <= calendar.last_day):
        raise ValidationError(
            _("This date is outside the school year (%(first)s to %(last)s).")
            % {"first": long_date(calendar.first_day), "last": long_date(calendar.last_day)},
            code="outside_year",
        )


def validate_school_day(day: date | None, school_days: SchoolDays) -> None:
    """An absence can only be on a day the child would have had school."""
    if day is not None and not school_days.is_school_day(day):
        raise ValidationError(
            _("%(weekday)s, %(date)s is not a school day in the calendar, so there is nothing to miss.")
            % {"weekday": date_format(day, "l"), "date": long_date(day)},
            code="not_school_day",
        )


def validate_amendment_start(effective_from: date | None, iep: Iep) -> None:
    """An amendment starts after the version it amends starts, and before that version ends."""
    if effective_from is None:
        return
    if effective_from <= iep.effective_from:
        raise ValidationError(
            _("An amendment starts after the current version, which began %(date)s.")
            % {"date": long_date(iep.effective_from)},
            code="amendment_too_early",
        )
    if iep.effective_to is not None and effective_from > iep.effective_to:
        raise ValidationError(
            _("This is after the IEP ends (%(date)s). Add a new IEP instead.") % {"date": long_date(iep.effective_to)},
            code="amendment_too_late",
        )


MAX_ABSENCE_RANGE_DAYS = 62


def validate_absence_range(first: date | None, last: date | None, school_days: SchoolDays | None) -> None:
    """A multi-day absence: in order, at most two months, and with at least one school day in it."""
    if first is None or last is None:
        return
    validate_not_before(last, first, _("first day absent"))
    if (last - first).days >= MAX_ABSENCE_RANGE_DAYS:
        raise ValidationError(_("Please enter at most two months at a time."), code="range_too_long")
    if school_days is not None and not any(
        school_days.is_school_day(date.fromordinal(n)) for n in range(first.toordinal(), last.toordinal() + 1)
    ):
        raise ValidationError(
            _("There is no school day in these dates, so there is nothing to miss."), code="no_school_day"
        )


def validate_not_already_absent(child: Child, day: date) -> None:
    if Absence.objects.filter(child=child, date=day).exists():
        raise ValidationError(
            _("%(name)s is already marked absent on this day.") % {"name": child.name}, code="already_absent"
        )
