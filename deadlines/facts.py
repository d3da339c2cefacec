"""A child's ``Facts`` for the calculator, read from the database with a fixed number of queries.

Holidays for business-day counts are the named non-school days of the child's school calendars that
fall on Monday to Friday (the holidays entered for the child's school). The calendar's years become
``counting.SchoolYear`` values; events are the parent's (and other apps') ``DeadlineEvent`` rows that
are not retracted. (The IEP's own review and reevaluation dates stay the IEP's: they are not
recomputed here, so nothing shows twice.)
"""

from __future__ import annotations

from datetime import date, timedelta

from deadlines import counting
from deadlines.compute import Deadline, Event, Facts, compute
from deadlines.models import DeadlineEvent, DeadlineSettings
from plans.models import Child, SchoolCalendar, weekday_set


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def calendar_for(child: Child) -> tuple[counting.SchoolCalendar, frozenset[date]]:
    years: list[counting.SchoolYear] = []
    holidays: set[date] = set()
    for calendar in SchoolCalendar.objects.filter(child=child).prefetch_related("non_school_days"):
        off: set[date] = set()
        for day_off in calendar.non_school_days.all():
            off.update(_days(day_off.start, day_off.end))
        years.append(
            counting.SchoolYear(
                name=calendar.name,
                first_day=calendar.first_day,
                last_day=calendar.last_day,
                non_school_days=frozenset(off),
                weekdays=frozenset(weekday_set(calendar.weekdays)),
            )
        )
        holidays.update(day for day in off if day.weekday() < 5)
    return counting.SchoolCalendar(tuple(years)), frozenset(holidays)


def events_for(child: Child) -> list[Event]:
    events = [
        Event(kind=e.kind, date=e.date, source=e.source, id=e.pk)
        for e in DeadlineEvent.objects.filter(child=child, retracted_at=None).order_by("date", "pk")
    ]
    return events


def facts_for(child: Child) -> Facts:
    """The child's facts; without any event, nothing else is read (one query for a child page)."""
    events = tuple(events_for(child))
    if not events:
        return Facts(state=child.state or None)
    calendar, holidays = calendar_for(child)
    disability = DeadlineSettings.objects.filter(child=child).values_list("disability", flat=True).first()
    return Facts(
        state=child.state or None,
        holidays=holidays,
        calendar=calendar,
        disability=disability or None,
        events=events,
    )


def deadlines_for(child: Child, today: date) -> list[Deadline]:
    return compute(facts_for(child), today)
