"""Recording the events that start legal clocks, each change written through the evidence ledger.

``record_event`` is the one way in for other apps (a letter sent starts a records request's clock):

    from deadlines.services import record_event
    record_event(child, "records_request", day, user, source="letter sent", source_type="letter", source_id=letter.pk)

Edits and retractions keep the row and append a new ledger record, so the old version stays provable.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.models import DeadlineEvent, DeadlineSettings
from deadlines.payloads import event_payload, settings_payload
from deadlines.rules import EVENT_KIND_IDS
from evidence import ledger

ENTERED_BY_PARENT = "entered by a parent"


class DeadlineEventError(ValueError):
    """An event that cannot be recorded; the message says why in plain words."""


def _append(event: DeadlineEvent, action: str, user: Any) -> None:
    ledger.append(
        child_id=event.child_id,
        kind=f"deadline_event.{action}",
        object_type="deadline_event",
        object_id=event.pk,
        payload=event_payload(event),
        user=user,
        event_date=event.date,
    )


def record_event(
    child: Any,
    kind: str,
    day: date,
    user: Any,
    *,
    source: str = ENTERED_BY_PARENT,
    note: str = "",
    source_type: str = "",
    source_id: int | str = "",
) -> DeadlineEvent:
    """Record that ``kind`` happened (or is scheduled) on ``day`` for ``child``; returns the event.

    Recording the same kind, day and source object twice returns the first event instead of a copy.
    """
    if kind not in EVENT_KIND_IDS:
        raise DeadlineEventError(_("Unknown event kind: %(kind)s") % {"kind": kind})
    with transaction.atomic():
        if source_type and source_id != "":
            existing = DeadlineEvent.objects.filter(
                child=child, kind=kind, date=day, source_type=source_type, source_id=str(source_id), retracted_at=None
            ).first()
            if existing:
                return existing
        event = DeadlineEvent.objects.create(
            child=child,
            kind=kind,
            date=day,
            note=note,
            source=source,
            source_type=source_type,
            source_id=str(source_id),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        _append(event, "created", user)
    return event


def edit_event(event: DeadlineEvent, *, kind: str, day: date, note: str, user: Any) -> DeadlineEvent:
    """Change an event; the ledger keeps the version before it."""
    if event.is_retracted:
        raise DeadlineEventError(_("A removed event cannot be changed."))
    if kind not in EVENT_KIND_IDS:
        raise DeadlineEventError(_("Unknown event kind: %(kind)s") % {"kind": kind})
    with transaction.atomic():
        event.kind, event.date, event.note = kind, day, note
        event.save(update_fields=["kind", "date", "note"])
        _append(event, "edited", user)
    return event


def retract_event(event: DeadlineEvent, *, reason: str, user: Any) -> DeadlineEvent:
    """Take an event back: it counts for no deadline and stays, with the reason, in the history."""
    if event.is_retracted:
        return event
    with transaction.atomic():
        event.retracted_at, event.retraction_reason = timezone.now(), reason
        event.save(update_fields=["retracted_at", "retraction_reason"])
        _append(event, "retracted", user)
    return event


def set_disability(child: Any, disability: str, user: Any) -> DeadlineSettings:
    """Record the child's disability category for state rules that depend on it."""
    with transaction.atomic():
        settings, created = DeadlineSettings.objects.get_or_create(child=child)
        if not created and settings.disability == disability:
            return settings
        settings.disability = disability
        settings.save(update_fields=["disability"])
        ledger.append(
            child_id=child.pk,
            kind="deadline_settings.created" if created else "deadline_settings.edited",
            object_type="deadline_settings",
            object_id=settings.pk,
            payload=settings_payload(settings),
            user=user,
        )
    return settings
