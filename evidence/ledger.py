"""Appending to a child's hash chain: the one write path into the ledger.

Every app above hands ``append`` a payload (the object's full state after the change). The record's
hash covers the previous record's hash and the canonical JSON of the record itself, so changing,
removing or reordering any record breaks every hash after it. docs/verification.md states the rule.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidence.models import EvidenceRecord

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Sorted keys, UTF-8, no insignificant whitespace: one text for one value."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Cannot put {type(value).__name__} in a ledger payload")


def record_body(record: EvidenceRecord) -> dict[str, Any]:
    """The fields the hash covers, as plain JSON values."""
    return {
        "child": record.child_id,
        "seq": record.seq,
        "kind": record.kind,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "event_date": record.event_date.isoformat() if record.event_date else None,
        "payload": json.loads(record.payload),
        "recorded_at": record.recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "recorded_by": record.recorded_by_id,
        "recorded_by_name": record.recorded_by_name,
        "prev_hash": record.prev_hash,
    }


def compute_hash(record: EvidenceRecord) -> str:
    text = record.prev_hash + canonical_json(record_body(record))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(
    *,
    child_id: int,
    kind: str,
    object_type: str,
    object_id: int | str,
    payload: dict[str, Any],
    user: Any = None,
    event_date: date | None = None,
) -> EvidenceRecord:
    """Append one record to ``child_id``'s chain and return it.

    Call inside the same transaction that changes the current-state row, so both land or neither.
    """
    with transaction.atomic():
        last = (
            EvidenceRecord.objects.select_for_update()
            .filter(child_id=child_id)
            .order_by("-seq")
            .only("seq", "hash")
            .first()
        )
        recorded_at = timezone.now()
        record = EvidenceRecord(
            child_id=child_id,
            seq=(last.seq + 1) if last else 1,
            kind=kind,
            object_type=object_type,
            object_id=str(object_id),
            event_date=event_date,
            payload=canonical_json(payload),
            recorded_at=recorded_at,
            recorded_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
            recorded_by_name=(getattr(user, "name", "") or str(user)) if user is not None else "system",
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        record.hash = compute_hash(record)
        record.save(force_insert=True)
        return record
