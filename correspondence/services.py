"""Every write to the communications log, each in one transaction with its ledger record.

Views and the API parse input, reach the child through ``plans.access.child_for(..., need="edit")``
and call these functions. Each create or edit carries a client-generated id (UUID): the same id
again returns the earlier result and appends nothing, so a retry from a phone never duplicates.
Invalid input raises ``ValidationError`` with messages by field and saves nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any
from urllib.parse import quote

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from correspondence.models import Channel, Communication, Direction, Origin, WriteReceipt
from correspondence.payloads import communication_payload
from evidence import ledger
from evidence.attachments import AttachmentRejected, store_attachments
from evidence.models import Attachment
from logbook.models import LogEntry
from plans.models import Child, Provision

Errors = dict[str, list[str]]

# The fields a caller may set; everything else is the service's to decide.
EDITABLE = (
    "date",
    "time",
    "channel",
    "direction",
    "counterpart_name",
    "counterpart_role",
    "from_address",
    "to_address",
    "subject",
    "body",
    "provision_ids",
    "entry_ids",
    "follow_up_due",
    "in_reply_to",
    "follow_up_closed",
)
LIMITS = {
    "counterpart_name": 120,
    "counterpart_role": 120,
    "from_address": 300,
    "to_address": 1000,
    "subject": 300,
    "body": 100_000,
}


def _uuid(client_id: uuid.UUID | str) -> uuid.UUID:
    try:
        return client_id if isinstance(client_id, uuid.UUID) else uuid.UUID(str(client_id))
    except ValueError:
        raise ValidationError({"client_id": [_("This save had a malformed id. Please reload the page.")]}) from None


def _clean(child: Child, values: dict[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    """Trimmed values and every rule they break, by field."""
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not a communication field: {sorted(unknown)}")
    out = dict(values)
    errors: Errors = {}
    for name, limit in LIMITS.items():
        if name in out:
            out[name] = (out[name] or "").strip()
            if len(out[name]) > limit:
                errors.setdefault(name, []).append(_("Please keep this under %(n)s characters.") % {"n": limit})
    day = out.get("date")
    if not isinstance(day, date):
        errors.setdefault("date", []).append(_("Give the date of this communication."))
    elif day > today:
        errors.setdefault("date", []).append(_("This date is in the future. Record a communication once it happened."))
    if out.get("channel") not in Channel.values:
        errors.setdefault("channel", []).append(_("Choose how it happened: email, call, meeting, letter or portal."))
    if out.get("direction") not in Direction.values:
        errors.setdefault("direction", []).append(_("Choose who started it: you or the school."))
    due = out.get("follow_up_due")
    if due is not None and isinstance(day, date) and due < day:
        errors.setdefault("follow_up_due", []).append(_("The follow-up date cannot be before the communication."))
    provision_ids = sorted({int(pk) for pk in out.get("provision_ids") or []})
    if provision_ids:
        found = set(Provision.objects.filter(iep__child=child, pk__in=provision_ids).values_list("pk", flat=True))
        if found != set(provision_ids):
            errors.setdefault("provision_ids", []).append(_("Choose items of this child's IEP."))
    out["provision_ids"] = provision_ids
    entry_ids = sorted({int(pk) for pk in out.get("entry_ids") or []})
    if entry_ids:
        found = set(LogEntry.objects.filter(child=child, pk__in=entry_ids).values_list("pk", flat=True))
        if found != set(entry_ids):
            errors.setdefault("entry_ids", []).append(_("Choose log entries of this child."))
    out["entry_ids"] = entry_ids
    reply_to = out.get("in_reply_to")
    if isinstance(reply_to, Communication):
        reply_to = reply_to.pk
    if reply_to is not None:
        if not Communication.objects.filter(child=child, pk=reply_to).exists():
            errors.setdefault("in_reply_to", []).append(_("Choose a communication of this child."))
        out["in_reply_to"] = reply_to
    return out, errors


def _append(kind: str, comm: Communication, user: Any) -> None:
    ledger.append(
        child_id=comm.child_id,
        kind=f"communication.{kind}",
        object_type="communication",
        object_id=comm.pk,
        payload=communication_payload(comm),
        user=user,
        event_date=comm.date,
    )


def _apply(comm: Communication, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "in_reply_to":
            comm.in_reply_to_id = value
        else:
            setattr(comm, name, value)


def _from_receipt(cid: uuid.UUID, child: Child) -> Communication | None:
    receipt = WriteReceipt.objects.filter(client_id=cid).select_related("communication").first()
    if receipt is None:
        return None
    if receipt.child_id != child.pk:
        raise ValidationError({"client_id": [_("This save id was already used for something else.")]})
    return receipt.communication


def create_communication(
    child: Child,
    *,
    user: Any,
    client_id: uuid.UUID | str,
    origin: str = Origin.TYPED,
    letter_kind: str = "",
    source_attachment: Attachment | None = None,
    **values: Any,
) -> Communication:
    """Record a new communication. The same ``client_id`` again returns the first one, unchanged."""
    cid = _uuid(client_id)
    values.setdefault("direction", Direction.SENT)
    values, errors = _clean(child, values, timezone.localdate())
    if errors:
        raise ValidationError(errors)

    def write() -> Communication:
        earlier = _from_receipt(cid, child)
        if earlier is not None:
            return earlier
        comm = Communication(
            child=child,
            client_id=cid,
            origin=origin,
            letter_kind=letter_kind,
            source_attachment_id=source_attachment.pk if source_attachment else None,
            created_by=user if getattr(user, "is_authenticated", False) else None,
            updated_by=user if getattr(user, "is_authenticated", False) else None,
        )
        _apply(comm, values)
        comm.save(force_insert=True)
        if source_attachment is not None and source_attachment.object_type == "":
            from evidence.attachments import link_attachment

            link_attachment(source_attachment, object_type="communication", object_id=comm.pk, user=user)
        _append("created", comm, user)
        WriteReceipt.objects.create(client_id=cid, child=child, communication=comm)
        return comm

    return _once(write)


def edit_communication(
    comm: Communication, *, user: Any, client_id: uuid.UUID | str, edit_reason: str, **changes: Any
) -> Communication:
    """Change a communication; the ledger keeps the earlier version and the reason."""
    cid = _uuid(client_id)
    edit_reason = (edit_reason or "").strip()
    current = {name: getattr(comm, name) for name in EDITABLE if name != "in_reply_to"}
    current["in_reply_to"] = comm.in_reply_to_id
    values, errors = _clean(comm.child, {**current, **changes}, timezone.localdate())
    if not edit_reason:
        errors.setdefault("edit_reason", []).append(_("Say briefly why you are changing this record."))
    elif len(edit_reason) > 300:
        errors.setdefault("edit_reason", []).append(_("Please keep this under 300 characters."))
    if comm.is_retracted:
        errors.setdefault(NON_FIELD_ERRORS, []).append(_("This communication was withdrawn; it can't be changed."))
    if values.get("in_reply_to") == comm.pk:
        errors.setdefault("in_reply_to", []).append(_("A communication cannot answer itself."))
    if errors:
        raise ValidationError(errors)

    def write() -> Communication:
        earlier = _from_receipt(cid, comm.child)
        if earlier is not None:
            return earlier
        row = Communication.objects.select_for_update().get(pk=comm.pk)
        before = communication_payload(row)
        _apply(row, values)
        if communication_payload(row) == before:
            WriteReceipt.objects.create(client_id=cid, child=row.child, communication=row)
            return row
        row.edit_reason = edit_reason
        row.updated_by = user
        row.save()
        _append("edited", row, user)
        WriteReceipt.objects.create(client_id=cid, child=row.child, communication=row)
        return row

    return _once(write)


def retract_communication(comm: Communication, *, user: Any, reason: str) -> Communication:
    """Withdraw a communication: it stays, with the reason, but no longer counts."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say briefly why this record should be withdrawn.")]})
    if len(reason) > 300:
        raise ValidationError({"reason": [_("Please keep this under 300 characters.")]})
    with transaction.atomic():
        row = Communication.objects.select_for_update().get(pk=comm.pk)
        if row.is_retracted:
            raise ValidationError({NON_FIELD_ERRORS: [_("This communication was already withdrawn.")]})
        row.retracted_at = timezone.now()
        row.retraction_reason = reason
        row.updated_by = user
        row.save()
        _append("retracted", row, user)
    return row


def _once[T](write: Callable[[], T]) -> T:
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        with transaction.atomic():
            return write()


def attach_files(comm: Communication, files: list[Any], user: Any) -> list[Attachment]:
    """Keep files with a communication through evidence's attachment storage (each ledgered)."""
    try:
        return store_attachments(
            child_id=comm.child_id, files=files, user=user, object_type="communication", object_id=comm.pk
        )
    except AttachmentRejected as refused:
        raise ValidationError({"files": [str(refused)]}) from None


def attachments_of(comm: Communication) -> list[Attachment]:
    return list(
        Attachment.objects.filter(child_id=comm.child_id, object_type="communication", object_id=str(comm.pk)).order_by(
            "uploaded_at", "pk"
        )
    )


# --- Calls and follow-ups -----------------------------------------------------------------------


def log_call(
    child: Child,
    *,
    user: Any,
    client_id: uuid.UUID | str,
    counterpart_name: str,
    summary: str,
    counterpart_role: str = "",
    direction: str = Direction.SENT,
    day: date | None = None,
    at: time | None = None,
    to_address: str = "",
    follow_up_due: date | None = None,
) -> Communication:
    """A call logged from the phone in seconds: who, what was said; today and now unless given."""
    now = timezone.localtime()
    return create_communication(
        child,
        user=user,
        client_id=client_id,
        origin=Origin.CALL_LOG,
        date=day or now.date(),
        time=at if at is not None else (now.time().replace(second=0, microsecond=0) if day is None else None),
        channel=Channel.CALL,
        direction=direction,
        counterpart_name=counterpart_name,
        counterpart_role=counterpart_role,
        to_address=to_address,
        subject=_("Phone call with %(name)s") % {"name": counterpart_name.strip() or _("the school")},
        body=summary,
        follow_up_due=follow_up_due,
    )


@dataclass(frozen=True)
class Draft:
    """An email the parent sends themselves: the text, and a mailto: link that opens it."""

    to: str
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        return f"mailto:{quote(self.to, safe='@,')}?subject={quote(self.subject)}&body={quote(self.body)}"


def call_follow_up_draft(comm: Communication, parent_name: str) -> Draft:
    """'To confirm our call today': a short email built only from what was logged about the call."""
    said_on = comm.date
    name = comm.counterpart_name or _("[fill in: their name]")
    day_words = (
        _("today") if said_on == timezone.localdate() else _("on %(day)s") % {"day": said_on.strftime("%B %-d, %Y")}
    )
    reply_by = max(said_on, timezone.localdate()) + timedelta(days=5)
    body = "\n".join(
        [
            _("Dear %(name)s,") % {"name": name},
            "",
            _(
                "Thank you for speaking with me %(when)s about %(child)s. To confirm our call, this is what I understood:"
            )
            % {"when": day_words, "child": comm.child.name},
            "",
            comm.body.strip() or _("[fill in: what was said and agreed]"),
            "",
            _(
                "If I have misunderstood anything, please let me know in writing by %(day)s. Otherwise I will take this as an accurate summary of our conversation."
            )
            % {"day": reply_by.strftime("%B %-d, %Y")},
            "",
            _("Thank you,"),
            parent_name or _("[fill in: your name]"),
        ]
    )
    subject = _("To confirm our call %(when)s about %(child)s") % {"when": day_words, "child": comm.child.name}
    return Draft(to=comm.to_address, subject=subject, body=body)


# --- Threads, answers and overdue follow-ups ------------------------------------------------------

_REPLY_PREFIX = re.compile(r"^\s*((re|aw|fw|fwd)\s*:\s*)+", re.IGNORECASE)


def normal_subject(subject: str) -> str:
    return " ".join(_REPLY_PREFIX.sub("", subject).split()).casefold()


def first_answers(child: Child) -> dict[int, Communication]:
    """For each communication that has a reply recorded, its first (earliest) current reply."""
    answers: dict[int, Communication] = {}
    for reply in (
        Communication.objects.current().filter(child=child, in_reply_to__isnull=False).order_by("date", "time", "pk")
    ):
        answers.setdefault(reply.in_reply_to_id, reply)  # type: ignore[arg-type]
    return answers


def overdue_follow_ups(child: Child, today: date | None = None) -> list[Communication]:
    """Communications whose follow-up date passed with no reply recorded (oldest due first)."""
    today = today or timezone.localdate()
    waiting = list(
        Communication.objects.current()
        .filter(child=child, follow_up_due__lt=today, follow_up_closed=False)
        .order_by("follow_up_due", "pk")
    )
    if not waiting:
        return []
    answered = set(
        Communication.objects.current()
        .filter(child=child, in_reply_to__in=[c.pk for c in waiting])
        .values_list("in_reply_to_id", flat=True)
    )
    return [c for c in waiting if c.pk not in answered]


def guess_reply_to(child: Child, subject: str, day: date) -> Communication | None:
    """The parent's latest sent message with the same subject (Re:/Fwd: aside) on or before ``day``."""
    wanted = normal_subject(subject)
    if not wanted:
        return None
    for comm in Communication.objects.current().filter(child=child, direction=Direction.SENT, date__lte=day):
        if normal_subject(comm.subject) == wanted:
            return comm
    return None
