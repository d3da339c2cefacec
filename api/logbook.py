"""The daily log over JSON: one tap, one request, no page load (static/js/logbook.js uses it).

Session authentication with CSRF (the ``X-CSRFToken`` header); every endpoint reaches the child
through ``plans.access.child_for`` (404 for anyone else, and for a viewer on any save). Each save
carries a client-generated ``client_id``: the offline queue retries with the same id and gets the
first result back, without a second ledger record. Invalid input answers 422 with
``{"errors": {field: [message, ...]}}`` and saves nothing.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Router, Schema, Status, UploadedFile

from logbook import services
from logbook.days import DayStatus, LogWindow, entry_summary, lag_text
from logbook.models import DayNote, LogEntry
from logbook.payloads import entry_payload
from plans.access import child_for
from plans.models import Provision

router = Router(tags=["daily log"])


class EntryIn(Schema):
    date: date
    provision: int
    status: str
    client_id: uuid.UUID
    minutes_delivered: int | None = None
    is_makeup: bool = False
    miss_reason: str = ""
    source: str = ""
    reported_by: str = ""
    note: str = ""
    edit_reason: str = ""
    # The entry's version the edit was made from (0: no entry yet); a stale one answers 409.
    base_version: int | None = None


class EntryOut(Schema):
    """The entry's ledger payload (``logbook.payloads.entry_payload``) plus words for the screen."""

    id: int
    child: int
    date: date
    provision: int
    is_makeup: bool
    status: str
    minutes_delivered: int | None
    miss_reason: str
    source: str
    reported_by: str
    note: str
    recording_lag_days: int
    edit_reason: str
    retracted_at: str | None
    retraction_reason: str
    version: int
    status_label: str
    lag_text: str
    retracted: bool
    summary: str
    history_url: str


class DayStatusOut(Schema):
    day: date
    state: str
    label: str
    detail: str
    expected: int
    logged: int
    missed: int
    partial: int


class SavedEntryOut(EntryOut):
    day_status: DayStatusOut


class DayOut(Schema):
    day: date
    is_school_day: bool
    absent: bool
    why_nothing: str
    expected_provision_ids: list[int]
    # Flexible services of the day: asked "Did it happen today?", never expected (design.md 6).
    flexible_provision_ids: list[int]
    entries: list[EntryOut]
    status: DayStatusOut


class SavedDayOut(DayOut):
    created: list[EntryOut]


class ClientIdIn(Schema):
    client_id: uuid.UUID


class DayNoteIn(Schema):
    tags: list[str] = []
    note: str = ""
    client_id: uuid.UUID


class DayNoteOut(Schema):
    id: int | None
    date: date
    tags: list[str]
    note: str


class RetractIn(Schema):
    reason: str


class AttachmentOut(Schema):
    id: int
    sha256: str
    content_type: str
    size: int
    original_name: str
    url: str


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class ConflictOut(Schema):
    """409: the entry changed since ``base_version``; ``current`` is it now, ``attempted`` the refused save."""

    errors: dict[str, list[str]]
    current: EntryOut | None
    attempted: dict[str, Any]


def _entry_out(entry: LogEntry) -> dict[str, Any]:
    return {
        **entry_payload(entry),
        "version": entry.version,
        "status_label": entry.get_status_display(),
        "lag_text": lag_text(entry.recording_lag_days),
        "retracted": entry.is_retracted,
        "summary": entry_summary(entry),
        "history_url": reverse("logbook:entry_history", args=[entry.child_id, entry.pk]),
    }


def _status_out(status: DayStatus) -> dict[str, Any]:
    return {
        "day": status.day,
        "state": status.state,
        "label": status.label,
        "detail": status.detail,
        "expected": status.expected,
        "logged": status.logged,
        "missed": status.missed,
        "partial": status.partial,
    }


def _day_out(child: Any, day: date) -> dict[str, Any]:
    window = LogWindow(child, day, day)
    plan = window.plan(day)
    return {
        "day": day,
        "is_school_day": plan.is_school_day,
        "absent": plan.is_absent,
        "why_nothing": plan.why_nothing,
        "expected_provision_ids": [p.pk for p in plan.provisions],
        "flexible_provision_ids": [p.pk for p in plan.flexible],
        "entries": [_entry_out(entry) for entry in plan.entries],
        "status": _status_out(window.status(day, timezone.localdate())),
    }


def _entry_of(child: Any, entry_id: int) -> LogEntry:
    """One of ``child``'s entries (the child already came through the access layer), else 404."""
    entry = LogEntry.objects.filter(child=child, pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry.")
    return entry


def errors_body(error: ValidationError) -> dict[str, Any]:
    """A service's refusal as the API's 422 body (api.api answers every ValidationError with it)."""
    if hasattr(error, "error_dict"):
        return {"errors": {name: [str(m) for m in msgs] for name, msgs in error.message_dict.items()}}
    return {"errors": {"__all__": [str(m) for m in error.messages]}}


@router.get("/children/{int:child_id}/days/{day}", response=DayOut, url_name="day")
def get_day(request: HttpRequest, child_id: int, day: date) -> dict[str, Any]:
    """What is expected and logged on one day."""
    child = child_for(request.user, child_id)
    return _day_out(child, day)


def conflict_body(conflict: services.EditConflict) -> dict[str, Any]:
    """An ``EditConflict`` as the API's 409 body (api.api answers every one with it)."""
    return {
        "errors": {"__all__": [str(conflict)]},
        "current": None if conflict.current is None else _entry_out(conflict.current),
        "attempted": conflict.attempted,
    }


@router.post(
    "/children/{int:child_id}/entries",
    response={200: SavedEntryOut, 409: ConflictOut, 422: ErrorsOut},
    url_name="save_entry",
)
def save_entry(request: HttpRequest, child_id: int, payload: EntryIn) -> Any:
    """Create or change one entry (status of one provision on one day, or a make-up session)."""
    child = child_for(request.user, child_id, need="edit")
    provision = Provision.objects.select_related("iep").filter(pk=payload.provision, iep__child=child).first()
    if provision is None:
        raise Http404("No such provision.")
    entry = services.record_entry(
        child,
        payload.date,
        provision,
        status=payload.status,
        user=request.user,
        client_id=payload.client_id,
        minutes_delivered=payload.minutes_delivered,
        is_makeup=payload.is_makeup,
        miss_reason=payload.miss_reason,
        source=payload.source,
        reported_by=payload.reported_by,
        note=payload.note,
        edit_reason=payload.edit_reason,
        base_version=payload.base_version,
    )
    status = LogWindow(child, entry.date, entry.date).status(entry.date, timezone.localdate())
    return Status(200, {**_entry_out(entry), "day_status": _status_out(status)})


@router.post(
    "/children/{int:child_id}/days/{day}/all-delivered",
    response={200: SavedDayOut, 422: ErrorsOut},
    url_name="all_delivered",
)
def all_delivered(request: HttpRequest, child_id: int, day: date, payload: ClientIdIn) -> Any:
    """One tap: everything expected and not yet logged on the day is delivered."""
    child = child_for(request.user, child_id, need="edit")
    created = services.record_day_all_delivered(child, day, request.user, payload.client_id)
    return Status(200, {**_day_out(child, day), "created": [_entry_out(entry) for entry in created]})


@router.post(
    "/children/{int:child_id}/days/{day}/note",
    response={200: DayNoteOut, 422: ErrorsOut},
    url_name="save_day_note",
)
def save_day_note(request: HttpRequest, child_id: int, day: date, payload: DayNoteIn) -> Any:
    """The day's tags and note."""
    child = child_for(request.user, child_id, need="edit")
    note = services.save_day_note(
        child, day, tags=payload.tags, note=payload.note, user=request.user, client_id=payload.client_id
    )
    if note is None:
        note = DayNote(child=child, date=day)
    return Status(200, {"id": note.pk, "date": note.date, "tags": note.tags, "note": note.note})


@router.post(
    "/children/{int:child_id}/entries/{int:entry_id}/retract",
    response={200: EntryOut, 422: ErrorsOut},
    url_name="retract_entry",
)
def retract_entry(request: HttpRequest, child_id: int, entry_id: int, payload: RetractIn) -> Any:
    """Withdraw an entry: kept with its reason, no longer counted."""
    child = child_for(request.user, child_id, need="edit")
    entry = _entry_of(child, entry_id)
    services.retract_entry(entry, request.user, payload.reason)
    return Status(200, _entry_out(entry))


@router.post(
    "/children/{int:child_id}/entries/{int:entry_id}/attachments",
    response={200: list[AttachmentOut], 422: ErrorsOut},
    url_name="entry_attachments",
)
def add_attachments(request: HttpRequest, child_id: int, entry_id: int, files: File[list[UploadedFile]]) -> Any:
    """Photos or files for an entry (multipart ``files``): all kept, or none when one is refused."""
    child = child_for(request.user, child_id, need="edit")
    entry = _entry_of(child, entry_id)
    with transaction.atomic():
        kept = services.attach_files(entry, list(files), request.user)
    return Status(
        200,
        [
            {
                "id": att.pk,
                "sha256": att.sha256,
                "content_type": att.content_type,
                "size": att.size,
                "original_name": att.original_name,
                "url": reverse("evidence:attachment", args=[child.pk, att.pk]),
            }
            for att in kept
        ],
    )
