"""What the ledger keeps of a log entry or a day note: the object's full state after a change.

The same functions serve the verification: the current-state loaders below turn today's rows into
the payloads the latest ledger records must equal (``evidence.verify`` compares them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from logbook.models import DayNote, LogEntry


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def entry_payload(entry: LogEntry) -> dict[str, Any]:
    """The entry's own columns as plain JSON values (no labels or other tables' data).

    ``device_time`` (when the phone says the change was tapped) is there only when the phone sent
    it, so records made before it existed still match their entries.
    """
    payload = {
        "id": entry.pk,
        "child": entry.child_id,
        "date": entry.date.isoformat(),
        "provision": entry.provision_id,
        "is_makeup": entry.is_makeup,
        "status": entry.status,
        "minutes_delivered": entry.minutes_delivered,
        "miss_reason": entry.miss_reason,
        "source": entry.source,
        "reported_by": entry.reported_by,
        "note": entry.note,
        "recording_lag_days": entry.recording_lag_days,
        "edit_reason": entry.edit_reason,
        "retracted_at": _instant(entry.retracted_at),
        "retraction_reason": entry.retraction_reason,
    }
    if entry.device_time is not None:
        payload["device_time"] = _instant(entry.device_time)
    return payload


def day_note_payload(note: DayNote) -> dict[str, Any]:
    return {
        "id": note.pk,
        "child": note.child_id,
        "date": note.date.isoformat(),
        "tags": list(note.tags),
        "note": note.note,
    }


def current_entries(child_id: int) -> dict[str, dict[str, Any]]:
    """Current-state loader for the verification: every log entry of the child, by id."""
    return {str(entry.pk): entry_payload(entry) for entry in LogEntry.objects.filter(child_id=child_id)}


def current_day_notes(child_id: int) -> dict[str, dict[str, Any]]:
    """Current-state loader for the verification: every day note of the child, by id."""
    return {str(note.pk): day_note_payload(note) for note in DayNote.objects.filter(child_id=child_id)}
