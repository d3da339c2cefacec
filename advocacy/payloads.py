"""The ledger payloads of letters, prior written notices and costs; the verification's loaders."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from advocacy.models import Letter, OutOfPocketCost, PriorWrittenNotice


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def letter_payload(letter: Letter) -> dict[str, Any]:
    return {
        "id": letter.pk,
        "child": letter.child_id,
        "kind": letter.kind,
        "subject": letter.subject,
        "body": letter.body,
        "provision_ids": sorted(int(pk) for pk in letter.provision_ids),
        "range_from": _day(letter.range_from),
        "range_to": _day(letter.range_to),
        "status": letter.status,
        "sent_on": _day(letter.sent_on),
        "communication": letter.communication_id,
    }


def pwn_payload(pwn: PriorWrittenNotice) -> dict[str, Any]:
    return {
        "id": pwn.pk,
        "child": pwn.child_id,
        "received_on": _day(pwn.received_on),
        "action": pwn.action,
        "proposes": pwn.proposes,
        "elements": sorted(pwn.elements),
        "notes": pwn.notes,
        "attachment": pwn.attachment_id,
    }


def cost_payload(cost: OutOfPocketCost) -> dict[str, Any]:
    return {
        "id": cost.pk,
        "child": cost.child_id,
        "date": _day(cost.date),
        "provider": cost.provider,
        "description": cost.description,
        "amount_cents": cost.amount_cents,
        "provision_ids": sorted(int(pk) for pk in cost.provision_ids),
        "receipt": cost.receipt_id,
        "retracted_at": cost.retracted_at.astimezone(UTC).isoformat() if cost.retracted_at else None,
        "retraction_reason": cost.retraction_reason,
    }


def current_letters(child_id: int) -> dict[str, dict[str, Any]]:
    return {str(x.pk): letter_payload(x) for x in Letter.objects.filter(child_id=child_id)}


def current_pwns(child_id: int) -> dict[str, dict[str, Any]]:
    return {str(x.pk): pwn_payload(x) for x in PriorWrittenNotice.objects.filter(child_id=child_id)}


def current_costs(child_id: int) -> dict[str, dict[str, Any]]:
    return {str(x.pk): cost_payload(x) for x in OutOfPocketCost.objects.filter(child_id=child_id)}
