"""What the ledger keeps of a communication: the row's full state after a change.

``current_communications`` is the verification's current-state loader: today's rows as the payloads
the latest ledger records must equal.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from correspondence.models import Communication


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def communication_payload(comm: Communication) -> dict[str, Any]:
    return {
        "id": comm.pk,
        "child": comm.child_id,
        "date": comm.date.isoformat(),
        "time": comm.time.isoformat() if comm.time else None,
        "channel": comm.channel,
        "direction": comm.direction,
        "counterpart_name": comm.counterpart_name,
        "counterpart_role": comm.counterpart_role,
        "from_address": comm.from_address,
        "to_address": comm.to_address,
        "subject": comm.subject,
        "body": comm.body,
        "provision_ids": sorted(int(pk) for pk in comm.provision_ids),
        "entry_ids": sorted(int(pk) for pk in comm.entry_ids),
        "follow_up_due": comm.follow_up_due.isoformat() if comm.follow_up_due else None,
        "in_reply_to": comm.in_reply_to_id,
        "follow_up_closed": comm.follow_up_closed,
        "origin": comm.origin,
        "letter_kind": comm.letter_kind,
        "source_attachment": comm.source_attachment_id,
        "edit_reason": comm.edit_reason,
        "retracted_at": _instant(comm.retracted_at),
        "retraction_reason": comm.retraction_reason,
    }


def current_communications(child_id: int) -> dict[str, dict[str, Any]]:
    return {str(comm.pk): communication_payload(comm) for comm in Communication.objects.filter(child_id=child_id)}
