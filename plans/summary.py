"""What the child's overview page shows: the IEP in effect, key dates and the school year so far."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from plans.models import Child, Iep, NonSchoolDay, Provision, SchoolCalendar
from plans.schooldays import SchoolDays, days_between


@dataclass
class KeyDate:
    label: str
    day: date
    days_away: int  # negative when the day has passed

    @property
    def is_past(self) -> bool:
        return self.days_away < 0

    @property
    def when(self) -> str:
        """ "in 3 days", "today" or "12 days ago"."""
        days = abs(self.days_away)
        unit = "day" if days == 1 else "days"
        if self.days_away > 0:
            return f"in {days} {unit}"
        return "today" if days == 0 else f"{days} {unit} ago"


@dataclass
class CalendarSummary:
    calendar: SchoolCalendar
    school_days: int
    school_days_so_far: int
    absences_so_far: int
    next_day_off: NonSchoolDay | None


@dataclass
class ChildSummary:
    iep: Iep | None  # in effect today, else the next to start, else the latest
    draft: Iep | None  # a draft being typed in
    provisions: list[Provision] = field(default_factory=list)
    kinds: list[tuple[str, int]] = field(default_factory=list)
    key_dates: list[KeyDate] = field(default_factory=list)
    calendar: CalendarSummary | None = None


KIND_PLURALS = {
    Provision.Kind.ACCOMMODATION: _("accommodations"),
    Provision.Kind.MODIFICATION: _("modifications"),
    Provision.Kind.SERVICE: _("services"),
    Provision.Kind.SUPPLEMENTARY_AID: _("supplementary aids"),
    Provision.Kind.ASSISTIVE_TECHNOLOGY: _("assistive technology"),
    Provision.Kind.BEHAVIOR_SUPPORT: _("behavior supports"),
    Provision.Kind.STAFF_SUPPORT: _("supports for school staff"),
    Provision.Kind.OTHER: _("other"),
}


def kind_count_label(kind: str, count: int) -> str:
    """ "accommodation" or "accommodations", as the count needs."""
    return str(KIND_PLURALS[Provision.Kind(kind)]) if count != 1 else str(Provision.Kind(kind).label).lower()


def current_iep(ieps: list[Iep], today: date) -> Iep | None:
    """The version in effect on ``today``; otherwise the next one to start; otherwise the latest."""
    counted = [iep for iep in ieps if iep.status != Iep.Status.DRAFT]
    in_force = [iep for iep in counted if iep.is_in_force_on(today)]
    if in_force:
        return max(in_force, key=lambda iep: iep.effective_from)
    upcoming = sorted((iep for iep in counted if iep.effective_from > today), key=lambda iep: iep.effective_from)
    if upcoming:
        return upcoming[0]
    return max(counted, key=lambda iep: iep.effective_from, default=None)


def key_dates(iep: Iep, today: date) -> list[KeyDate]:
    dates = [
        ("IEP meeting", iep.meeting_date),
        ("Annual review due", iep.annual_review_due),
        ("Reevaluation due", iep.reevaluation_due),
        ("IEP ends", iep.effective_to),
    ]
    found = [KeyDate(label, day, (day - today).days) for label, day in dates if day is not None]
    return sorted(found, key=lambda key: key.day)


def _next_day_off(days: SchoolDays, calendar: SchoolCalendar, today: date) -> NonSchoolDay | None:
    """The calendar's next named day off from ``today``, read from the days off SchoolDays already loaded."""
    if today > calendar.last_day:
        return None
    loaded = next((c for c in days.calendars if c.pk == calendar.pk), None)
    if loaded is None:
        return None
    upcoming = [off for off in loaded.non_school_days.all() if off.end >= today]
    return min(upcoming, key=lambda off: (off.start, off.pk), default=None)


def calendar_summary(child: Child, today: date) -> CalendarSummary | None:
    """The school year around ``today`` (else the next one, else the latest), counted day by day."""
    calendars = list(child.calendars.all())
    if not calendars:
        return None
    around = [c for c in calendars if c.first_day <= today <= c.last_day]
    upcoming = sorted((c for c in calendars if c.first_day > today), key=lambda c: c.first_day)
    calendar = (around or upcoming or sorted(calendars, key=lambda c: c.last_day, reverse=True))[0]
    days = SchoolDays.load(child, calendar.first_day, calendar.last_day)
    school_days = [d for d in days_between(calendar.first_day, calendar.last_day) if days.is_school_day(d)]
    so_far = [d for d in school_days if d <= today]
    next_off = _next_day_off(days, calendar, today)
    return CalendarSummary(
        calendar=calendar,
        school_days=len(school_days),
        school_days_so_far=len(so_far),
        absences_so_far=sum(1 for d in so_far if days.is_absent(d)),
        next_day_off=next_off,
    )


def summarize_child(child: Child, today: date) -> ChildSummary:
    ieps = list(child.ieps.all())
    iep = current_iep(ieps, today)
    drafts = [i for i in ieps if i.status == Iep.Status.DRAFT]
    summary = ChildSummary(iep=iep, draft=max(drafts, key=lambda i: i.pk, default=None))
    if iep is not None:
        summary.provisions = list(iep.provisions.all())
        counts = Counter(p.kind for p in summary.provisions)
        summary.kinds = [(kind_count_label(kind, count), count) for kind, count in counts.most_common()]
        summary.key_dates = key_dates(iep, today)
    summary.calendar = calendar_summary(child, today)
    return summary


def school_days_by_month(calendar: SchoolCalendar, days: SchoolDays) -> list[tuple[date, int]]:
    """(first of the month, number of school days) for each month of the school year."""
    counts: dict[date, int] = {}
    for day in days_between(calendar.first_day, calendar.last_day):
        month = day.replace(day=1)
        counts[month] = counts.get(month, 0) + int(days.is_school_day(day))
    return list(counts.items())
