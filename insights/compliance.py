"""The compliance arithmetic of design.md section 6: the one source of these numbers.

``compute_compliance(child, start, end, provision_ids=None)`` reads the child's IEP versions,
provisions, calendars, absences, log entries and day notes with a fixed number of queries (seven,
whatever the range) and does the rest in memory. Pages, reports, exports, the API and the
``compliance`` management command all call it; nothing else recomputes these numbers.

How versions are handled (docs/method.md says the same in plain words):

- Each ``Provision`` row is one version of a provision; versions of one provision across IEP
  amendments share a ``lineage``. The result has one ``ProvisionCompliance`` per lineage, with the
  per-version parts in ``versions``.
- On each day, the IEP version in force is the one ``Child.iep_on`` picks: a non-draft version whose
  effective dates cover the day, the latest effective date first (ties: the later created). A
  provision version is "in force" on the days its IEP is the one in force.
- Day counts are per version over its days in force; the lineage's counts are their sum. An entry
  counts for the day whatever version of the lineage it was logged against (the version in force is
  preferred when both exist).
- Service minutes are computed per period over each version's days in force; when two versions
  share a period (an amendment mid-week), the period is one row whose requirement is the exact sum of
  each version's share (minutes x attended days in force / regular weekdays of the whole period),
  rounded half up once; its delivered minutes are every entry of the lineage in that period.
- ``provision_ids`` selects provisions by any of their versions' ids: an id stands for its lineage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

from insights.numbers import MONTH, WEEK, period_bounds, round_half_up
from insights.results import (
    LOGGED,
    METHOD_VERSION,
    NO_ATTENDED_DAYS,
    NOT_LOGGED,
    Compliance,
    CountedEntry,
    DayCounts,
    DaySummary,
    MinutesTotals,
    MonthSummary,
    PeriodPart,
    ProvisionCompliance,
    ReasonCount,
    ServiceMinutes,
    ServicePeriod,
    VersionCompliance,
    sum_counts,
)
from logbook.models import SCHOOL_CAUSED_REASONS, DayNote, LogEntry, MissReason, Status
from plans.models import MONDAY_TO_FRIDAY, Iep, Provision, weekday_set
from plans.schooldays import SchoolDays

if TYPE_CHECKING:
    from collections.abc import Iterable

    from plans.models import Child

SCHOOL_CAUSED = frozenset(str(reason) for reason in SCHOOL_CAUSED_REASONS)
# Lazy labels, turned into words of the active language where a result is made (not at import).
REASON_LABELS: dict[str, str | Promise] = {str(reason): reason.label for reason in MissReason}
# A miss logged without a reason is a miss whose reason is not known (design.md: "unknown" is school-caused).
NO_REASON = str(MissReason.UNKNOWN)

DELIVERED, PARTIAL, MISSED = str(Status.DELIVERED), str(Status.PARTIAL), str(Status.MISSED)
NOT_APPLICABLE, UNKNOWN = str(Status.NOT_APPLICABLE), str(Status.UNKNOWN)
RATED_STATUSES = frozenset({DELIVERED, PARTIAL, MISSED})


__all__ = [
    "LOGGED",
    "METHOD_VERSION",
    "NOT_LOGGED",
    "NO_ATTENDED_DAYS",
    "Compliance",
    "CountedEntry",
    "DayCounts",
    "DaySummary",
    "MinutesTotals",
    "MonthSummary",
    "PeriodPart",
    "ProvisionCompliance",
    "ReasonCount",
    "ServiceMinutes",
    "ServicePeriod",
    "VersionCompliance",
    "compute_compliance",
]


# --- Loading -------------------------------------------------------------------------------------


@dataclass
class _Version:
    row: dict[str, Any]
    offsets: list[int]  # days of the range (offsets from start) when this version is in force

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def chosen_weekdays(self) -> set[int] | None:
        """The weekdays of a "chosen weekdays" schedule (0 = Monday); None for every school day; none at
        all for a flexible schedule (no day is expected)."""
        if self.row["schedule"] == Provision.Schedule.WEEKDAYS:
            return weekday_set(int(self.row["weekdays"]))
        if self.row["schedule"] == Provision.Schedule.FLEXIBLE:
            return set()
        return None

    @property
    def is_flexible(self) -> bool:
        return bool(self.row["schedule"] == Provision.Schedule.FLEXIBLE)

    @property
    def service_period(self) -> str:
        """The period of a service with minutes, "" for anything else."""
        row = self.row
        return str(row["period"]) if row["minutes"] is not None and row["period"] in (WEEK, MONTH) else ""


def _in_force_iep_by_day(ieps: list[tuple[int, date, date | None]], start: date, count: int) -> list[int | None]:
    """For each day of the range, the IEP version in force, chosen as ``Child.iep_on`` does."""
    ordered = sorted(ieps, key=lambda iep: (iep[1], iep[0]), reverse=True)
    result: list[int | None] = []
    for offset in range(count):
        day = start + timedelta(days=offset)
        result.append(
            next((pk for pk, since, until in ordered if since <= day and (until is None or day <= until)), None)
        )
    return result


def _runs(offsets: list[int], start: date) -> tuple[tuple[date, date], ...]:
    """Consecutive runs of day offsets, as (first day, last day) pairs."""
    runs: list[tuple[date, date]] = []
    for offset in offsets:
        day = start + timedelta(days=offset)
        if runs and runs[-1][1] == day - timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return tuple(runs)


def compute_compliance(child: Child, start: date, end: date, provision_ids: Iterable[int] | None = None) -> Compliance:
    """Day counts, rates, service minutes and totals for ``child`` from ``start`` to ``end`` (both included).

    ``provision_ids``: only the provisions with these ids (any version id selects its whole lineage);
    None means every provision. Retracted entries and draft IEPs are left out.
    """
    if end < start:
        raise ValueError("The range ends before it starts.")
    count = (end - start).days + 1

    ieps = list(
        Iep.objects.filter(child=child)
        .exclude(status=Iep.Status.DRAFT)
        .values_list("id", "effective_from", "effective_to")
    )
    iep_by_day = _in_force_iep_by_day(ieps, start, count)
    offsets_by_iep: dict[int, list[int]] = defaultdict(list)
    for offset, iep_id in enumerate(iep_by_day):
        if iep_id is not None:
            offsets_by_iep[iep_id].append(offset)

    rows = list(
        Provision.objects.filter(iep__child=child)
        .exclude(iep__status=Iep.Status.DRAFT)
        .values(
            "id",
            "iep_id",
            "lineage",
            "position",
            "kind",
            "label",
            "wording",
            "responsible_staff",
            "schedule",
            "weekdays",
            "minutes",
            "period",
            "sessions",
        )
    )
    if provision_ids is not None:
        wanted = {int(pk) for pk in provision_ids}
        lineages_wanted = {row["lineage"] for row in rows if row["id"] in wanted}
        rows = [row for row in rows if row["lineage"] in lineages_wanted]
    # Every version of the selected provisions: entries logged against a version that is not in
    # force in the range still count for their lineage.
    versions = [_Version(dict(row), offsets_by_iep.get(row["iep_id"], [])) for row in rows]
    by_lineage: dict[str, list[_Version]] = defaultdict(list)
    for version in versions:
        if version.offsets:
            by_lineage[str(version.row["lineage"])].append(version)
    for group in by_lineage.values():
        group.sort(key=lambda v: (v.offsets[0], v.id))

    # Whole periods around the range edges need the calendar's regular weekdays (the denominator).
    wide_start = min(start.replace(day=1), start - timedelta(days=start.weekday()))
    wide_end = max(period_bounds(MONTH, end)[1], period_bounds(WEEK, end)[1])
    school_days = SchoolDays.load(child, wide_start, wide_end)

    entries = list(
        LogEntry.objects.counted()
        .filter(child=child, date__range=(start, end), provision_id__in=[v.id for v in versions])
        .values_list("date", "provision_id", "is_makeup", "status", "minutes_delivered", "miss_reason", "source")
    )
    tags_by_day: dict[date, tuple[str, ...]] = {
        day: tuple(str(tag) for tag in tags or ())
        for day, tags in DayNote.objects.filter(child=child, date__range=(start, end)).values_list("date", "tags")
    }

    return _Calculation(child, start, count, school_days, versions, by_lineage, entries, tags_by_day).result()


# --- The arithmetic, in memory -------------------------------------------------------------------

# An entry as loaded: date, provision id, make-up?, status, minutes, miss reason, source.
_Entry = tuple[date, int, bool, str, int | None, str, str]
_FIELDS = tuple(f.name for f in fields(DayCounts))  # DayCounts is built positionally in this order
_INDEX = {name: index for index, name in enumerate(_FIELDS)}
_STATUS_INDEX = {
    DELIVERED: _INDEX["delivered"],
    PARTIAL: _INDEX["partial"],
    MISSED: _INDEX["missed"],
    NOT_APPLICABLE: _INDEX["not_applicable"],
    UNKNOWN: _INDEX["unknown"],
}
_EXPECTED, _NOT_LOGGED = _INDEX["expected"], _INDEX["not_logged"]
_MONDAY_TO_FRIDAY = weekday_set(MONDAY_TO_FRIDAY)
_SCHOOL_CAUSED, _OTHER = _INDEX["missed_school_caused"], _INDEX["missed_other"]


class _Calculation:
    """One run of the arithmetic over loaded rows (no queries from here on).

    Days are handled as offsets from ``start``; what depends only on an IEP version (its attended
    days, its runs of days in force, its periods) is computed once per IEP and shared by its
    provisions.
    """

    def __init__(
        self,
        child: Child,
        start: date,
        count: int,
        school_days: SchoolDays,
        versions: list[_Version],
        by_lineage: dict[str, list[_Version]],
        entries: list[_Entry],
        tags_by_day: dict[date, tuple[str, ...]],
    ) -> None:
        self.child = child
        self.start = start
        self.count = count
        self.by_lineage = by_lineage
        self.tags_by_day = tags_by_day
        self.school_days = school_days
        self.dates = [start + timedelta(days=offset) for offset in range(count)]
        self.weekday = [day.weekday() for day in self.dates]
        self.school = [school_days.is_school_day(day) for day in self.dates]
        self.absent = [school_days.is_absent(day) for day in self.dates]
        self.attended = [s and not a for s, a in zip(self.school, self.absent, strict=True)]
        self.period_start = {
            WEEK: [day - timedelta(days=day.weekday()) for day in self.dates],
            MONTH: [day.replace(day=1) for day in self.dates],
        }
        self.calendar_weekdays = {id(c): c.regular_weekdays() for c in school_days.calendars}
        self.regular_weekdays_cache: dict[tuple[str, date], int] = {}
        self.iep_cache: dict[tuple[str, int], Any] = {}
        # Per-day totals over every provision (one list per field), for the heat map and the months.
        self.day_totals = [[0] * count for _ in _FIELDS]
        self.version_of = {version.id: version for version in versions}
        self.lineage_of = {version.id: str(version.row["lineage"]) for version in versions}
        self.service_ids: dict[str, set[int]] = defaultdict(set)  # lineage -> versions with minutes
        for version in versions:
            if version.service_period:
                self.service_ids[self.lineage_of[version.id]].add(version.id)
        self.entries_by_lineage: dict[str, list[_Entry]] = defaultdict(list)
        for entry in entries:
            self.entries_by_lineage[self.lineage_of[entry[1]]].append(entry)
        self.counted: list[CountedEntry] = []

    def offset(self, day: date) -> int:
        return (day - self.start).days

    def regular_weekdays(self, kind: str, period_start: date) -> int:
        """Regular school weekdays in the whole period (5 in a normal week), from the calendar of each day."""
        key = (kind, period_start)
        if key not in self.regular_weekdays_cache:
            first, last = period_bounds(kind, period_start)
            total = 0
            for n in range((last - first).days + 1):
                day = first + timedelta(days=n)
                calendar = self.school_days.calendar_on(day)
                weekdays = self.calendar_weekdays[id(calendar)] if calendar is not None else _MONDAY_TO_FRIDAY
                total += day.weekday() in weekdays
            self.regular_weekdays_cache[key] = total
        return self.regular_weekdays_cache[key]

    # What depends on the IEP version only ---------------------------------------------------------

    def attended_offsets(self, version: _Version) -> list[int]:
        key = ("attended", int(version.row["iep_id"]))
        if key not in self.iep_cache:
            self.iep_cache[key] = [offset for offset in version.offsets if self.attended[offset]]
        return self.iep_cache[key]  # type: ignore[no-any-return]

    def runs(self, version: _Version) -> tuple[tuple[date, date], ...]:
        key = ("runs", int(version.row["iep_id"]))
        if key not in self.iep_cache:
            self.iep_cache[key] = _runs(version.offsets, self.start)
        return self.iep_cache[key]  # type: ignore[no-any-return]

    def slots(self, version: _Version) -> dict[date, list[Any]]:
        """Period start -> [first day in force, last day in force, attended days] for the version's IEP."""
        kind = version.service_period
        key = (kind, int(version.row["iep_id"]))
        if key not in self.iep_cache:
            slots: dict[date, list[Any]] = {}
            starts, dates, attended = self.period_start[kind], self.dates, self.attended
            for offset in version.offsets:
                slot = slots.get(starts[offset])
                if slot is None:
                    slot = slots[starts[offset]] = [dates[offset], dates[offset], 0]
                slot[1] = dates[offset]
                slot[2] += attended[offset]
            self.iep_cache[key] = slots
        return self.iep_cache[key]  # type: ignore[no-any-return]

    # The result ----------------------------------------------------------------------------------

    def result(self) -> Compliance:
        provisions = [self.provision(lineage, group) for lineage, group in self.by_lineage.items()]
        provisions.sort(key=lambda p: (p.position, p.label.casefold(), p.lineage))
        services = [p.service for p in provisions if p.service is not None]
        minutes = MinutesTotals(
            required=sum(s.required for s in services),
            delivered=sum(s.delivered for s in services),
            shortfall=sum(s.shortfall for s in services),
            makeup_minutes=sum(s.makeup_minutes for s in services),
            required_in_gaps=sum(s.required_in_gaps for s in services),
            gap_periods=sum(len(s.gaps) for s in services),
        )
        columns = self.day_totals
        days = tuple(
            DaySummary(
                date=day,
                school_day=self.school[offset],
                absent=self.absent[offset],
                counts=DayCounts(*(column[offset] for column in columns)),
            )
            for offset, day in enumerate(self.dates)
        )
        month_spans: dict[date, list[int]] = {}
        for offset, month in enumerate(self.period_start[MONTH]):
            month_spans.setdefault(month, [offset, offset])[1] = offset
        months = tuple(
            MonthSummary(month, DayCounts(*(sum(column[first : last + 1]) for column in columns)))
            for month, (first, last) in month_spans.items()
        )
        return Compliance(
            child_id=self.child.pk,
            child_name=self.child.name,
            start=self.start,
            end=self.dates[-1],
            provisions=tuple(provisions),
            totals=sum_counts(p.days for p in provisions),
            minutes=minutes,
            months=months,
            days=days,
            entries=tuple(self.counted),
        )

    # Day counts ----------------------------------------------------------------------------------

    def provision(self, lineage: str, group: list[_Version]) -> ProvisionCompliance:
        entries = self.entries_by_lineage.get(lineage, [])
        regular: dict[date, list[_Entry]] = defaultdict(list)
        for entry in entries:
            if not entry[2]:
                regular[entry[0]].append(entry)
        used: set[date] = set()
        reasons: dict[str, int] = defaultdict(int)
        latest = group[-1].row
        version_results = []
        for version in group:
            days = self.day_counts(version, lineage, str(latest["label"]), regular, used, reasons)
            service = self.service_minutes([version], {version.id}, entries) if version.service_period else None
            version_results.append(self.version_result(version, days, service))
        in_force = {offset for version in group for offset in version.offsets}
        outside = sum(1 for entry in entries if self.offset(entry[0]) not in in_force)
        service_versions = [v for v in group if v.service_period]
        service = (
            self.service_minutes(service_versions, self.service_ids[lineage], entries) if service_versions else None
        )
        return ProvisionCompliance(
            lineage=lineage,
            provision_id=int(latest["id"]),
            label=str(latest["label"]),
            kind=str(latest["kind"]),
            responsible_staff=str(latest["responsible_staff"]),
            position=int(latest["position"]),
            versions=tuple(version_results),
            days=sum_counts(v.days for v in version_results),
            miss_reasons=tuple(
                ReasonCount(reason, str(REASON_LABELS.get(reason, reason)), n, reason in SCHOOL_CAUSED)
                for reason, n in sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
            ),
            ignored_entries=sum(len(found) for day, found in regular.items() if day not in used),
            service=service,
            outside_entries=outside,
            flexible=group[-1].is_flexible,
        )

    def day_counts(
        self,
        version: _Version,
        lineage: str,
        label: str,
        regular: dict[date, list[_Entry]],
        used: set[date],
        reasons: dict[str, int],
    ) -> DayCounts:
        """Count the version's expected days: attended, in force, on its schedule.

        A flexible version expects no day: its counts are the sessions logged on its days in force
        (any day, attended or not), and no day is "not logged" (design.md section 6).
        """
        flexible = version.is_flexible
        if flexible:
            offsets = [offset for offset in version.offsets if self.dates[offset] in regular]
        else:
            chosen = version.chosen_weekdays
            offsets = self.attended_offsets(version)
            if chosen is not None:
                offsets = [offset for offset in offsets if self.weekday[offset] in chosen]
        counts = [0] * len(_FIELDS)
        totals = self.day_totals
        for offset in offsets:
            day = self.dates[offset]
            found = regular.get(day)
            if not flexible:
                counts[_EXPECTED] += 1
                totals[_EXPECTED][offset] += 1
                if not found:
                    counts[_NOT_LOGGED] += 1
                    totals[_NOT_LOGGED][offset] += 1
                    continue
            if not found:
                continue
            used.add(day)
            entry = found[0] if len(found) == 1 else next((e for e in found if e[1] == version.id), found[0])
            status = entry[3]
            index = _STATUS_INDEX.get(status, _INDEX["unknown"])
            counts[index] += 1
            totals[index][offset] += 1
            if status == MISSED:
                reason = entry[5] or NO_REASON
                reasons[reason] += 1
                split = _SCHOOL_CAUSED if reason in SCHOOL_CAUSED else _OTHER
                counts[split] += 1
                totals[split][offset] += 1
            if status in RATED_STATUSES:
                self.counted.append(
                    CountedEntry(
                        date=day,
                        lineage=lineage,
                        provision_id=entry[1],
                        label=label,
                        status=status,
                        miss_reason=(entry[5] or NO_REASON) if status == MISSED else entry[5],
                        source=entry[6],
                        provider=str(self.version_of[entry[1]].row["responsible_staff"]),
                        tags=self.tags_by_day.get(day, ()),
                    )
                )
        return DayCounts(*counts)

    def version_result(self, version: _Version, days: DayCounts, service: ServiceMinutes | None) -> VersionCompliance:
        row = version.row
        return VersionCompliance(
            provision_id=version.id,
            iep_id=int(row["iep_id"]),
            label=str(row["label"]),
            kind=str(row["kind"]),
            wording=str(row["wording"]),
            responsible_staff=str(row["responsible_staff"]),
            schedule=str(row["schedule"]),
            weekdays=tuple(sorted(version.chosen_weekdays or ())),
            minutes=row["minutes"],
            period=str(row["period"] or ""),
            in_force=self.runs(version),
            days=days,
            service=service,
        )

    # Service minutes -----------------------------------------------------------------------------

    def service_minutes(self, group: list[_Version], ids: set[int], entries: list[_Entry]) -> ServiceMinutes:
        """Periods of the versions in ``group`` (all with minutes) and the minutes of the entries logged
        against the versions ``ids`` in those periods."""
        # (kind, period start) -> [first counted day, last counted day, {id: [minutes, attended, sessions]}]
        slots: dict[tuple[str, date], list[Any]] = {}
        for version in group:
            kind, minutes, sessions = version.service_period, int(version.row["minutes"]), version.row["sessions"]
            for period_start, (first, last, attended) in self.slots(version).items():
                slot = slots.get((kind, period_start))
                if slot is None:
                    slots[(kind, period_start)] = [first, last, {version.id: [minutes, attended, sessions]}]
                else:
                    slot[0], slot[1] = min(slot[0], first), max(slot[1], last)
                    share = slot[2].setdefault(version.id, [minutes, 0, sessions])
                    share[1] += attended
        kinds = list(dict.fromkeys(v.service_period for v in group))
        # Only entries on a day when one of these versions is in force count: an entry dated before
        # the IEP starts (or after it ends) must not add minutes nor make its period "logged".
        in_force = {offset for version in group for offset in version.offsets}
        # minutes, make-up minutes, entries, sessions held (delivered or partial)
        delivered: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for entry in entries:
            if entry[1] not in ids:
                continue  # an entry of a version without minutes, or of another version (per-version run)
            own = self.version_of[entry[1]].service_period
            offset = self.offset(entry[0])
            if offset not in in_force:
                continue  # outside the IEP's dates: ignored everywhere (design.md section 6)
            found = next(
                (k for k in ((kind, self.period_start[kind][offset]) for kind in (own, *kinds)) if k in slots), None
            )
            if found is None:
                continue  # no period of this provision in force around that day
            minutes = entry[4] or 0
            totals = delivered[found]
            totals[0] += minutes
            totals[1] += minutes if entry[2] else 0
            totals[2] += 1
            totals[3] += entry[3] in (DELIVERED, PARTIAL)
        periods = []
        for key in sorted(slots, key=lambda k: (k[1], k[0])):
            kind, period_start = key
            first, last, shares = slots[key]
            parts = tuple(
                PeriodPart(pk, minutes, attended, sessions) for pk, (minutes, attended, sessions) in shares.items()
            )
            regular_weekdays = self.regular_weekdays(kind, period_start)
            required_minutes = sum(p.minutes * p.attended_days for p in parts)
            required = round_half_up(Fraction(required_minutes, regular_weekdays)) if regular_weekdays else 0
            required_sessions = None
            if any(p.sessions for p in parts):
                stated = sum((p.sessions or 0) * p.attended_days for p in parts)
                required_sessions = round_half_up(Fraction(stated, regular_weekdays)) if regular_weekdays else 0
            minutes_in, makeup, logged, held = delivered.get(key, (0, 0, 0, 0))
            if logged:
                state = LOGGED
            elif sum(p.attended_days for p in parts) == 0:
                state = NO_ATTENDED_DAYS
            else:
                state = NOT_LOGGED
            periods.append(
                ServicePeriod(
                    kind=kind,
                    start=period_start,
                    end=period_bounds(kind, period_start)[1],
                    counted_from=first,
                    counted_to=last,
                    regular_weekdays=regular_weekdays,
                    parts=parts,
                    required=required,
                    delivered=minutes_in,
                    makeup_minutes=makeup,
                    entries=logged,
                    state=state,
                    required_sessions=required_sessions,
                    sessions_held=held,
                )
            )
        return ServiceMinutes.from_periods(group[-1].service_period, periods)
