"""School days over a range, computed with a fixed number of queries.

``SchoolDays.load(child, start, end)`` reads the child's calendars, non-school days and absences
once; its methods then answer per-day questions in memory. The Today screen, the insights and the
reports all stand on this one definition of an attended school day (design.md section 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from plans.models import Absence, Child, SchoolCalendar


def days_between(start: date, end: date) -> list[date]:
    """Every date from ``start`` to ``end``, both included."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


@dataclass
class SchoolDays:
    calendars: list[SchoolCalendar]
    closed: set[date] = field(default_factory=set)  # named non-school days
    absences: dict[date, str] = field(default_factory=dict)  # date -> reason

    @classmethod
    def load(cls, child: Child, start: date, end: date) -> SchoolDays:
        calendars = list(
            SchoolCalendar.objects.filter(child=child, first_day__lte=end, last_day__gte=start)
            .prefetch_related("non_school_days")
            .order_by("first_day")
        )
        closed: set[date] = set()
        for calendar in calendars:
            for off in calendar.non_school_days.all():
                closed.update(days_between(max(off.start, start), min(off.end, end)))
        absences = dict(Absence.objects.filter(child=child, date__range=(start, end)).values_list("date", "reason"))
        return cls(calendars=calendars, closed=closed, absences=absences)

    def calendar_on(self, day: date) -> SchoolCalendar | None:
        for calendar in self.calendars:
            if calendar.first_day <= day <= calendar.last_day:
                return calendar
        return None

    def is_school_day(self, day: date) -> bool:
        calendar = self.calendar_on(day)
        return calendar is not None and day.weekday() in calendar.regular_weekdays() and day not in self.closed

    def is_absent(self, day: date) -> bool:
        return day in self.absences

    def is_attended(self, day: date) -> bool:
        """An attended school day: a school day without an absence."""
        return self.is_school_day(day) and not self.is_absent(day)

    def attended_days(self, start: date, end: date) -> list[date]:
        return [day for day in days_between(start, end) if self.is_attended(day)]

    def regular_weekdays_on(self, day: date) -> set[int]:
        """The calendar's regular weekdays around ``day`` (Monday-Friday when no calendar covers it)."""
        calendar = self.calendar_on(day)
        return calendar.regular_weekdays() if calendar else {0, 1, 2, 3, 4}
