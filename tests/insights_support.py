"""Small builders for the insights tests: entries, absences, day tags and IEP amendments, via the ORM."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from logbook.models import DayNote, LogEntry
from plans.models import Absence, Child, Iep, Provision

D = date.fromisoformat


def log(
    provision: Provision,
    day: str | date,
    status: str = "delivered",
    minutes: int | None = None,
    *,
    makeup: bool = False,
    reason: str = "",
    source: str = "",
    retracted: bool = False,
    child: Child | None = None,
) -> LogEntry:
    """One log entry for ``provision`` on ``day`` (ISO string or date)."""
    return LogEntry.objects.create(
        child=child or provision.iep.child,
        date=D(day) if isinstance(day, str) else day,
        provision=provision,
        status=status,
        minutes_delivered=minutes,
        is_makeup=makeup,
        miss_reason=reason,
        source=source,
        retracted_at=timezone.now() if retracted else None,
    )


def absent(child: Child, day: str) -> Absence:
    return Absence.objects.create(child=child, date=D(day), reason="sick")


def tag_day(child: Child, day: str, *tags: str) -> DayNote:
    return DayNote.objects.create(child=child, date=D(day), tags=list(tags))


def amend(iep: Iep, on_day: str, changes: dict[int, dict[str, Any]]) -> tuple[Iep, dict[int, Provision]]:
    """A new IEP version from ``on_day``; every provision is copied (same lineage), with ``changes``
    applied by the old provision's id. Returns the new IEP and the copies by old provision id."""
    start = D(on_day)
    iep.effective_to = date.fromordinal(start.toordinal() - 1)
    iep.status = Iep.Status.SUPERSEDED
    iep.save()
    new = Iep.objects.create(child=iep.child, effective_from=start, amends=iep)
    copies: dict[int, Provision] = {}
    for old in iep.provisions.all():
        fields = {f.name: getattr(old, f.name) for f in Provision._meta.concrete_fields if f.name not in ("id", "iep")}
        fields.update(changes.get(old.pk, {}))
        copies[old.pk] = Provision.objects.create(iep=new, **fields)
    return new, copies
