"""What was expected and what is logged, day by day, with a fixed number of queries.

``LogWindow(child, start, end)`` reads the calendar, the IEP versions and the log entries of a date
range once; its methods then answer per-day questions in memory. The Today screen, the week and
month views and the logging reminder all stand on it, so their query counts do not grow with the
number of entries a family has logged over the years.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils.translation import gettext as _

from logbook.models import DEFAULT_DAY_TAGS, DayNote, LogEntry, Status
from plans.models import Child, Iep, Provision, weekday_name
from plans.schooldays import SchoolDays

REMINDER_DAYS = 14
# Statuses that carry a miss reason (a partial session was partly missed).
MISSED_STATUSES = frozenset({Status.MISSED, Status.PARTIAL})
DONE_STATUSES = frozenset({Status.DELIVERED, Status.NOT_APPLICABLE})

# One word and one icon per status, everywhere (day, week, month, history): never colour alone.
STATUS_ICONS: dict[str, str] = {
    Status.DELIVERED: "✓",
    Status.PARTIAL: "◐",
    Status.MISSED: "✗",
    Status.NOT_APPLICABLE: "\u2013",  # an en dash
    Status.UNKNOWN: "?",
}


def status_icon(status: str) -> str:
    return STATUS_ICONS.get(status, "")


def is_service(provision: Provision) -> bool:
    """Services carry minutes and may have make-up sessions."""
    return provision.kind == Provision.Kind.SERVICE or provision.is_service_with_minutes


def lag_text(days: int) -> str:
    """How long after the school day an entry was first recorded, in words."""
    if days <= 0:
        return "recorded the same day"
    if days == 1:
        return "recorded 1 day later"
    return f"recorded {days} days later"


def entry_summary(entry: LogEntry) -> str:
    """The entry in one line, e.g. "Missed · 0 min · Provider or staff absent · recorded 2 days later"."""
    parts = [entry.get_status_display()]
    if entry.minutes_delivered is not None:
        parts.append(f"{entry.minutes_delivered} min")
    if entry.miss_reason:
        parts.append(entry.get_miss_reason_display())
    parts.append(lag_text(entry.recording_lag_days))
    text = " · ".join(parts)
    return f"Withdrawn, not counted ({entry.retraction_reason}) · {text}" if entry.is_retracted else text


# state -> (label, short label for small calendar cells, symbol)
DAY_STATES: dict[str, tuple[str, str, str]] = {
    "all_delivered": ("All delivered", "Done", "✓"),
    "logged": ("Logged", "Logged", "✓"),
    "some_missed": ("Some missed", "Missed", "✗"),
    "some_partial": ("Some partly delivered", "Partly", "◐"),
    "partly_logged": ("Not fully logged", "To finish", "…"),
    "not_logged": ("Not logged yet", "To log", "?"),
    "absent": ("Absent", "Absent", "A"),
    "no_school": ("No school", "", "\u2013"),  # an en dash
    "nothing_expected": ("Nothing to log", "", "·"),
    "future": ("Still to come", "", ""),
}


@dataclass
class DayStatus:
    """One day at a glance: what was expected, how much is logged, how much was missed."""

    day: date
    state: str
    expected: int = 0
    logged: int = 0
    missed: int = 0  # status missed only
    reason: str = ""  # the break's name or the absence reason
    partial: int = 0  # status partly delivered: shown apart, never as missed

    @property
    def label(self) -> str:
        return DAY_STATES[self.state][0]

    @property
    def short(self) -> str:
        return DAY_STATES[self.state][1]

    @property
    def symbol(self) -> str:
        return DAY_STATES[self.state][2]

    @property
    def needs_logging(self) -> bool:
        """A school day with something expected that is not (fully) logged."""
        return self.expected > 0 and self.logged < self.expected

    @property
    def detail(self) -> str:
        """The label with its numbers, e.g. "Some missed: 1 of 3 missed, 1 of 3 partly, 1 of 3 not logged"."""
        if self.expected == 0:
            return f"{self.label}: {self.reason}" if self.reason else self.label
        parts = []
        if self.missed:
            parts.append(f"{self.missed} of {self.expected} missed")
        if self.partial:
            parts.append(f"{self.partial} of {self.expected} partly delivered")
        if self.logged < self.expected:
            parts.append(f"{self.expected - self.logged} of {self.expected} not logged")
        return f"{self.label}: {', '.join(parts)}" if parts else self.label


@dataclass
class Row:
    """One line on the Today screen: a provision (and which session) with its entry, if logged."""

    provision: Provision
    entry: LogEntry | None
    is_makeup: bool = False
    expected: bool = True
    flexible: bool = False  # a flexible service: "Did it happen today?", optional

    @property
    def live_entry(self) -> LogEntry | None:
        """The entry unless it was withdrawn."""
        return self.entry if self.entry is not None and not self.entry.is_retracted else None

    @property
    def key(self) -> str:
        return f"p{self.provision.pk}{'m' if self.is_makeup else ''}"


@dataclass
class DayPlan:
    """A day as the Today screen shows it."""

    day: date
    is_school_day: bool
    absence_reason: str | None  # None when the child attended (or it was no school day)
    provisions: list[Provision]  # expected on this day, in IEP order
    entries: list[LogEntry]  # every entry of the day, withdrawn and make-up sessions included
    day_note: DayNote | None = None
    closed_reason: str = ""  # why it is no school day, e.g. "Thanksgiving break" or "Saturday"
    iep: Iep | None = None
    # Flexible services of the IEP in force on an attended day: asked as an optional line, never
    # expected, never marked by "Everything delivered" (design.md section 6).
    flexible: list[Provision] = field(default_factory=list)

    @property
    def is_absent(self) -> bool:
        return self.absence_reason is not None

    @property
    def asks_nothing(self) -> bool:
        return not self.provisions and not self.flexible

    @property
    def why_nothing(self) -> str:
        """In plain words, why nothing is asked on this day ("" when something is)."""
        if self.provisions or self.flexible:
            return ""
        if not self.is_school_day:
            if self.closed_reason:
                return _("No school: %(reason)s.") % {"reason": self.closed_reason}
            return _("No school on this day.")
        if self.is_absent:
            if self.absence_reason:
                return _("Absent: %(reason)s.") % {"reason": self.absence_reason}
            return _("Absent on this day.")
        if self.iep is None:
            return _("No IEP was in force on this day, so there is nothing to log.")
        return _("Nothing in the IEP is scheduled for this day.")

    def entry_for(self, provision: Provision, is_makeup: bool = False) -> LogEntry | None:
        for entry in self.entries:
            if entry.provision_id == provision.pk and entry.is_makeup == is_makeup:
                return entry
        return None

    @property
    def rows(self) -> list[Row]:
        """Expected provisions first (IEP order), then flexible services ("Did it happen today?"), then
        make-up sessions and other entries of the day."""
        rows = [Row(provision, self.entry_for(provision)) for provision in self.provisions]
        rows += [Row(p, self.entry_for(p), expected=False, flexible=True) for p in self.flexible]
        listed = {provision.pk for provision in self.provisions} | {p.pk for p in self.flexible}
        for entry in self.entries:
            if entry.is_makeup or entry.provision_id not in listed:
                rows.append(Row(entry.provision, entry, is_makeup=entry.is_makeup, expected=False))
        return rows

    @property
    def unlogged(self) -> list[Provision]:
        return [row.provision for row in self.rows if row.expected and row.live_entry is None]

    @property
    def services(self) -> list[Provision]:
        """Services of the IEP in force: the ones a make-up session can be for."""
        return [p for p in self.iep.provisions.all() if is_service(p)] if self.iep else []


class LogWindow:
    """Calendar, IEP versions and entries of ``child`` from ``start`` to ``end``, read once."""

    def __init__(self, child: Child, start: date, end: date, *, school_days: SchoolDays | None = None) -> None:
        self.child = child
        self.start = start
        self.end = end
        self.school_days = school_days if school_days is not None else SchoolDays.load(child, start, end)
        self.ieps = list(
            Iep.objects.filter(child=child, effective_from__lte=end)
            .exclude(status=Iep.Status.DRAFT)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=start))
            .order_by("-effective_from")
            .prefetch_related("provisions")
        )
        self._entries: dict[date, list[LogEntry]] = defaultdict(list)
        provisions = {p.pk: p for iep in self.ieps for p in iep.provisions.all()}
        for entry in LogEntry.objects.filter(child=child, date__range=(start, end)).order_by(
            "date", "is_makeup", "provision_id"
        ):
            if entry.provision_id in provisions:  # spare a query per entry
                entry.provision = provisions[entry.provision_id]
            self._entries[entry.date].append(entry)

    def iep_on(self, day: date) -> Iep | None:
        """The version in force on ``day``, as ``Child.iep_on`` chooses it (latest start wins)."""
        return next((iep for iep in self.ieps if iep.is_in_force_on(day)), None)

    def expected(self, day: date) -> list[Provision]:
        if not self.school_days.is_attended(day):
            return []
        iep = self.iep_on(day)
        if iep is None:
            return []
        return [p for p in iep.provisions.all() if day.weekday() in p.scheduled_weekdays()]

    def flexible(self, day: date) -> list[Provision]:
        """Flexible services of the IEP in force, on an attended day: a session may have happened."""
        if not self.school_days.is_attended(day):
            return []
        iep = self.iep_on(day)
        return [p for p in iep.provisions.all() if p.is_flexible] if iep is not None else []

    def entries_on(self, day: date) -> list[LogEntry]:
        return self._entries.get(day, [])

    def closed_reason(self, day: date) -> str:
        calendar = self.school_days.calendar_on(day)
        if calendar is None:
            return _("outside the school calendar")
        if day.weekday() not in calendar.regular_weekdays():
            return weekday_name(day.weekday())
        for off in calendar.non_school_days.all():
            if off.start <= day <= off.end:
                return off.name
        return ""

    def plan(self, day: date, day_note: DayNote | None = None) -> DayPlan:
        school_day = self.school_days.is_school_day(day)
        return DayPlan(
            day=day,
            is_school_day=school_day,
            absence_reason=self.school_days.absences.get(day)
            if school_day and self.school_days.is_absent(day)
            else None,
            provisions=self.expected(day),
            entries=self.entries_on(day),
            day_note=day_note,
            closed_reason="" if school_day else self.closed_reason(day),
            iep=self.iep_on(day),
            flexible=self.flexible(day),
        )

    def status(self, day: date, today: date) -> DayStatus:
        if not self.school_days.is_school_day(day):
            return DayStatus(day, "no_school", reason=self.closed_reason(day))
        if day > today:
            return DayStatus(day, "future")
        if self.school_days.is_absent(day):
            return DayStatus(day, "absent", reason=self.school_days.absences.get(day, ""))
        expected = self.expected(day)
        if not expected:
            return DayStatus(day, "nothing_expected")
        live = {
            entry.provision_id: entry
            for entry in self.entries_on(day)
            if not entry.is_makeup and not entry.is_retracted
        }
        statuses = [live[p.pk].status for p in expected if p.pk in live]
        missed = sum(1 for status in statuses if status == Status.MISSED)
        partial = sum(1 for status in statuses if status == Status.PARTIAL)
        if not statuses:
            state = "not_logged"
        elif missed:
            state = "some_missed"
        elif partial:
            state = "some_partial"
        elif len(statuses) < len(expected):
            state = "partly_logged"
        elif all(status in DONE_STATUSES for status in statuses):
            state = "all_delivered"
        else:
            state = "logged"
        return DayStatus(day, state, expected=len(expected), logged=len(statuses), missed=missed, partial=partial)

    def statuses(self, start: date, end: date, today: date) -> list[DayStatus]:
        return [self.status(start + timedelta(days=n), today) for n in range((end - start).days + 1)]


def expected_provisions(child: Child, day: date, school_days: SchoolDays | None = None) -> list[Provision]:
    """Provisions owed on ``day`` by the IEP in force, the calendar and the child's absences.

    A non-school day or an absence gives an empty list; ``day_plan`` says why.
    """
    school_days = school_days if school_days is not None else SchoolDays.load(child, day, day)
    if not school_days.is_attended(day):
        return []
    iep = child.iep_on(day)
    if iep is None:
        return []
    return [p for p in iep.provisions.all() if day.weekday() in p.scheduled_weekdays()]


def day_plan(child: Child, day: date, school_days: SchoolDays | None = None) -> DayPlan:
    """Everything the Today screen needs about one day, reasons for asking nothing included."""
    window = LogWindow(child, day, day, school_days=school_days)
    return window.plan(day, DayNote.objects.filter(child=child, date=day).first())


def unlogged_school_days(window: LogWindow, today: date, days: int = REMINDER_DAYS) -> list[DayStatus]:
    """School days in the ``days`` days before today with something expected and not logged.

    Today itself is left out: the day is not over. ``window`` must cover those days.
    """
    start = max(window.start, today - timedelta(days=days))
    end = min(window.end, today - timedelta(days=1))
    if end < start:
        return []
    return [status for status in window.statuses(start, end, today) if status.needs_logging]


def reminder_for(child: Child, today: date, days: int = REMINDER_DAYS) -> list[DayStatus]:
    """The logging reminder for a child page: unlogged school days in the last ``days`` days."""
    window = LogWindow(child, today - timedelta(days=days), today - timedelta(days=1))
    return unlogged_school_days(window, today, days)


def family_tags(child: Child) -> list[str]:
    """Day tags to offer: the defaults, then every tag the household has used for any child."""
    tags = list(DEFAULT_DAY_TAGS)
    known = {tag.casefold() for tag in tags}
    used: set[str] = set()
    for tag_list in (
        DayNote.objects.filter(child__household_id=child.household_id)
        .exclude(tags=[])
        .order_by()  # no ordering columns, or DISTINCT would be per row
        .values_list("tags", flat=True)
        .distinct()
    ):
        for tag in tag_list or []:
            if isinstance(tag, str) and tag.casefold() not in known:
                used.add(tag)
    return tags + sorted(used, key=str.casefold)


@dataclass
class Today:
    """The Today screen's data: the chosen day, the last 14 days and the reminder."""

    plan: DayPlan
    chips: list[DayStatus]
    reminder: list[DayStatus]
    tags: list[str] = field(default_factory=list)
    window: LogWindow | None = None  # the window the day was read from (reused, e.g. "same as")


def load_today(child: Child, day: date, today: date) -> Today:
    """The Today screen for ``day``: a fixed number of queries, however much is logged."""
    start = today - timedelta(days=REMINDER_DAYS)
    recent = LogWindow(child, start, today)
    window = recent if start <= day <= today else LogWindow(child, day, day)
    plan = window.plan(day, DayNote.objects.filter(child=child, date=day).first())
    chips = recent.statuses(today - timedelta(days=REMINDER_DAYS - 1), today, today)
    return Today(
        plan=plan,
        chips=chips,
        reminder=unlogged_school_days(recent, today),
        tags=family_tags(child),
        window=window,
    )
