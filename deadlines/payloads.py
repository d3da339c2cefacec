"""The full state of a deadline event, as handed to the evidence ledger and checked by verification."""

from __future__ import annotations

from typing import Any

from deadlines.models import DeadlineEvent, DeadlineSettings


def event_payload(event: DeadlineEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "child": event.child_id,
        "kind": event.kind,
        "date": event.date,
        "note": event.note,
        "source": event.source,
        "source_type": event.source_type,
        "source_id": event.source_id,
        "retracted": event.retracted_at is not None,
        "retraction_reason": event.retraction_reason,
    }


def current_events(child_id: int) -> dict[str, dict[str, Any]]:
    """Verification's view of the current rows (evidence.verify.register_current_state)."""
    return {str(e.pk): event_payload(e) for e in DeadlineEvent.objects.filter(child_id=child_id)}


def settings_payload(settings: DeadlineSettings) -> dict[str, Any]:
    return {"id": settings.pk, "child": settings.child_id, "disability": settings.disability}


def current_settings(child_id: int) -> dict[str, dict[str, Any]]:
    return {str(s.pk): settings_payload(s) for s in DeadlineSettings.objects.filter(child_id=child_id)}
