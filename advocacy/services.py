"""Every write of advocacy records (letters, prior written notices, costs), each with its ledger record.

Views, the management command and the API call these; each create carries a client-generated id,
so a retried save returns the first result. Invalid input raises ValidationError and saves nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.events import record_deadline_events
from advocacy.models import Letter, OutOfPocketCost, PriorWrittenNotice
from advocacy.payloads import cost_payload, letter_payload, pwn_payload
from advocacy.rules import LETTER_KINDS, PWN_ELEMENTS, STEPS, Step
from correspondence.models import Channel, Communication, Direction, Origin
from correspondence.services import create_communication, overdue_follow_ups
from evidence import ledger
from plans.models import Child, Provision


def _record(kind: str, object_type: str, obj: Any, payload: dict[str, Any], user: Any, day: date | None) -> None:
    ledger.append(
        child_id=obj.child_id,
        kind=f"{object_type}.{kind}",
        object_type=object_type,
        object_id=obj.pk,
        payload=payload,
        user=user,
        event_date=day,
    )


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({"client_id": [_("This form is out of date. Please reload the page.")]}) from None


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _provisions_of(child: Child, ids: list[int]) -> list[int]:
    ids = sorted({int(pk) for pk in ids})
    if ids and Provision.objects.filter(iep__child=child, pk__in=ids).count() != len(ids):
        raise ValidationError({"provision_ids": [_("Choose items of this child's IEP.")]})
    return ids


# --- Letters ------------------------------------------------------------------------------------


def save_letter(
    child: Child,
    *,
    kind: str,
    subject: str,
    body: str,
    user: Any,
    client_id: uuid.UUID | str,
    provision_ids: list[int] | None = None,
    range_from: date | None = None,
    range_to: date | None = None,
) -> Letter:
    """Keep the parent's edited letter as a draft (same client id again: the same letter)."""
    cid = _uuid(client_id)
    errors: dict[str, list[str]] = {}
    if kind not in LETTER_KINDS:
        errors["kind"] = [_("Choose a kind of letter.")]
    if not subject.strip() or len(subject) > 300:
        errors["subject"] = [_("Give the letter a subject (under 300 characters).")]
    if not body.strip():
        errors["body"] = [_("The letter is empty.")]
    if errors:
        raise ValidationError(errors)
    ids = _provisions_of(child, provision_ids or [])
    with transaction.atomic():
        earlier = Letter.objects.filter(client_id=cid).first()
        if earlier is not None:
            return earlier
        letter = Letter.objects.create(
            child=child,
            kind=kind,
            subject=subject.strip(),
            body=body.strip() + "\n",
            provision_ids=ids,
            range_from=range_from,
            range_to=range_to,
            client_id=cid,
            created_by=_user(user),
        )
        _record("created", "letter", letter, letter_payload(letter), user, None)
    return letter


def mark_sent(
    letter: Letter, *, user: Any, day: date, channel: str = Channel.EMAIL, follow_up_due: date | None = None
) -> Letter:
    """The letter was sent: it becomes a communication with its date, and may start a legal clock."""
    errors: dict[str, list[str]] = {}
    if letter.status == Letter.Status.SENT:
        errors["day"] = [_("This letter is already marked as sent.")]
    if day > timezone.localdate():
        errors["day"] = [_("This date is in the future. Mark the letter sent once you have sent it.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Choose how you sent it.")]
    if errors:
        raise ValidationError(errors)
    child = letter.child
    iep = child.current_iep(timezone.localdate())
    to_school = LETTER_KINDS[letter.kind].to_school
    with transaction.atomic():
        comm = create_communication(
            child,
            user=user,
            client_id=uuid.uuid5(letter.client_id, "sent"),
            origin=Origin.LETTER,
            letter_kind=letter.kind,
            date=day,
            channel=channel,
            direction=Direction.SENT,
            counterpart_name=(iep.case_manager_name if iep and to_school else "") or "",
            counterpart_role=_("Case manager") if to_school else _("State education agency or district"),
            to_address=(iep.case_manager_email if iep and to_school else "") or "",
            subject=letter.subject,
            body=letter.body,
            provision_ids=letter.provision_ids,
            follow_up_due=follow_up_due,
        )
        letter.status = Letter.Status.SENT
        letter.sent_on = day
        letter.communication = comm
        letter.save()
        _record("sent", "letter", letter, letter_payload(letter), user, day)
        record_deadline_events(child, letter.kind, day, user, letter_id=letter.pk)
    return letter


# --- Prior written notice ------------------------------------------------------------------------


@dataclass(frozen=True)
class PwnCheck:
    key: str
    label: str
    citation: str
    present: bool


def check_pwn(pwn: PriorWrittenNotice) -> list[PwnCheck]:
    """Each element of 34 CFR 300.503(b), and whether the parent found it in the notice."""
    have = set(pwn.elements)
    return [PwnCheck(key, str(label), cite, key in have) for key, label, cite in PWN_ELEMENTS]


def record_pwn(
    child: Child,
    *,
    user: Any,
    client_id: uuid.UUID | str,
    received_on: date,
    action: str,
    proposes: bool,
    elements: list[str],
    notes: str = "",
    attachment_id: int | None = None,
) -> PriorWrittenNotice:
    cid = _uuid(client_id)
    known = {key for key, _label, _cite in PWN_ELEMENTS}
    errors: dict[str, list[str]] = {}
    if received_on > timezone.localdate():
        errors["received_on"] = [_("This date is in the future.")]
    if not action.strip():
        errors["action"] = [_("Say what the school proposes or refuses.")]
    if set(elements) - known:
        errors["elements"] = [_("Choose from the list.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        earlier = PriorWrittenNotice.objects.filter(client_id=cid).first()
        if earlier is not None:
            return earlier
        pwn = PriorWrittenNotice.objects.create(
            child=child,
            received_on=received_on,
            action=action.strip()[:300],
            proposes=proposes,
            elements=sorted(set(elements)),
            notes=notes.strip(),
            attachment_id=attachment_id,
            client_id=cid,
            created_by=_user(user),
        )
        _record("created", "prior_written_notice", pwn, pwn_payload(pwn), user, received_on)
    return pwn


# --- Out-of-pocket costs -----------------------------------------------------------------------


def add_cost(
    child: Child,
    *,
    user: Any,
    client_id: uuid.UUID | str,
    day: date,
    provider: str,
    description: str,
    amount_cents: int,
    provision_ids: list[int] | None = None,
    receipt_id: int | None = None,
) -> OutOfPocketCost:
    cid = _uuid(client_id)
    errors: dict[str, list[str]] = {}
    if day > timezone.localdate():
        errors["date"] = [_("This date is in the future.")]
    if not provider.strip():
        errors["provider"] = [_("Say who provided it.")]
    if not description.strip():
        errors["description"] = [_("Say what it was, e.g. private speech therapy.")]
    if amount_cents <= 0 or amount_cents > 100_000_000:
        errors["amount"] = [_("Give the amount paid, e.g. 85.00.")]
    if errors:
        raise ValidationError(errors)
    ids = _provisions_of(child, provision_ids or [])
    with transaction.atomic():
        earlier = OutOfPocketCost.objects.filter(client_id=cid).first()
        if earlier is not None:
            return earlier
        cost = OutOfPocketCost.objects.create(
            child=child,
            date=day,
            provider=provider.strip()[:160],
            description=description.strip()[:300],
            amount_cents=amount_cents,
            provision_ids=ids,
            receipt_id=receipt_id,
            client_id=cid,
            created_by=_user(user),
        )
        _record("created", "cost", cost, cost_payload(cost), user, day)
    return cost


def retract_cost(cost: OutOfPocketCost, *, user: Any, reason: str) -> OutOfPocketCost:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say briefly why this cost should be withdrawn.")]})
    with transaction.atomic():
        row = OutOfPocketCost.objects.select_for_update().get(pk=cost.pk)
        if row.retracted_at is not None:
            raise ValidationError({"reason": [_("This cost was already withdrawn.")]})
        row.retracted_at = timezone.now()
        row.retraction_reason = reason[:300]
        row.save()
        _record("retracted", "cost", row, cost_payload(row), user, row.date)
    return row


def cost_total(child: Child) -> int:
    return sum(child.costs.filter(retracted_at__isnull=True).values_list("amount_cents", flat=True))


# --- The escalation path ------------------------------------------------------------------------


@dataclass
class StepState:
    step: Step
    done: bool
    current: bool
    done_items: list[tuple[date, str]]  # (date, what was done)


@dataclass
class Escalation:
    steps: list[StepState]
    current: Step
    next_action: str
    next_letter: str  # a letter kind to draft next, or ""
    overdue: list[Communication]


STEP_OF_LETTER = {key: kind.step for key, kind in LETTER_KINDS.items()}


def escalation(child: Child, today: date | None = None) -> Escalation:
    """Where this child stands on the five steps, from the log, communications and letters."""
    today = today or timezone.localdate()
    done: dict[str, list[tuple[date, str]]] = {step.key: [] for step in STEPS}
    first_entry = (
        child.log_entries.filter(retracted_at__isnull=True).order_by("date").values_list("date", flat=True).first()
    )
    if first_entry is not None:
        count = child.log_entries.filter(retracted_at__isnull=True).values("date").distinct().count()
        done["document"].append((first_entry, _("Daily log started; %(n)s days logged so far.") % {"n": count}))
    for comm in Communication.objects.current().filter(child=child, direction=Direction.SENT).order_by("date", "pk"):
        key = STEP_OF_LETTER.get(comm.letter_kind, "contact")
        label = (
            str(LETTER_KINDS[comm.letter_kind].title)
            if comm.letter_kind in LETTER_KINDS
            else comm.get_channel_display()
        )
        done[key].append((comm.date, f"{label}: {comm.title}"))
    states = []
    reached = 0
    for step in STEPS:
        if done[step.key]:
            reached = step.number
    reached = max(reached, 1)
    for step in STEPS:
        states.append(StepState(step, bool(done[step.key]), step.number == reached, done[step.key]))
    overdue = overdue_follow_ups(child, today)
    current = STEPS[reached - 1]
    if overdue:
        first = overdue[0]
        next_action = _(
            'Follow up on "%(title)s": no answer was recorded by %(day)s. Write again, and keep a copy.'
        ) % {
            "title": first.title,
            "day": f"{first.follow_up_due:%B} {first.follow_up_due.day}" if first.follow_up_due else "",
        }
        next_letter = "case_manager_email"
    elif first_entry is None:
        next_action = _("Start the daily log: a few taps each school day. Everything else builds on it.")
        next_letter = ""
    elif reached < len(STEPS):
        following = STEPS[reached]
        next_action = str(following.what)
        next_letter = following.letters[0] if following.letters else ""
    else:
        next_action = _(
            "Keep logging, keep copies, and talk to a lawyer or your Parent Training and Information Center."
        )
        next_letter = ""
    return Escalation(states, current, next_action, next_letter, overdue)


def records_requests(child: Child) -> list[Communication]:
    return list(Communication.objects.current().filter(child=child, letter_kind="records_request").order_by("-date"))
