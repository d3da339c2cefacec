"""The school calendar in a few taps: the district's .ics file, US federal holidays, a sibling's year.

- ``read_ics`` proposes the first and last day of school and the days without school from a district
  calendar (.ics, read with icalendar): an event whose name says there is no school ("No School",
  "Winter Break", "Teacher Work Day", "Thanksgiving", ...) becomes a day off, a break of several days
  one range; events that are school days ("Early Release", "Minimum Day") are left out. The parent
  reviews every proposed day before anything is saved.
- ``federal_holidays`` lists the US federal holidays (the ``holidays`` package) on school weekdays
  inside a school year, observed days included.
- ``save_imported_calendar``, ``add_days_off`` and ``copy_calendar`` write them, each in one
  transaction with one ledger record for the calendar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from plans import services
from plans.models import Child, NonSchoolDay, SchoolCalendar

NO_SCHOOL = re.compile(
    r"\b(?:no school|no classes|school closed|closed|holiday|break|recess|vacation|day off|"
    r"teacher (work|planning|prep)|work ?day|professional (development|learning)|staff development|"
    r"in-?service|non-?student|student holiday|records day|grading day|planning day|institute day|"
    r"thanksgiving|christmas|new year|labor day|memorial day|veterans|martin luther king|mlk|presidents|"
    r"washington|juneteenth|independence day|columbus|indigenous peoples|good friday|election day)",
    re.I,
)
SCHOOL_STILL_OPEN = re.compile(
    r"early (release|dismissal)|half day|minimum day|late start|delayed opening|shortened day|"
    r"first day|last day|back to school|open house|picture day|conference",
    re.I,
)
FIRST_DAY = re.compile(
    r"first (day of school|day for students|student day|day of classes)|school (begins|starts)", re.I
)
LAST_DAY = re.compile(r"last (day of school|day for students|student day|day of classes)|school ends", re.I)


class CalendarFileError(ValueError):
    """The file is not a calendar that can be read; the message says so plainly."""


@dataclass
class DayOff:
    name: str
    start: date
    end: date

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "start": self.start.isoformat(), "end": self.end.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> DayOff:
        return cls(data["name"], date.fromisoformat(data["start"]), date.fromisoformat(data["end"]))


@dataclass
class ProposedYear:
    first_day: date | None = None
    last_day: date | None = None
    days_off: list[DayOff] = field(default_factory=list)

    @property
    def name(self) -> str:
        if self.first_day and self.last_day:
            return _("%(first)d-%(last)02d school year") % {
                "first": self.first_day.year,
                "last": self.last_day.year % 100,
            }
        return _("School year")


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def read_ics(data: bytes) -> ProposedYear:
    """First day, last day and days off proposed from a district's .ics calendar."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except ValueError as error:
        raise CalendarFileError(_("This file is not a calendar (.ics) that can be read.")) from error
    year = ProposedYear()
    seen: set[tuple[str, date, date]] = set()
    for event in calendar.walk("VEVENT"):
        name = " ".join(str(event.get("SUMMARY", "")).split())
        start = _as_date(event.decoded("DTSTART", None))
        if not name or start is None:
            continue
        raw_end = event.get("DTEND")
        end = _as_date(event.decoded("DTEND")) if raw_end is not None else start
        all_day = not isinstance(event.decoded("DTSTART"), datetime)
        if end is None:
            end = start
        elif all_day and end > start:
            end -= timedelta(days=1)  # an all-day event's end is the day after its last day
        end = max(end, start)
        if FIRST_DAY.search(name):
            year.first_day = min(year.first_day or start, start)
        if LAST_DAY.search(name):
            year.last_day = max(year.last_day or end, end)
        if NO_SCHOOL.search(name) and not SCHOOL_STILL_OPEN.search(name) and (name, start, end) not in seen:
            seen.add((name, start, end))
            year.days_off.append(DayOff(name[:80], start, end))
    year.days_off.sort(key=lambda day: (day.start, day.end, day.name))
    if year.first_day and year.last_day:
        year.days_off = [d for d in year.days_off if d.end >= year.first_day and d.start <= year.last_day]
    return year


def federal_holidays(first_day: date, last_day: date, weekdays: Iterable[int] = range(5)) -> list[DayOff]:
    """US federal holidays (observed days included) on school weekdays from first to last day."""
    import holidays

    school_weekdays = set(weekdays)
    found = holidays.country_holidays("US", years=range(first_day.year, last_day.year + 1))
    return [
        DayOff(str(name)[:80], day, day)
        for day, name in sorted(found.items())
        if first_day <= day <= last_day and day.weekday() in school_weekdays
    ]


def clip(days: Iterable[DayOff], first_day: date, last_day: date) -> list[DayOff]:
    """The days off inside the school year, cut at its edges (a break running past the last day)."""
    return [
        DayOff(day.name, max(day.start, first_day), min(day.end, last_day))
        for day in days
        if day.end >= first_day and day.start <= last_day
    ]


def add_days_off(calendar: SchoolCalendar, days: Iterable[DayOff], *, user: Any) -> list[NonSchoolDay]:
    """Several days off at once (e.g. the federal holidays): one transaction, one ledger record."""
    days = clip(days, calendar.first_day, calendar.last_day)
    existing = set(calendar.non_school_days.values_list("start", "end"))
    with transaction.atomic():
        created = [
            NonSchoolDay.objects.create(calendar=calendar, name=day.name, start=day.start, end=day.end)
            for day in days
            if (day.start, day.end) not in existing
        ]
        if created:
            services.record_calendar(calendar, "edited", user)
    return created


def save_imported_calendar(calendar: SchoolCalendar, days: Iterable[DayOff], *, user: Any) -> SchoolCalendar:
    """A new school year with its days off, recorded in the ledger once with them all."""
    days = clip(days, calendar.first_day, calendar.last_day)
    with transaction.atomic():
        calendar.save()
        for day in days:
            NonSchoolDay.objects.create(calendar=calendar, name=day.name, start=day.start, end=day.end)
        services.record_calendar(calendar, "created", user)
    return calendar


def copy_calendar(source: SchoolCalendar, child: Child, *, user: Any) -> SchoolCalendar:
    """The same school year for a sibling in the same school: dates, weekdays and days off copied."""
    if source.child.household_id != child.household_id or source.child_id == child.pk:
        raise services.PlanError(_("Only the calendar of a brother or sister in the same household can be reused."))
    overlapping = SchoolCalendar.objects.filter(
        child=child, first_day__lte=source.last_day, last_day__gte=source.first_day
    ).exists()
    if overlapping:
        raise services.PlanError(_("%(name)s already has a school year in these dates.") % {"name": child.name})
    copy = SchoolCalendar(
        child=child,
        name=source.name,
        first_day=source.first_day,
        last_day=source.last_day,
        weekdays=source.weekdays,
    )
    days = [DayOff(off.name, off.start, off.end) for off in source.non_school_days.all()]
    return save_imported_calendar(copy, days, user=user)
