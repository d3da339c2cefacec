"""The result of the compliance arithmetic: frozen dataclasses with their JSON form.

``insights.compliance.compute_compliance`` builds a ``Compliance``; pages, reports, exports and the
API read it. The JSON shape (``Compliance.to_json()``) is documented in docs/insights-json.md.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from insights.numbers import month_label, percent, period_label, rate, rate_json
from plans.models import WEEKDAY_NAMES

if TYPE_CHECKING:
    from collections.abc import Iterable

METHOD_VERSION = "2"  # 2: flexible services, sessions, entries outside the IEP's dates, no source groups

# States of a service period.
LOGGED = "logged"
NOT_LOGGED = "not_logged"
NO_ATTENDED_DAYS = "no_attended_days"


@dataclass(frozen=True)
class DayCounts:
    """What happened on the expected days of a provision (or of several, summed)."""

    expected: int = 0
    delivered: int = 0
    partial: int = 0
    missed: int = 0
    not_applicable: int = 0
    unknown: int = 0
    not_logged: int = 0
    missed_school_caused: int = 0
    missed_other: int = 0

    def __add__(self, other: DayCounts) -> DayCounts:
        return DayCounts(
            self.expected + other.expected,
            self.delivered + other.delivered,
            self.partial + other.partial,
            self.missed + other.missed,
            self.not_applicable + other.not_applicable,
            self.unknown + other.unknown,
            self.not_logged + other.not_logged,
            self.missed_school_caused + other.missed_school_caused,
            self.missed_other + other.missed_other,
        )

    @property
    def logged(self) -> int:
        """Expected days with an entry (any status)."""
        return self.expected - self.not_logged

    @property
    def rated(self) -> int:
        """The delivery rate's denominator: delivered + partial + missed."""
        return self.delivered + self.partial + self.missed

    @property
    def delivery_rate(self) -> Fraction | None:
        """delivered / (delivered + partial + missed); None when that is 0."""
        return rate(self.delivered, self.rated)

    @property
    def logging_coverage(self) -> Fraction | None:
        """logged expected days / expected days; None when nothing was expected."""
        return rate(self.logged, self.expected)

    @property
    def delivery_percent(self) -> str | None:
        return percent(self.delivered, self.rated)

    @property
    def coverage_percent(self) -> str | None:
        return percent(self.logged, self.expected)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        data["logged"] = self.logged
        data["delivery_rate"] = rate_json(self.delivered, self.rated)
        data["logging_coverage"] = rate_json(self.logged, self.expected)
        return data


def sum_counts(counts: Iterable[DayCounts]) -> DayCounts:
    total = DayCounts()
    for item in counts:
        total = total + item
    return total


@dataclass(frozen=True)
class ReasonCount:
    """How many misses (status missed) gave one reason."""

    reason: str
    label: str
    count: int
    school_caused: bool

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "label": self.label, "count": self.count, "school_caused": self.school_caused}


@dataclass(frozen=True)
class PeriodPart:
    """One provision version's share of a period: its minutes and its attended days in force."""

    provision_id: int
    minutes: int
    attended_days: int
    sessions: int | None = None  # sessions per period, where the IEP states them


@dataclass(frozen=True)
class ServicePeriod:
    """One week or month of a service with minutes.

    ``start``-``end`` is the whole period; ``counted_from``-``counted_to`` the part inside the range
    and the provision's days in force. ``required`` is computed for every period, but only periods
    whose ``state`` is "logged" enter the totals; a "not_logged" period is a coverage gap, and a
    "no_attended_days" period (a break week) requires nothing and is never a gap.
    """

    kind: str
    start: date
    end: date
    counted_from: date
    counted_to: date
    regular_weekdays: int
    parts: tuple[PeriodPart, ...]
    required: int
    delivered: int
    makeup_minutes: int
    entries: int
    state: str
    # Where the IEP states sessions: sessions x the same fraction as the minutes, rounded half up.
    required_sessions: int | None = None
    sessions_held: int = 0  # entries delivered or partial in the period (make-up sessions included)

    @property
    def attended_days(self) -> int:
        return sum(part.attended_days for part in self.parts)

    @property
    def required_exact(self) -> Fraction:
        """The requirement before rounding: sum of minutes x attended days / regular weekdays."""
        if not self.regular_weekdays:
            return Fraction(0)
        return Fraction(sum(part.minutes * part.attended_days for part in self.parts), self.regular_weekdays)

    @property
    def shortfall(self) -> int | None:
        """The documented shortfall, max(0, required - delivered); None for a period not logged."""
        if self.state != LOGGED:
            return None
        return max(0, self.required - self.delivered)

    @property
    def sessions_shortfall(self) -> int | None:
        """Sessions short of the IEP's stated number, max(0, required - held); None for a period not
        logged or where the IEP states no sessions."""
        if self.state != LOGGED or self.required_sessions is None:
            return None
        return max(0, self.required_sessions - self.sessions_held)

    @property
    def is_gap(self) -> bool:
        return self.state == NOT_LOGGED

    @property
    def is_cut(self) -> bool:
        """Only part of the period is counted (range edge, IEP start or end)."""
        return (self.counted_from, self.counted_to) != (self.start, self.end)

    @property
    def label(self) -> str:
        return period_label(self.kind, self.start)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.kind,
            "label": self.label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "counted_from": self.counted_from.isoformat(),
            "counted_to": self.counted_to.isoformat(),
            "regular_weekdays": self.regular_weekdays,
            "attended_days": self.attended_days,
            "parts": [
                {
                    "provision_id": p.provision_id,
                    "minutes": p.minutes,
                    "sessions": p.sessions,
                    "attended_days": p.attended_days,
                }
                for p in self.parts
            ],
            "state": self.state,
            "required": self.required,
            "delivered": self.delivered,
            "makeup_minutes": self.makeup_minutes,
            "entries": self.entries,
            "documented_shortfall": self.shortfall,
            "required_sessions": self.required_sessions,
            "sessions_held": self.sessions_held,
            "sessions_shortfall": self.sessions_shortfall,
        }


@dataclass(frozen=True)
class ServiceMinutes:
    """Minutes of one service over the range: its periods and their totals over logged periods."""

    period_kind: str
    periods: tuple[ServicePeriod, ...]
    required: int
    delivered: int
    shortfall: int
    makeup_minutes: int
    required_in_gaps: int
    required_sessions: int | None = None  # over logged periods; None when the IEP states no sessions
    sessions_held: int = 0  # over logged periods

    @classmethod
    def from_periods(cls, period_kind: str, periods: Iterable[ServicePeriod]) -> ServiceMinutes:
        rows = tuple(periods)
        logged = [p for p in rows if p.state == LOGGED]
        stated = [p.required_sessions for p in logged if p.required_sessions is not None]
        return cls(
            period_kind=period_kind,
            periods=rows,
            required=sum(p.required for p in logged),
            delivered=sum(p.delivered for p in logged),
            shortfall=sum(p.shortfall or 0 for p in logged),
            makeup_minutes=sum(p.makeup_minutes for p in logged),
            required_in_gaps=sum(p.required for p in rows if p.state == NOT_LOGGED),
            required_sessions=sum(stated) if stated else None,
            sessions_held=sum(p.sessions_held for p in logged),
        )

    @property
    def gaps(self) -> tuple[ServicePeriod, ...]:
        """Periods with attended school days but no entry at all: coverage gaps, never presumed missed."""
        return tuple(p for p in self.periods if p.state == NOT_LOGGED)

    @property
    def sessions_shortfall(self) -> int | None:
        """Over logged periods, the sum of each period's sessions shortfall (like the minutes: a make-up
        session in one period does not cover another); None where the IEP states no sessions."""
        if self.required_sessions is None:
            return None
        return sum(p.sessions_shortfall or 0 for p in self.periods)

    @property
    def logged_periods(self) -> int:
        return sum(1 for p in self.periods if p.state == LOGGED)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period_kind,
            "required": self.required,
            "delivered": self.delivered,
            "documented_shortfall": self.shortfall,
            "makeup_minutes": self.makeup_minutes,
            "logged_periods": self.logged_periods,
            "not_logged_periods": len(self.gaps),
            "required_in_not_logged_periods": self.required_in_gaps,
            "required_sessions": self.required_sessions,
            "sessions_held": self.sessions_held,
            "sessions_shortfall": self.sessions_shortfall,
            "coverage_gaps": [
                {"period": p.kind, "label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()}
                for p in self.gaps
            ],
            "periods": [p.to_json() for p in self.periods],
        }


@dataclass(frozen=True)
class MinutesTotals:
    """Service minutes summed over every service (logged periods only)."""

    required: int = 0
    delivered: int = 0
    shortfall: int = 0
    makeup_minutes: int = 0
    required_in_gaps: int = 0
    gap_periods: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "required": self.required,
            "delivered": self.delivered,
            "documented_shortfall": self.shortfall,
            "makeup_minutes": self.makeup_minutes,
            "required_in_not_logged_periods": self.required_in_gaps,
            "not_logged_periods": self.gap_periods,
        }


@dataclass(frozen=True)
class VersionCompliance:
    """One version (one ``Provision`` row) over the days its IEP is in force inside the range."""

    provision_id: int
    iep_id: int
    label: str
    kind: str
    wording: str
    responsible_staff: str
    schedule: str
    weekdays: tuple[int, ...]  # the chosen weekdays (0 = Monday); empty for every school day
    minutes: int | None
    period: str
    in_force: tuple[tuple[date, date], ...]  # runs of days in force, inside the range
    days: DayCounts
    service: ServiceMinutes | None

    def to_json(self) -> dict[str, Any]:
        return {
            "provision_id": self.provision_id,
            "iep_id": self.iep_id,
            "label": self.label,
            "kind": self.kind,
            "responsible_staff": self.responsible_staff,
            "schedule": self.schedule,
            "weekdays": [WEEKDAY_NAMES[day] for day in self.weekdays],
            "minutes": self.minutes,
            "period": self.period or None,
            "in_force": [{"from": a.isoformat(), "to": b.isoformat()} for a, b in self.in_force],
            "days": self.days.to_json(),
            "service": self.service.to_json() if self.service else None,
        }


@dataclass(frozen=True)
class ProvisionCompliance:
    """One provision across its versions (one lineage). Label and kind are the latest version's."""

    lineage: str
    provision_id: int  # the latest version in the range
    label: str
    kind: str
    responsible_staff: str
    position: int
    versions: tuple[VersionCompliance, ...]
    days: DayCounts
    miss_reasons: tuple[ReasonCount, ...]
    ignored_entries: int  # regular-session entries on days the provision was not expected
    service: ServiceMinutes | None
    # Entries dated where no version of the provision was in force (before its IEP started, after
    # it ended): ignored everywhere, minutes included (design.md section 6).
    outside_entries: int = 0
    flexible: bool = False  # the latest version's schedule: no fixed days, sessions are counted

    @property
    def is_service(self) -> bool:
        return self.service is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "lineage": self.lineage,
            "provision_id": self.provision_id,
            "label": self.label,
            "kind": self.kind,
            "responsible_staff": self.responsible_staff,
            "days": self.days.to_json(),
            "misses": {
                "school_caused": self.days.missed_school_caused,
                "other": self.days.missed_other,
                "by_reason": [
                    {**r.to_json(), "share": rate_json(r.count, self.days.missed)} for r in self.miss_reasons
                ],
            },
            "ignored_entries": self.ignored_entries,
            "outside_entries": self.outside_entries,
            "flexible": self.flexible,
            "service": self.service.to_json() if self.service else None,
            "versions": [v.to_json() for v in self.versions],
        }


@dataclass(frozen=True)
class DaySummary:
    """One calendar day of the range, all selected provisions together (for the heat map)."""

    date: date
    school_day: bool
    absent: bool
    counts: DayCounts

    @property
    def category(self) -> str:
        """For the heat map: "off" (no school, absent or nothing expected), "not_logged" (nothing
        delivered, partly delivered or missed is logged), else by the day's delivery rate:
        "all_delivered" (100%), "most_delivered" (80% or more), "some_delivered" (above 0) or
        "none_delivered"."""
        c = self.counts
        if not self.school_day or self.absent or c.expected == 0:
            return "off"
        if c.rated == 0:
            return "not_logged"
        if c.delivered == c.rated:
            return "all_delivered"
        if c.delivered == 0:
            return "none_delivered"
        return "most_delivered" if 5 * c.delivered >= 4 * c.rated else "some_delivered"

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "school_day": self.school_day,
            "absent": self.absent,
            "category": self.category,
            "days": self.counts.to_json(),
        }


@dataclass(frozen=True)
class MonthSummary:
    """Day counts of every selected provision in one calendar month (inside the range)."""

    month: date  # the first of the month
    counts: DayCounts

    @property
    def label(self) -> str:
        return month_label(self.month)

    def to_json(self) -> dict[str, Any]:
        return {"month": f"{self.month:%Y-%m}", "days": self.counts.to_json()}


@dataclass(frozen=True)
class CountedEntry:
    """An entry behind the day counts with status delivered, partial or missed (input to the patterns)."""

    date: date
    lineage: str
    provision_id: int
    label: str  # the lineage's label
    status: str
    miss_reason: str  # blank misses read as "unknown"
    source: str
    provider: str  # the version's responsible staff
    tags: tuple[str, ...]  # the day's tags


@dataclass(frozen=True)
class Compliance:
    """Everything design.md section 6 computes for one child and range."""

    child_id: int
    child_name: str
    start: date
    end: date
    provisions: tuple[ProvisionCompliance, ...]
    totals: DayCounts
    minutes: MinutesTotals
    months: tuple[MonthSummary, ...]
    days: tuple[DaySummary, ...]
    entries: tuple[CountedEntry, ...]

    @property
    def services(self) -> tuple[ProvisionCompliance, ...]:
        return tuple(p for p in self.provisions if p.service is not None)

    def to_json(self, include_days: bool = False) -> dict[str, Any]:
        """Plain JSON-ready data; the shape is documented in docs/insights-json.md."""
        data: dict[str, Any] = {
            "method_version": METHOD_VERSION,
            "child": {"id": self.child_id, "name": self.child_name},
            "range": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "totals": {"days": self.totals.to_json(), "minutes": self.minutes.to_json()},
            "provisions": [p.to_json() for p in self.provisions],
            "months": [m.to_json() for m in self.months],
        }
        if include_days:
            data["days"] = [d.to_json() for d in self.days]
        return data
