"""Appending to a child's hash chain: the one write path into the ledger.

Every app above hands ``append`` a payload (the object's full state after the change). The record's
hash covers the previous record's hash and the canonical JSON of the record itself, so changing,
removing or reordering any record breaks every hash after it. docs/verification.md states the rule.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from evidence.models import EvidenceRecord

GENESIS_HASH = "0" * 64
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # recorded_at in UTC, always with microseconds


def canonical_json(value: Any) -> str:
    """Sorted keys, UTF-8, no insignificant whitespace: one text for one value.

    Values are JSON objects, arrays, strings, integers, true, false and null; dates and datetimes
    become ISO 8601 strings. Floating-point numbers are refused: their text form differs between
    languages, and a record must hash the same everywhere (docs/verification.md).
    """
    _refuse_floats(value)
    return canonical_json_unchecked(value)


def canonical_json_unchecked(value: Any) -> str:
    """canonical_json without the float check, for values already known to hold no floats."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _refuse_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("Cannot put a floating-point number in a ledger payload; use an integer or a string.")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("Ledger payload keys must be strings.")
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"Cannot put {type(value).__name__} in a ledger payload")


def _body(record: Any, payload: Any) -> dict[str, Any]:
    """The fields the hash covers (in the order exports write them), with ``payload`` as given."""
    return {
        "child": record.child_id,
        "seq": record.seq,
        "kind": record.kind,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "event_date": record.event_date.isoformat() if record.event_date else None,
        "payload": payload,
        "recorded_at": record.recorded_at.astimezone(UTC).strftime(TIMESTAMP_FORMAT),
        "recorded_by": record.recorded_by_id,
        "recorded_by_name": record.recorded_by_name,
        "prev_hash": record.prev_hash,
    }


def record_body(record: EvidenceRecord) -> dict[str, Any]:
    """The fields the hash covers, as plain JSON values."""
    return _body(record, json.loads(record.payload))


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    """hash = SHA-256 of the UTF-8 bytes of prev_hash + canonical_json(body), in lowercase hex."""
    # Payloads were checked for floats when appended (and a float put in later changes the hash anyway).
    return hashlib.sha256((prev_hash + canonical_json_unchecked(body)).encode("utf-8")).hexdigest()


def stored_hash(record: Any) -> str:
    """``compute_hash(record)`` for a record whose stored payload text is canonical (the caller checks).

    The canonical body has sorted keys, so the payload's text sits between the keys that sort before
    "payload" and those after it: the stored text is put there as it is instead of being parsed and
    written out again (verification does this for every record; tests check the two agree).
    """
    fields = _body(record, None)
    del fields["payload"]
    before = canonical_json_unchecked({key: value for key, value in fields.items() if key < "payload"})
    after = canonical_json_unchecked({key: value for key, value in fields.items() if key > "payload"})
    text = f'{record.prev_hash}{before[:-1]},"payload":{record.payload},{after[1:]}'
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compute_hash(record: EvidenceRecord) -> str:
    return chain_hash(record.prev_hash, record_body(record))


@dataclass(frozen=True)
class Entry:
    """One record to append: what changed, as handed to ``append_many``."""

    kind: str
    object_type: str
    object_id: int | str
    payload: dict[str, Any]
    event_date: date | None = None


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
    Appends for one child are serialized by ``lock_chain``, so two writers never both take the same
    sequence number and the chain never forks.
    """
    (record,) = append_many(
        child_id=child_id,
        entries=[Entry(kind, object_type, object_id, payload, event_date)],
        user=user,
    )
    return record


def append_many(*, child_id: int, entries: list[Entry], user: Any = None) -> list[EvidenceRecord]:
    """Append several records to ``child_id``'s chain in order, under one lock and with one insert.

    The records are exactly those that ``append`` would write one by one (same fields, same hashes,
    consecutive sequence numbers, one ``recorded_at``); a day logged in one tap costs a fixed number
    of queries instead of several per item.
    """
    if not entries:
        return []
    with transaction.atomic():
        household_id = lock_chain(child_id)
        assert household_id is not None  # lock_chain raised if the child does not exist
        last = EvidenceRecord.objects.filter(child_id=child_id).order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = last if last else (0, GENESIS_HASH)
        recorded_at = timezone.now()
        recorder = user if user is not None and getattr(user, "is_authenticated", False) else None
        recorder_name = (getattr(user, "name", "") or str(user)) if user is not None else "system"
        records = []
        for entry in entries:
            seq += 1
            record = EvidenceRecord(
                child_id=child_id,
                seq=seq,
                kind=entry.kind,
                object_type=entry.object_type,
                object_id=str(entry.object_id),
                event_date=entry.event_date,
                payload=canonical_json(entry.payload),
                recorded_at=recorded_at,
                recorded_by=recorder,
                recorded_by_name=recorder_name,
                prev_hash=prev_hash,
                household_id=household_id,
            )
            record.hash = prev_hash = compute_hash(record)
            records.append(record)
        return EvidenceRecord.objects.bulk_create(records)


def lock_chain(child_id: int, *, must_exist: bool = True) -> int | None:
    """Hold the write lock on ``child_id``'s chain until the current transaction ends; return its household.

    The household id comes from the locked row itself (no query of its own): every append stores it
    with the record (``EvidenceRecord.household_id``). None when the child does not exist.

    PostgreSQL: lock the child's row (``SELECT ... FOR NO KEY UPDATE``). Locking the last ledger
    record would not do: the first append has no record to lock. NO KEY UPDATE serializes appenders
    without blocking inserts of other rows that reference the child. SQLite: the settings open every
    transaction with BEGIN IMMEDIATE, which takes the database write lock at once, so writers are
    already serialized; the query only checks that the child exists. Call inside ``transaction.atomic``.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("lock_chain needs a transaction (transaction.atomic).")
    child_model = apps.get_model("plans", "Child")
    table = connection.ops.quote_name(child_model._meta.db_table)
    pk = connection.ops.quote_name(child_model._meta.pk.column)
    household = connection.ops.quote_name(child_model._meta.get_field("household").column)
    sql = f"SELECT {household} FROM {table} WHERE {pk} = %s"
    if connection.features.has_select_for_no_key_update:
        sql += " FOR NO KEY UPDATE"
    elif connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [child_id])
        row = cursor.fetchone()
    if must_exist and row is None:
        raise ValueError(f"There is no child {child_id} to append a record to.")
    return None if row is None else int(row[0])


def lag_days(record: EvidenceRecord) -> int | None:
    """Recording lag: the local date the record was written minus the day it is about.

    0 means recorded the same day; None when the record is not about a particular day. Dates are
    taken in the site's TIME_ZONE, the parent's calendar day.
    """
    if record.event_date is None:
        return None
    return (timezone.localdate(record.recorded_at) - record.event_date).days
