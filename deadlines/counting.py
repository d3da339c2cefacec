"""Counting days the way shared/docs/legal-facts.md says (its "counting conventions" are the contract).

Pure functions over plain data: no database, so ``manage.py deadlines --events`` and the pages share
them. A school calendar is given as ``SchoolYear`` values; holidays as a set of dates.

- Calendar days: "within N days after X" is X + N (the trigger day is day 0); no roll-forward.
- Business days: Monday to Friday except holidays; counting starts with the first business day after
  the trigger, also when the trigger falls on a weekend or holiday.
- School days: only from the child's school calendar; a count that runs past it raises
  ``CalendarNeeded`` (it never guesses).
- Years keep month and day; 29 February becomes 28 February for a latest date, 1 March for an
  earliest date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

MONDAY_TO_FRIDAY = frozenset({0, 1, 2, 3, 4})


class CalendarNeeded(Exception):
    """The count needs school days the child's calendar does not have (``after`` is the last known day)."""

    def __init__(self, after: date | None) -> None:
        self.after = after
        super().__init__(f"The school calendar ends {after}" if after else "No school calendar entered")


@dataclass(frozen=True)
class SchoolYear:
    """One school year: first and last day, regular weekdays (0 = Monday), named days off."""

    name: str
    first_day: date
    last_day: date
    non_school_days: frozenset[date] = frozenset()
    weekdays: frozenset[int] = MONDAY_TO_FRIDAY

    def is_school_day(self, day: date) -> bool:
        return (
            self.first_day <= day <= self.last_day
            and day.weekday() in self.weekdays
            and day not in self.non_school_days
        )


@dataclass(frozen=True)
class SchoolCalendar:
    """The child's school years, in order; days between two years are the summer break."""

    years: tuple[SchoolYear, ...] = ()
    _sorted: tuple[SchoolYear, ...] = field(init=False, repr=False, compare=False)
    _breaks: dict[int, frozenset[date]] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_sorted", tuple(sorted(self.years, key=lambda y: y.first_day)))

    @property
    def start(self) -> date | None:
        return self._sorted[0].first_day if self._sorted else None

    @property
    def end(self) -> date | None:
        return self._sorted[-1].last_day if self._sorted else None

    def covers(self, day: date) -> bool:
        """Whether the calendar can say what ``day`` is (inside a year or a summer between two)."""
        return self.start is not None and self.end is not None and self.start <= day <= self.end

    def year_on(self, day: date) -> SchoolYear | None:
        for year in self._sorted:
            if year.first_day <= day <= year.last_day:
                return year
        return None

    def is_school_day(self, day: date) -> bool:
        if not self.covers(day):
            raise CalendarNeeded(self.end)
        year = self.year_on(day)
        return year is not None and year.is_school_day(day)

    def summer_days(self) -> set[date]:
        """Every day between two entered school years."""
        days: set[date] = set()
        for before, after in zip(self._sorted, self._sorted[1:], strict=False):
            day = before.last_day + timedelta(days=1)
            while day < after.first_day:
                days.add(day)
                day += timedelta(days=1)
        return days

    def long_breaks(self, more_than: int = 5) -> frozenset[date]:
        """Computed once per calendar and size (a calendar is immutable).

        Every day of a break of more than ``more_than`` school days, and of the summer between years.

        A break is a run of consecutive days inside a school year that are not school days (weekends
        included in the run); its size is the number of regular weekdays in it that are named days off.
        """
        if more_than not in self._breaks:
            self._breaks[more_than] = frozenset(self._long_breaks(more_than))
        return self._breaks[more_than]

    def _long_breaks(self, more_than: int) -> set[date]:
        days: set[date] = set()
        for year in self._sorted:
            run: list[date] = []
            day = year.first_day
            while day <= year.last_day + timedelta(days=1):
                if day <= year.last_day and not year.is_school_day(day):
                    run.append(day)
                else:
                    if sum(1 for d in run if d.weekday() in year.weekdays) > more_than:
                        days.update(run)
                    run = []
                day += timedelta(days=1)
        return days | self.summer_days()


def add_days(start: date, days: int) -> date:
    """Calendar days: the trigger is day 0, so N days after X is X + N."""
    return start + timedelta(days=days)


def add_business_days(start: date, count: int, holidays: Iterable[date] = ()) -> date:
    """The ``count``-th business day after ``start`` (the first qualifying day after the trigger is 1)."""
    off = set(holidays)
    day, counted = start, 0
    while counted < count:
        day += timedelta(days=1)
        if day.weekday() in MONDAY_TO_FRIDAY and day not in off:
            counted += 1
    return day


def add_school_days(start: date, count: int, calendar: SchoolCalendar) -> date:
    """The ``count``-th school day after ``start``, from the calendar only (CalendarNeeded past it)."""
    if calendar.start is None or start < calendar.start - timedelta(days=1):
        # Days before the first entered year could be school days of a year not entered.
        raise CalendarNeeded(calendar.end)
    day, counted = start, 0
    while counted < count:
        day += timedelta(days=1)
        if calendar.is_school_day(day):
            counted += 1
    return day


def add_days_skipping(start: date, count: int, calendar: SchoolCalendar, skip: frozenset[date] | set[date]) -> date:
    """Calendar days after ``start`` that are not in ``skip``, every day checked against the calendar."""
    if calendar.start is None or start < calendar.start - timedelta(days=1):
        raise CalendarNeeded(calendar.end)
    day, counted = start, 0
    while counted < count:
        day += timedelta(days=1)
        if not calendar.covers(day):
            raise CalendarNeeded(calendar.end)
        if day not in skip:
            counted += 1
    return day


def add_years(start: date, years: int, *, earliest: bool = False) -> date:
    """Same month and day ``years`` later; 29 February is 28 February (latest) or 1 March (earliest)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year without one
        return date(start.year + years, 3, 1) if earliest else date(start.year + years, 2, 28)


def count_back_weekdays(before: date, count: int) -> date:
    """The ``count``-th Monday-Friday day counting back from ``before`` (holidays counted as business days).

    300.148(d): notice at least 10 business days, holidays on business days included, before the
    removal; the count starts at the day before removal.
    """
    day, counted = before, 0
    while True:
        if day.weekday() in MONDAY_TO_FRIDAY:
            counted += 1
            if counted == count:
                return day
        day -= timedelta(days=1)
