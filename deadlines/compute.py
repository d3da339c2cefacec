"""Deadlines from events: the pure calculator behind the pages, the .ics, reminders and the command.

``compute(facts, today)`` takes what the parent entered (state, holidays, school calendar, disability,
events) and returns one ``Deadline`` per rule and triggering event, past ones included. It touches no
database: ``deadlines/facts.py`` builds ``Facts`` from a child's records, ``manage.py deadlines
--events`` from a JSON file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext as _

from deadlines import counting
from deadlines.counting import CalendarNeeded, SchoolCalendar
from deadlines.rules import (
    BUSINESS_DAYS,
    CONVENTIONS,
    DAYS,
    DAYS_SKIPPING_BREAKS,
    DAYS_SKIPPING_SUMMER,
    EVENT_KINDS,
    MEETING_KINDS,
    RULES,
    SCHOOL_DAYS,
    WEEKDAYS_BEFORE,
    YEARS,
    Count,
    Rule,
)
from deadlines.states import STATE_NAMES, UNVERIFIED, Flag, Override, state_rule

EVENT_LABELS = dict(EVENT_KINDS)
UPCOMING, PAST, FLAGGED, NEEDS_CALENDAR = "upcoming", "past", "unverified", "needs_calendar"


@dataclass(frozen=True)
class Event:
    kind: str
    date: dt.date
    source: str = ""  # where it came from, e.g. "entered by the parent", "letter sent"
    id: int | None = None

    def as_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {"kind": self.kind, "date": self.date.isoformat()}
        if self.source:
            value["source"] = self.source
        if self.id is not None:
            value["id"] = self.id
        return value


@dataclass(frozen=True)
class Facts:
    state: str | None = None
    holidays: frozenset[date] = frozenset()
    calendar: SchoolCalendar = field(default_factory=SchoolCalendar)
    disability: str | None = None
    events: tuple[Event, ...] = ()


@dataclass
class Deadline:
    rule: Rule
    source_event: Event
    date: dt.date | None
    status: str
    citation: str
    counting: str
    earliest: dt.date | None = None
    limiting_event: Event | None = None
    state: str | None = None
    state_override: Override | None = None
    flag: str = ""  # UNVERIFIED or CONFLICTING
    note: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def is_past(self) -> bool:
        return self.status == PAST

    @property
    def federal_default(self) -> bool:
        return self.state_override is None and not self.flag

    @property
    def source_event_label(self) -> str:
        return str(EVENT_LABELS.get(self.source_event.kind, self.source_event.kind))

    @property
    def limiting_event_label(self) -> str:
        return str(EVENT_LABELS.get(self.limiting_event.kind, self.limiting_event.kind)) if self.limiting_event else ""

    @property
    def uid(self) -> str:
        """Stable across recomputations: the rule and the event that started it."""
        return f"{self.rule.id}-{self.source_event.kind}-{self.source_event.id or self.source_event.date.isoformat()}"

    def as_json(self) -> dict[str, Any]:
        override = self.state_override
        return {
            "rule": self.rule.id,
            "title": str(self.rule.title),
            "date": self.date.isoformat() if self.date else None,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "status": self.status,
            "past": self.is_past,
            "citation": self.citation,
            "source_event": self.source_event.as_json(),
            "limiting_event": self.limiting_event.as_json() if self.limiting_event else None,
            "state_override": None
            if override is None
            else {"state": self.state, "citation": override.citation, "note": str(override.note)},
            "federal_default": self.federal_default,
            "flag": self.flag or None,
            "counting": str(self.counting),
            "note": self.note,
            "warnings": self.warnings,
        }


def compute(facts: Facts, today: date) -> list[Deadline]:
    """Every deadline the events give rise to, sorted by date (flagged and calendar-less ones last)."""
    deadlines: list[Deadline] = []
    for rule in RULES:
        triggers = sorted((e for e in facts.events if e.kind == rule.trigger), key=lambda e: e.date)
        if rule.latest_event_only and triggers:
            triggers = triggers[-1:]
        deadlines.extend(compute_one(rule, event, facts, today) for event in triggers)
    return sorted(deadlines, key=lambda d: (d.date is None, d.date or date.max, d.rule.id))


def compute_one(rule: Rule, event: Event, facts: Facts, today: date) -> Deadline:
    setting = state_rule(facts.state, rule.id, facts.disability)
    state = facts.state.upper() if facts.state else None
    if isinstance(setting, Flag):
        return _flagged(rule, event, setting.status, setting.citation, str(setting.note), state)
    if isinstance(setting, Override) and setting.since and event.date < setting.since:
        note = _("%(state)s's rule applies to events since %(since)s; the rule before it is not recorded.") % {
            "state": STATE_NAMES.get(state or "", state),
            "since": setting.since.isoformat(),
        }
        return _flagged(rule, event, UNVERIFIED, setting.citation, note, state)
    override = setting if isinstance(setting, Override) else None
    if override is None and rule.federal_flag:
        note = str(rule.summary) + " " + _("No state limit is recorded for this state.")
        return _flagged(rule, event, rule.federal_flag, rule.citation, note, state)
    count = override.count if override else rule.count
    citation = override.citation if override else rule.citation
    deadline = Deadline(
        rule=rule,
        source_event=event,
        date=None,
        status=NEEDS_CALENDAR,
        citation=citation,
        counting=str(CONVENTIONS[count.unit]),
        state=state,
        state_override=override,
        note=str(override.note) if override else _("Federal rule: no state variation recorded for this state."),
    )
    try:
        deadline.date = apply_count(count, event.date, facts)
        if rule.earliest:
            deadline.earliest = apply_count(rule.earliest, event.date, facts, earliest=True)
    except CalendarNeeded as missing:
        deadline.note = _calendar_message(missing)
        return deadline
    _apply_limits(deadline, facts)
    deadline.status = PAST if deadline.date and deadline.date < today else UPCOMING
    deadline.warnings = _warnings(deadline.date, facts) if deadline.date else []
    return deadline


def apply_count(count: Count, start: date, facts: Facts, *, earliest: bool = False) -> date:
    unit, number = count.unit, count.number
    if unit == DAYS:
        return counting.add_days(start, number)
    if unit == BUSINESS_DAYS:
        return counting.add_business_days(start, number, facts.holidays)
    if unit == SCHOOL_DAYS:
        return counting.add_school_days(start, number, facts.calendar)
    if unit == DAYS_SKIPPING_SUMMER:
        return counting.add_days_skipping(start, number, facts.calendar, facts.calendar.summer_days())
    if unit == DAYS_SKIPPING_BREAKS:
        return counting.add_days_skipping(start, number, facts.calendar, facts.calendar.long_breaks(5))
    if unit == YEARS:
        return counting.add_years(start, number, earliest=earliest)
    if unit == WEEKDAYS_BEFORE:
        return counting.count_back_weekdays(start - timedelta(days=1), number)
    raise ValueError(f"Unknown unit {unit}")


def _apply_limits(deadline: Deadline, facts: Facts) -> None:
    """Where a second event competes with the count (legal-facts.md counting conventions)."""
    rule, event = deadline.rule, deadline.source_event
    if rule.id == "records_request" and deadline.date:
        meetings = sorted(
            (e for e in facts.events if e.kind in MEETING_KINDS and e.date >= event.date), key=lambda e: e.date
        )
        if meetings and meetings[0].date < deadline.date:
            deadline.date, deadline.limiting_event = meetings[0].date, meetings[0]
            deadline.note = _("The meeting on %(day)s comes first: the records are due before it.") % {
                "day": meetings[0].date.isoformat()
            }
    if rule.id == "hearing_decision":
        end_of_period = event.date + timedelta(days=30)
        waivers = sorted(
            (
                e
                for e in facts.events
                if e.kind == "resolution_meeting_waived" and event.date <= e.date <= end_of_period
            ),
            key=lambda e: e.date,
        )
        if waivers:
            deadline.date, deadline.limiting_event = waivers[0].date + timedelta(days=45), waivers[0]
            deadline.note = _("The resolution meeting was waived in writing: 45 days after the waiver (300.510(c)).")


def _flagged(rule: Rule, event: Event, flag: str, citation: str, note: str, state: str | None) -> Deadline:
    return Deadline(
        rule=rule,
        source_event=event,
        date=None,
        status=FLAGGED,
        citation=citation,
        counting=_("No date is computed: this rule is marked %(flag)s.") % {"flag": flag},
        state=state,
        flag=flag,
        note=note,
    )


def _calendar_message(missing: CalendarNeeded) -> str:
    if missing.after is None:
        return _("This rule counts days from the child's school calendar. Enter the school calendar to see the date.")
    return _(
        "The count runs past the end of the school calendar (%(day)s). Enter the next school year's calendar "
        "to see the date."
    ) % {"day": missing.after.isoformat()}


def _warnings(day: date, facts: Facts) -> list[str]:
    if day.weekday() >= 5:
        return [
            _("This date is a %(weekday)s. It is not moved to the next business day.") % {"weekday": day.strftime("%A")}
        ]
    if day in facts.holidays:
        return [_("This date is a school holiday. It is not moved to the next business day.")]
    return []
