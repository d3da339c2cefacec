"""Every write to the daily log, each in one transaction with its ledger record.

Views and the API parse input, reach the child through ``plans.access.child_for(..., need="edit")``
and call these functions; nothing else writes log entries or day notes. Each write carries a
client-generated id: a retried request returns the earlier result and appends nothing.
Invalid input raises ``django.core.exceptions.ValidationError`` with messages by field, and saves
nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence import ledger
from evidence.attachments import AttachmentRejected, store_attachments
from evidence.models import Attachment, EvidenceRecord
from logbook import validators as rules
from logbook.days import (
    DayPlan,
    LogWindow,
    day_plan,
    expected_provisions,
    family_tags,
    is_service,
    status_icon,
)
from logbook.models import DEFAULT_DAY_TAGS, DayNote, LogEntry, MissReason, Source, Status, WriteReceipt
from logbook.payloads import day_note_payload, entry_payload
from plans.models import Child, Provision

__all__ = [
    "DayPlan",
    "EditConflict",
    "attach_files",
    "attachments_of",
    "day_plan",
    "entry_history",
    "expected_provisions",
    "family_tags",
    "record_day_all_delivered",
    "record_day_same_as",
    "record_days_all_delivered",
    "record_entry",
    "record_new_entries",
    "retract_entry",
    "save_day_note",
]

Errors = dict[str, list[str]]
# How far ahead of the server's clock a phone's tap time may be (clocks drift a little).
DEVICE_CLOCK_SKEW = timedelta(minutes=5)


class EditConflict(Exception):
    """A save made from a version of the entry that someone else has changed since.

    ``current`` is the entry as it is now (None if it was never saved), ``attempted`` the values the
    refused save would have written: the page shows both, the API answers 409 with both.
    """

    def __init__(self, current: LogEntry | None, attempted: dict[str, Any], base_version: int) -> None:
        super().__init__(_("Someone else changed this entry after you opened the page. Nothing was saved."))
        self.current = current
        self.attempted = attempted
        self.base_version = base_version


def _client_uuid(client_id: uuid.UUID | str) -> uuid.UUID:
    try:
        return client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
    except ValueError:
        raise ValidationError({"client_id": [_("This save had a malformed id. Please reload the page.")]}) from None


def _add(errors: Errors, name: str, message: str | None) -> None:
    if message:
        errors.setdefault(name, []).append(message)


def _once[T](write: Callable[[], T]) -> T:
    """Run ``write`` in a transaction; retry once if a concurrent write took the same slot first."""
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        with transaction.atomic():
            return write()


def _receipt(client_id: uuid.UUID) -> WriteReceipt | None:
    return WriteReceipt.objects.filter(client_id=client_id).first()


def _keep_receipt(client_id: uuid.UUID, child: Child, object_type: str, object_id: Any) -> None:
    WriteReceipt.objects.create(client_id=client_id, child=child, object_type=object_type, object_id=str(object_id))


def _append(kind: str, obj: LogEntry | DayNote, user: Any) -> None:
    """Append the object's new state to its child's ledger, e.g. ``_append("log_entry.edited", entry, user)``."""
    payload = entry_payload(obj) if isinstance(obj, LogEntry) else day_note_payload(obj)
    object_type = kind.split(".", 1)[0]
    ledger.append(
        child_id=obj.child_id,
        kind=kind,
        object_type=object_type,
        object_id=obj.pk,
        payload=payload,
        user=user,
        event_date=obj.date,
    )


@dataclass
class NewEntry:
    """One entry of a batch for ``record_new_entries``."""

    provision: Provision
    status: str = Status.DELIVERED
    minutes_delivered: int | None = None
    is_makeup: bool = False
    miss_reason: str = ""
    source: str = ""
    reported_by: str = ""
    note: str = ""

    def cleaned(self) -> NewEntry:
        """Text trimmed; a service delivered without minutes had its usual session, a missed one none."""
        minutes = self.minutes_delivered
        if minutes is None and is_service(self.provision):
            if self.status == Status.DELIVERED:
                minutes = self.provision.session_minutes
            elif self.status == Status.MISSED:
                minutes = 0
        return replace(self, minutes_delivered=minutes, reported_by=self.reported_by.strip(), note=self.note.strip())

    def content(self) -> dict[str, Any]:
        """The values an entry takes from this (its slot aside)."""
        return {
            "status": self.status,
            "minutes_delivered": self.minutes_delivered,
            "miss_reason": self.miss_reason,
            "source": self.source,
            "reported_by": self.reported_by,
            "note": self.note,
        }


def _entry_errors(child: Child, day: date, item: NewEntry, *, today: date, edit_reason: str = "") -> Errors:
    """Every rule ``item`` breaks, by field (see ``logbook.validators``)."""
    provision, status, minutes, reason = item.provision, item.status, item.minutes_delivered, item.miss_reason
    errors: Errors = {}
    _add(errors, "day", rules.not_in_future(day, today))
    _add(errors, "provision", rules.belongs_to_child(provision, child))
    _add(errors, "day", rules.within_iep(provision, day))
    _add(errors, "status", rules.known_status(status))
    _add(errors, "minutes_delivered", rules.minutes_only_for_services(provision, minutes))
    _add(errors, "minutes_delivered", rules.minutes_in_range(minutes))
    _add(errors, "minutes_delivered", rules.minutes_fit_status(status, minutes))
    _add(errors, "minutes_delivered", rules.minutes_given_for_partial(provision, status, minutes))
    _add(errors, "miss_reason", rules.known_reason(reason) or rules.reason_only_for_misses(status, reason))
    _add(errors, "source", rules.known_source(item.source))
    _add(errors, "is_makeup", rules.makeup_only_for_services(provision, item.is_makeup))
    _add(errors, "reported_by", rules.short_enough(item.reported_by, 120))
    _add(errors, "note", rules.short_enough(item.note, 5000))
    _add(errors, "edit_reason", rules.short_enough(edit_reason, 300))
    return errors


def record_entry(
    child: Child,
    day: date,
    provision: Provision,
    *,
    status: str,
    user: Any,
    client_id: uuid.UUID | str,
    minutes_delivered: int | None = None,
    is_makeup: bool = False,
    miss_reason: str = "",
    source: str = "",
    reported_by: str = "",
    note: str = "",
    edit_reason: str = "",
    device_time: datetime | None = None,
    base_version: int | None = None,
) -> LogEntry:
    """Create or change the entry for ``provision`` on ``day`` (one per day and session).

    ``base_version`` is the version the edit was made from (0: the page showed no entry). When the
    entry has another version now and the save would change it, ``EditConflict`` is raised and
    nothing is saved: a stale page never silently overwrites a co-parent's entry. None skips the check.

    - a service delivered without minutes gets its usual session length; a missed one 0 minutes;
    - the same ``client_id`` again returns the entry it produced, unchanged, with no new record;
    - the same content again changes nothing and appends nothing;
    - changing an entry of a day before today needs ``edit_reason`` (kept in the ledger), unless the
      entry was first recorded today (still the same sitting);
    - logging a withdrawn entry's slot again brings it back, as an edit;
    - ``device_time``: when the phone says it was tapped (kept with the entry and in its record;
      dropped when it is ahead of the server's clock by more than a few minutes);
    """
    cid = _client_uuid(client_id)
    today = timezone.localdate()
    edit_reason = edit_reason.strip()
    minutes_given = minutes_delivered is not None
    item = NewEntry(provision, status, minutes_delivered, is_makeup, miss_reason, source, reported_by, note).cleaned()
    errors = _entry_errors(child, day, item, today=today, edit_reason=edit_reason)
    _add(errors, "device_time", _device_time_problem(device_time))
    if errors:
        raise ValidationError(errors)
    device_time = _plausible_device_time(device_time)
    values = item.content()

    def write() -> LogEntry:
        receipt = _receipt(cid)
        if receipt is not None:
            if receipt.object_type != "log_entry" or receipt.child_id != child.pk:
                raise ValidationError({"client_id": [_("This save id was already used for something else.")]})
            return LogEntry.objects.get(pk=receipt.object_id)
        entry = (
            LogEntry.objects.select_for_update()
            .filter(child=child, date=day, provision=provision, is_makeup=is_makeup)
            .first()
        )
        if not minutes_given and entry is not None and entry.status == status == Status.DELIVERED:
            values["minutes_delivered"] = entry.minutes_delivered  # "Delivered" again keeps its minutes
        unchanged = (
            entry is not None
            and not entry.is_retracted
            and all(getattr(entry, name) == value for name, value in values.items())
        )
        current_version = entry.version if entry is not None else 0
        if base_version is not None and base_version != current_version and not unchanged:
            raise EditConflict(entry, {"is_makeup": is_makeup, **values}, base_version)
        if entry is None:
            entry = LogEntry(
                child=child,
                date=day,
                provision=provision,
                is_makeup=is_makeup,
                client_id=cid,
                created_by=user,
                updated_by=user,
                recording_lag_days=(today - day).days,
                device_time=device_time,
                **values,
            )
            entry.save(force_insert=True)
            kind = "log_entry.created"
        else:
            if unchanged:
                _keep_receipt(cid, child, "log_entry", entry.pk)
                return entry
            message = rules.reason_given_for_past_edit(day, first_recorded_on(entry), today, edit_reason)
            if message:
                raise ValidationError({"edit_reason": [message]})
            for name, value in values.items():
                setattr(entry, name, value)
            entry.edit_reason = edit_reason
            entry.retracted_at = None
            entry.retracted_by = None
            entry.retraction_reason = ""
            entry.updated_by = user
            entry.device_time = device_time
            entry.version += 1
            entry.save()
            kind = "log_entry.edited"
        _append(kind, entry, user)
        _keep_receipt(cid, child, "log_entry", entry.pk)
        return entry

    return _once(write)


def remembered_reporter(child: Child, user: Any) -> str:
    """The last "who told you" this person wrote for this child: offered again for the next miss."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    found = (
        LogEntry.objects.filter(child=child, updated_by=user)
        .exclude(reported_by="")
        .order_by("-updated_at")
        .values_list("reported_by", flat=True)
        .first()
    )
    return found or ""


def _device_time_problem(device_time: datetime | None) -> str | None:
    if device_time is not None and timezone.is_naive(device_time):
        return _("The phone's time needs its time zone (e.g. 2026-11-05T15:04:00Z).")
    return None


def _plausible_device_time(device_time: datetime | None) -> datetime | None:
    """The phone's tap time, or None when its clock is plainly wrong (ahead of the server's): the save
    is kept all the same (a wrong clock must not stop a parent logging), only without a tap time."""
    if device_time is None or device_time > timezone.now() + DEVICE_CLOCK_SKEW:
        return None
    return device_time


def first_recorded_on(entry: LogEntry) -> date:
    """The local date the entry was first recorded."""
    return timezone.localdate(entry.created_at)


def needs_edit_reason(entry: LogEntry, today: date) -> bool:
    """Would a change to ``entry`` today need a reason? (See ``validators.reason_given_for_past_edit``.)"""
    return rules.reason_given_for_past_edit(entry.date, first_recorded_on(entry), today, "") is not None


def _batch_entry_id(batch: uuid.UUID, day: date, provision_id: int, is_makeup: bool = False) -> uuid.UUID:
    """The client id of one entry of a batch (e.g. "Everything delivered"): derived, so stable on retry."""
    return uuid.uuid5(batch, f"{day.isoformat()}:{provision_id}{':makeup' if is_makeup else ''}")


def _create_batch(child: Child, day: date, items: list[NewEntry], user: Any, batch: uuid.UUID) -> list[LogEntry]:
    """Insert new entries in one statement, then append a "created" record for each."""
    lag = (timezone.localdate() - day).days
    entries = [
        LogEntry(
            child=child,
            date=day,
            provision=item.provision,
            is_makeup=item.is_makeup,
            **item.content(),
            client_id=_batch_entry_id(batch, day, item.provision.pk, item.is_makeup),
            created_by=user,
            updated_by=user,
            recording_lag_days=lag,
        )
        for item in items
    ]
    LogEntry.objects.bulk_create(entries)
    ledger.append_many(
        child_id=child.pk,
        entries=[
            ledger.Entry("log_entry.created", "log_entry", entry.pk, entry_payload(entry), entry.date)
            for entry in entries
        ],
        user=user,
    )
    return entries


def _batch_result(child: Child, day: date, batch: uuid.UUID) -> list[LogEntry]:
    """On a retry: the entries that batch created."""
    return [
        entry
        for entry in LogEntry.objects.filter(child=child, date=day)
        if entry.client_id == _batch_entry_id(batch, day, entry.provision_id, entry.is_makeup)
    ]


def record_new_entries(
    child: Child, day: date, items: list[NewEntry], *, user: Any, client_id: uuid.UUID | str
) -> list[LogEntry]:
    """Several entries of one day, none logged yet, in one go: for imports and demo data.

    The same rules as ``record_entry`` (service minutes default to the session length); a slot
    that is already logged is refused. One insert for all entries, one ledger record each.
    """
    cid = _client_uuid(client_id)
    today = timezone.localdate()
    ready = [item.cleaned() for item in items]
    for item in ready:
        errors = _entry_errors(child, day, item, today=today)
        if errors:
            raise ValidationError(errors)

    def write() -> list[LogEntry]:
        if _receipt(cid) is not None:
            return _batch_result(child, day, cid)
        slots = {(item.provision.pk, item.is_makeup) for item in ready}
        taken = LogEntry.objects.filter(child=child, date=day, provision__in=[pk for pk, _makeup in slots])
        if any((entry.provision_id, entry.is_makeup) in slots for entry in taken):
            raise ValidationError({NON_FIELD_ERRORS: [_("Some of these items are already logged for this day.")]})
        entries = _create_batch(child, day, ready, user, cid)
        _keep_receipt(cid, child, "log_day", day.isoformat())
        return entries

    return _once(write)


def record_day_all_delivered(child: Child, day: date, user: Any, client_id: uuid.UUID | str) -> list[LogEntry]:
    """One tap: every expected provision not yet logged on ``day`` becomes delivered.

    Services get their usual session length. Entries already there (withdrawn ones included) stay
    as they are. Returns the entries created (on a retry: the ones that batch created).
    """
    cid = _client_uuid(client_id)
    today = timezone.localdate()
    message = rules.not_in_future(day, today)
    if message:
        raise ValidationError({"day": [message]})

    def write() -> list[LogEntry]:
        if _receipt(cid) is not None:
            return _batch_result(child, day, cid)
        plan = LogWindow(child, day, day).plan(day)
        if plan.asks_nothing:
            raise ValidationError({NON_FIELD_ERRORS: [_("%(why)s Nothing was saved.") % {"why": plan.why_nothing}]})
        items = [
            NewEntry(
                row.provision, minutes_delivered=row.provision.session_minutes if is_service(row.provision) else None
            )
            for row in plan.rows
            if row.expected and row.entry is None
        ]
        entries = _create_batch(child, day, items, user, cid)
        _keep_receipt(cid, child, "log_day", day.isoformat())
        return entries

    return _once(write)


def record_days_all_delivered(
    child: Child, days: list[date], user: Any, client_id: uuid.UUID | str
) -> dict[date, list[LogEntry]]:
    """Catch-up from the week view: "Everything delivered" on several past days at once.

    Each day keeps its own entries and ledger records, with its own recording lag; all days are
    saved or none. A retry with the same ``client_id`` returns what each day's batch created.
    """
    batch = _client_uuid(client_id)
    with transaction.atomic():
        return {
            day: record_day_all_delivered(child, day, user, uuid.uuid5(batch, day.isoformat()))
            for day in sorted(set(days))
        }


def same_as_source_day(child: Child, day: date, window: LogWindow | None = None) -> date | None:
    """For "Same as yesterday": the latest earlier day of the last two weeks with regular entries
    that could fill an expected, unlogged item of ``day`` (matched by provision lineage)."""
    start = day - timedelta(days=14)
    window = window if window is not None and window.start <= start else LogWindow(child, start, day)
    plan = window.plan(day)
    wanted = {row.provision.lineage for row in plan.rows if row.expected and row.entry is None}
    if not wanted:
        return None
    for n in range(1, 15):
        earlier = day - timedelta(days=n)
        if any(
            e.provision.lineage in wanted and not e.is_makeup and not e.is_retracted for e in window.entries_on(earlier)
        ):
            return earlier
    return None


def record_day_same_as(
    child: Child, day: date, source_day: date, user: Any, client_id: uuid.UUID | str
) -> list[LogEntry]:
    """ "Same as yesterday": every expected item not yet logged on ``day`` gets what ``source_day``
    recorded for it (status, minutes, reason, how you know, who said so; never the note)."""
    cid = _client_uuid(client_id)
    today = timezone.localdate()
    message = rules.not_in_future(day, today)
    if message or source_day >= day:
        raise ValidationError({"day": [message or _("Choose an earlier day to copy.")]})

    def write() -> list[LogEntry]:
        if _receipt(cid) is not None:
            return _batch_result(child, day, cid)
        window = LogWindow(child, source_day, day)
        plan = window.plan(day)
        earlier = {
            e.provision.lineage: e for e in window.entries_on(source_day) if not e.is_makeup and not e.is_retracted
        }
        items = []
        for row in plan.rows:
            found = earlier.get(row.provision.lineage) if row.expected and row.entry is None else None
            if found is None:
                continue
            item = NewEntry(
                row.provision,
                found.status,
                found.minutes_delivered,
                False,
                found.miss_reason,
                found.source,
                found.reported_by,
            ).cleaned()
            errors = _entry_errors(child, day, item, today=today)
            if errors:
                raise ValidationError(errors)
            items.append(item)
        if not items:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Nothing to copy: every item is already logged. Nothing was saved.")]}
            )
        entries = _create_batch(child, day, items, user, cid)
        _keep_receipt(cid, child, "log_day", day.isoformat())
        return entries

    return _once(write)


def retract_entry(entry: LogEntry, user: Any, reason: str, client_id: uuid.UUID | str | None = None) -> LogEntry:
    """Withdraw an entry: it stays (with the reason) but no longer counts in statistics.

    With ``client_id``, a retry of the same withdrawal returns the entry and appends nothing.
    """
    reason = reason.strip()
    cid = _client_uuid(client_id) if client_id is not None else None
    if _retraction_replayed(cid, entry):
        entry.refresh_from_db()
        return entry
    errors: Errors = {}
    _add(errors, "reason", rules.retraction_reason_given(reason) or rules.short_enough(reason, 300))
    if entry.is_retracted:
        _add(errors, NON_FIELD_ERRORS, _("This entry was already withdrawn."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = LogEntry.objects.select_for_update().get(pk=entry.pk)
        # A retry that waited for the first request's lock finds its receipt now: the same answer.
        if not _retraction_replayed(cid, entry):
            if current.is_retracted:
                raise ValidationError({NON_FIELD_ERRORS: [_("This entry was already withdrawn.")]})
            current.retracted_at = timezone.now()
            current.retracted_by = user
            current.retraction_reason = reason
            current.updated_by = user
            current.version += 1
            current.save()
            _append("log_entry.retracted", current, user)
            if cid is not None:
                _keep_receipt(cid, entry.child, "log_entry.retract", entry.pk)
    entry.refresh_from_db()
    return entry


def _retraction_replayed(cid: uuid.UUID | None, entry: LogEntry) -> bool:
    """Whether ``cid`` already withdrew ``entry`` (a retry); a save id used for anything else is refused."""
    receipt = _receipt(cid) if cid is not None else None
    if receipt is None:
        return False
    if receipt.object_type != "log_entry.retract" or receipt.object_id != str(entry.pk):
        raise ValidationError({"client_id": [_("This save id was already used for something else.")]})
    return True


def normalize_tags(tags: list[str]) -> list[str]:
    """Trim and de-duplicate tags (ignoring case); a default tag keeps its usual spelling."""
    defaults = {tag.casefold(): tag for tag in DEFAULT_DAY_TAGS}
    result: list[str] = []
    seen: set[str] = set()
    for raw in tags:
        tag = " ".join(str(raw).split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            result.append(defaults.get(tag.casefold(), tag))
    return result


def save_day_note(
    child: Child, day: date, *, tags: list[str], note: str, user: Any, client_id: uuid.UUID | str
) -> DayNote | None:
    """Set the day's tags and note. Returns None when there is nothing to keep and nothing was kept."""
    cid = _client_uuid(client_id)
    today = timezone.localdate()
    tags = normalize_tags(tags)
    note = note.strip()
    errors: Errors = {}
    _add(errors, "day", rules.not_in_future(day, today))
    _add(errors, "tags", rules.tags_fit(tags))
    _add(errors, "note", rules.short_enough(note, 5000))
    if errors:
        raise ValidationError(errors)

    def write() -> DayNote | None:
        receipt = _receipt(cid)
        if receipt is not None:
            if receipt.object_type != "day_note" or receipt.child_id != child.pk:
                raise ValidationError({"client_id": [_("This save id was already used for something else.")]})
            return DayNote.objects.get(pk=receipt.object_id)
        day_note = DayNote.objects.select_for_update().filter(child=child, date=day).first()
        if day_note is None:
            if not tags and not note:
                return None
            day_note = DayNote(child=child, date=day, tags=tags, note=note, client_id=cid, updated_by=user)
            day_note.save(force_insert=True)
            kind = "day_note.created"
        else:
            if day_note.tags == tags and day_note.note == note:
                _keep_receipt(cid, child, "day_note", day_note.pk)
                return day_note
            day_note.tags, day_note.note, day_note.updated_by = tags, note, user
            day_note.save()
            kind = "day_note.edited"
        _append(kind, day_note, user)
        _keep_receipt(cid, child, "day_note", day_note.pk)
        return day_note

    return _once(write)


MAX_FILES_PER_SAVE = 6  # the write receipt keeps their ids in its 64 characters


def attach_files(
    entry: LogEntry, files: list[Any], user: Any, client_id: uuid.UUID | str | None = None
) -> list[Attachment]:
    """Keep photos or files with an entry: each stored by content hash with its own ledger record.

    Raises ``ValidationError`` on ``files`` (nothing kept) when a file is refused, e.g. too big or
    not a photo, PDF, text or email. Call it in the transaction that saved the entry. With
    ``client_id``, a retry returns the files the first request kept and stores nothing again (the
    same bytes for the same entry are stored once anyway).
    """
    cid = _client_uuid(client_id) if client_id is not None else None
    if cid is not None:
        receipt = _receipt(cid)
        if receipt is not None:
            if receipt.object_type != "attachments" or not receipt.object_id.startswith(f"{entry.pk}:"):
                raise ValidationError({"client_id": [_("This save id was already used for something else.")]})
            ids = [int(pk) for pk in receipt.object_id.split(":", 1)[1].split(",") if pk]
            return list(Attachment.objects.filter(pk__in=ids).order_by("pk"))
        if len(files) > MAX_FILES_PER_SAVE:
            raise ValidationError(
                {"files": [_("Please send at most %(n)d files at a time.") % {"n": MAX_FILES_PER_SAVE}]}
            )
    try:
        kept = store_attachments(
            child_id=entry.child_id, files=files, user=user, object_type="log_entry", object_id=entry.pk
        )
    except AttachmentRejected as refused:
        raise ValidationError({"files": [str(refused)]}) from None
    if cid is not None:
        _keep_receipt(cid, entry.child, "attachments", f"{entry.pk}:" + ",".join(str(att.pk) for att in kept))
    return kept


def attachments_of(entries: list[LogEntry]) -> dict[int, list[Attachment]]:
    """The files attached to each of ``entries`` (one query), by entry id."""
    by_entry: dict[int, list[Attachment]] = {entry.pk: [] for entry in entries}
    if not entries:
        return by_entry
    for att in Attachment.objects.filter(
        child_id=entries[0].child_id, object_type="log_entry", object_id__in=[str(pk) for pk in by_entry]
    ).order_by("uploaded_at", "pk"):
        by_entry[int(att.object_id)].append(att)
    return by_entry


# --- History ------------------------------------------------------------------------------------

# What the history page calls each field and each change, translated when the page is made.
FIELD_LABELS = {
    "status": gettext_lazy("Status"),
    "minutes_delivered": gettext_lazy("Minutes"),
    "miss_reason": gettext_lazy("Reason"),
    "source": gettext_lazy("How you know"),
    "reported_by": gettext_lazy("Who said so"),
    "note": gettext_lazy("Note"),
    "is_makeup": gettext_lazy("Make-up session"),
}
ACTIONS = {
    "created": gettext_lazy("Recorded"),
    "edited": gettext_lazy("Changed"),
    "retracted": gettext_lazy("Withdrawn"),
}
_CHOICES: dict[str, dict[str, str | Promise]] = {
    "status": dict(Status.choices),
    "miss_reason": dict(MissReason.choices),
    "source": dict(Source.choices),
}


def _shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name in _CHOICES:
        return str(_CHOICES[name].get(value, value))  # the label in the active language
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


@dataclass
class Change:
    field: str
    before: str
    after: str
    before_icon: str = ""  # a status's icon (logbook.days.STATUS_ICONS), shown beside its word
    after_icon: str = ""


def _change(name: str, label: Any, before: Any, after: Any) -> Change:
    change = Change(str(label), _shown(name, before) if before is not _NONE else "", _shown(name, after))
    if name == "status":
        change.before_icon = status_icon(before) if isinstance(before, str) else ""
        change.after_icon = status_icon(after) if isinstance(after, str) else ""
    return change


_NONE = object()


@dataclass
class HistoryItem:
    """One version of an entry, as its ledger record keeps it."""

    record: EvidenceRecord
    action: str
    when: datetime
    who: str
    payload: dict[str, Any]
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    # The first version's content in words ("Status: Missed", "Reason: Provider or staff absent").
    facts: list[Change] = field(default_factory=list)


def entry_history(entry: LogEntry) -> list[HistoryItem]:
    """The entry's ledger records, newest first: who, when, what changed and why."""
    records = EvidenceRecord.objects.filter(
        child_id=entry.child_id, object_type="log_entry", object_id=str(entry.pk)
    ).order_by("seq")
    items: list[HistoryItem] = []
    before: dict[str, Any] = {}
    for record in records:
        payload = json.loads(record.payload)
        action = record.kind.rsplit(".", 1)[-1]
        changes = [
            _change(name, label, before.get(name), payload.get(name))
            for name, label in FIELD_LABELS.items()
            if before and before.get(name) != payload.get(name)
        ]
        reason = payload.get("retraction_reason", "") if action == "retracted" else payload.get("edit_reason", "")
        facts: list[Change] = []
        if action == "created":
            reason = ""
            facts = [
                _change(name, label, _NONE, payload.get(name))
                for name, label in FIELD_LABELS.items()
                if payload.get(name) not in (None, "", False)
            ]
        items.append(
            HistoryItem(
                record=record,
                action=str(ACTIONS.get(action, action)),
                when=record.recorded_at,
                who=record.recorded_by_name,
                payload=payload,
                changes=changes,
                reason=reason or "",
                facts=facts,
            )
        )
        before = payload
    items.reverse()
    return items
