"""The daily log over JSON: one tap, one request, no page load (static/js/logbook.js and the offline
queue in static/js/offline-queue.js use it; so can a native app).

Every endpoint reaches the child through ``plans.access.child_for`` (404 for anyone else, and for a
viewer on any write); reads write an access-log row. Each write carries a client-generated
``client_id``: a retry with the same id gets the first result back, without a second ledger record.
Errors answer ``{"errors": {field: [message, ...]}}`` (api/errors.py) and save nothing.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile

from api.errors import CheckedText, ErrorsOut, answers, range_too_long
from api.reads import viewed
from logbook import services
from logbook.days import DayStatus, LogWindow, entry_summary, lag_text
from logbook.models import DayNote, LogEntry
from logbook.payloads import entry_payload
from plans.access import MAX_ID, child_for
from plans.models import Child, Provision

router = Router(tags=["daily log"])

MAX_RANGE_DAYS = 400


class EntryChangeIn(CheckedText):
    status: str
    client_id: uuid.UUID
    minutes_delivered: int | None = None
    miss_reason: str = ""
    source: str = ""
    reported_by: str = ""
    note: str = ""
    edit_reason: str = ""
    device_time: datetime | None = None
    # The entry's version the change was made from (0: no entry yet); a stale one answers 409.
    base_version: int | None = None


class EntryIn(EntryChangeIn):
    """One entry; ``device_time`` is when the phone says it was tapped, ``base_version`` the entry's
    version the phone showed then (0 for none): if the entry has changed since, the answer is 409."""

    date: date
    provision: int
    is_makeup: bool = False


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
    device_time: str | None = None
    version: int
    status_label: str
    lag_text: str
    retracted: bool
    summary: str
    history_url: str


class ConflictOut(ErrorsOut):
    """409: the entry changed since ``base_version``; ``current`` is it now, ``attempted`` the refused save."""

    current: EntryOut | None
    attempted: dict[str, Any]


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


class DayNoteIn(CheckedText):
    tags: list[str] = []
    note: str = ""
    client_id: uuid.UUID


class DayNoteOut(Schema):
    id: int | None
    date: date
    tags: list[str]
    note: str


class RetractIn(CheckedText):
    reason: str
    client_id: uuid.UUID | None = None


class AttachmentOut(Schema):
    id: int
    sha256: str
    content_type: str
    size: int
    original_name: str
    url: str


class RangeIn(Schema):
    start: date
    end: date


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


def conflict_body(conflict: services.EditConflict) -> dict[str, Any]:
    """An ``EditConflict`` as the API's 409 body (api.api answers every one with it)."""
    return {
        "errors": {"__all__": [str(conflict)]},
        "current": None if conflict.current is None else _entry_out(conflict.current),
        "attempted": conflict.attempted,
    }


def _entry_of(child: Child, entry_id: int) -> LogEntry:
    """One of ``child``'s entries (the child already came through the access layer), else 404."""
    entry = LogEntry.objects.filter(child=child, pk=entry_id).first() if abs(entry_id) <= MAX_ID else None
    if entry is None:
        raise Http404("No such entry.")
    return entry


def _saved(child: Child, entry: LogEntry) -> Any:
    status = LogWindow(child, entry.date, entry.date).status(entry.date, timezone.localdate())
    return Status(200, {**_entry_out(entry), "day_status": _status_out(status)})


def _record(
    request: HttpRequest, child: Child, provision: Provision, day: date, change: EntryChangeIn, **slot: Any
) -> Any:
    entry = services.record_entry(
        child,
        day,
        provision,
        status=change.status,
        user=request.user,
        client_id=change.client_id,
        minutes_delivered=change.minutes_delivered,
        miss_reason=change.miss_reason,
        source=change.source,
        reported_by=change.reported_by,
        note=change.note,
        edit_reason=change.edit_reason,
        device_time=change.device_time,
        base_version=change.base_version,
        **slot,
    )
    return _saved(child, entry)


@router.get("/children/{int:child_id}/days/{day}", response=answers(DayOut), url_name="day")
def get_day(request: HttpRequest, child_id: int, day: date) -> dict[str, Any]:
    """What is expected and logged on one day."""
    child = viewed(request, child_for(request.user, child_id))
    return _day_out(child, day)


@router.get("/children/{int:child_id}/entries", response=answers(list[EntryOut]), url_name="entries")
def list_entries(request: HttpRequest, child_id: int, span: Query[RangeIn]) -> Any:
    """The entries from ``start`` to ``end`` (at most 400 days), withdrawn ones included."""
    child = viewed(request, child_for(request.user, child_id))
    if span.end < span.start or (span.end - span.start).days > MAX_RANGE_DAYS:
        return Status(422, {"errors": {"end": [range_too_long(MAX_RANGE_DAYS)]}})
    entries = LogEntry.objects.filter(child=child, date__range=(span.start, span.end)).select_related("provision")
    return Status(200, [_entry_out(entry) for entry in entries.order_by("date", "provision_id", "is_makeup")])


@router.post(
    "/children/{int:child_id}/entries", response=answers(SavedEntryOut, _409=ConflictOut), url_name="save_entry"
)
def save_entry(request: HttpRequest, child_id: int, payload: EntryIn) -> Any:
    """Create or change one entry (status of one provision on one day, or a make-up session)."""
    child = child_for(request.user, child_id, need="edit")
    provision = (
        Provision.objects.select_related("iep").filter(pk=payload.provision, iep__child=child).first()
        if abs(payload.provision) <= MAX_ID
        else None
    )
    if provision is None:
        raise Http404("No such provision.")
    return _record(request, child, provision, payload.date, payload, is_makeup=payload.is_makeup)


@router.get("/children/{int:child_id}/entries/{int:entry_id}", response=answers(EntryOut), url_name="entry")
def get_entry(request: HttpRequest, child_id: int, entry_id: int) -> Any:
    """One entry as it is now (its history is on the page at ``history_url``)."""
    child = viewed(request, child_for(request.user, child_id))
    return _entry_out(_entry_of(child, entry_id))


@router.put(
    "/children/{int:child_id}/entries/{int:entry_id}",
    response=answers(SavedEntryOut, _409=ConflictOut),
    url_name="edit_entry",
)
def edit_entry(request: HttpRequest, child_id: int, entry_id: int, payload: EntryChangeIn) -> Any:
    """Change one entry (a past day's entry needs ``edit_reason``)."""
    child = child_for(request.user, child_id, need="edit")
    entry = _entry_of(child, entry_id)
    return _record(request, child, entry.provision, entry.date, payload, is_makeup=entry.is_makeup)


@router.post(
    "/children/{int:child_id}/days/{day}/all-delivered",
    response=answers(SavedDayOut),
    url_name="all_delivered",
)
def all_delivered(request: HttpRequest, child_id: int, day: date, payload: ClientIdIn) -> Any:
    """One tap: everything expected and not yet logged on the day is delivered."""
    child = child_for(request.user, child_id, need="edit")
    created = services.record_day_all_delivered(child, day, request.user, payload.client_id)
    return Status(200, {**_day_out(child, day), "created": [_entry_out(entry) for entry in created]})


@router.get("/children/{int:child_id}/days/{day}/note", response=answers(DayNoteOut), url_name="day_note")
def get_day_note(request: HttpRequest, child_id: int, day: date) -> Any:
    """The day's tags and note (empty when none)."""
    child = viewed(request, child_for(request.user, child_id))
    note = DayNote.objects.filter(child=child, date=day).first() or DayNote(child=child, date=day)
    return {"id": note.pk, "date": note.date, "tags": note.tags, "note": note.note}


@router.post(
    "/children/{int:child_id}/days/{day}/note",
    response=answers(DayNoteOut),
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
    response=answers(EntryOut),
    url_name="retract_entry",
)
def retract_entry(request: HttpRequest, child_id: int, entry_id: int, payload: RetractIn) -> Any:
    """Withdraw an entry: kept with its reason, no longer counted."""
    child = child_for(request.user, child_id, need="edit")
    entry = _entry_of(child, entry_id)
    services.retract_entry(entry, request.user, payload.reason, client_id=payload.client_id)
    return Status(200, _entry_out(entry))


def _attachment_out(child: Child, att: Any) -> dict[str, Any]:
    return {
        "id": att.pk,
        "sha256": att.sha256,
        "content_type": att.content_type,
        "size": att.size,
        "original_name": att.original_name,
        "url": reverse("evidence:attachment", args=[child.pk, att.pk]),
    }


@router.get(
    "/children/{int:child_id}/entries/{int:entry_id}/attachments",
    response=answers(list[AttachmentOut]),
    url_name="entry_attachment_list",
)
def list_attachments(request: HttpRequest, child_id: int, entry_id: int) -> Any:
    """The photos and files kept with an entry."""
    child = viewed(request, child_for(request.user, child_id))
    entry = _entry_of(child, entry_id)
    return [_attachment_out(child, att) for att in services.attachments_of([entry])[entry.pk]]


@router.post(
    "/children/{int:child_id}/entries/{int:entry_id}/attachments",
    response=answers(list[AttachmentOut]),
    url_name="entry_attachments",
)
def add_attachments(
    request: HttpRequest,
    child_id: int,
    entry_id: int,
    files: File[list[UploadedFile]],
    client_id: Form[uuid.UUID | None] = None,
) -> Any:
    """Photos or files for an entry (multipart ``files``, at most 6 with ``client_id``): all kept, or
    none when one is refused."""
    child = child_for(request.user, child_id, need="edit")
    entry = _entry_of(child, entry_id)
    with transaction.atomic():
        kept = services.attach_files(entry, list(files), request.user, client_id=client_id)
    return Status(200, [_attachment_out(child, att) for att in kept])
