"""Verification: recompute every chain and compare the current tables with the latest records.

``verify_child(child_id)`` walks a child's records in order and checks, for each one: the sequence
continues without a gap, ``prev_hash`` is the hash of the record before, the payload is stored in
canonical form, and the hash recomputes. It stops at the first broken record and names it. When the
chain is whole, it asks every app that registered a current-state loader what its objects look like
now, and checks that each object's latest record carries exactly that payload.

Apps register loaders in their ``AppConfig.ready``::

    register_current_state("log_entry", lambda child_id: {str(e.pk): entry_payload(e) for e in ...})

A loader returns ``{object_id: payload}`` for the child's objects of that type as their current rows
would be recorded now. An object the loader leaves out is fine only if its latest record's kind ends
in ".retracted" or ".deleted"; the app decides which objects it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import connection

from evidence.ledger import GENESIS_HASH, canonical_json, canonical_json_unchecked, chain_hash, record_body
from evidence.models import Anchor, EvidenceRecord, PurgeAuthorization

CurrentStateLoader = Callable[[int], dict[str, dict[str, Any]]]
_LOADERS: dict[str, CurrentStateLoader] = {}
REMOVAL_SUFFIXES = (".retracted", ".deleted")
TRIGGERS = {
    "sqlite": {"evidence_record_no_update", "evidence_record_no_delete", "evidence_record_no_replace"},
    "postgresql": {"evidence_record_no_update", "evidence_record_no_delete", "evidence_record_no_truncate"},
}
ANCHOR_TRIGGERS = {
    "sqlite": {"evidence_anchor_no_update", "evidence_anchor_no_delete", "evidence_anchor_no_replace"},
    "postgresql": {"evidence_anchor_no_update", "evidence_anchor_no_delete", "evidence_anchor_no_truncate"},
}


def register_current_state(object_type: str, loader: CurrentStateLoader) -> None:
    """Let verification compare ``object_type``'s current rows with their latest ledger records."""
    _LOADERS[object_type] = loader


def unregister_current_state(object_type: str) -> None:
    _LOADERS.pop(object_type, None)


@dataclass(frozen=True)
class Problem:
    """The first thing found wrong, in words a parent can read."""

    child_id: int
    seq: int | None  # the record concerned; None when a current row has no record at all
    message: str
    object_type: str = ""
    object_id: str = ""

    def __str__(self) -> str:
        where = f"record {self.seq}" if self.seq is not None else "current data"
        return f"Child {self.child_id}, {where}: {self.message}"


@dataclass
class ChainReport:
    """What verification found for one child's chain."""

    child_id: int
    record_count: int = 0
    head_hash: str = GENESIS_HASH
    first_recorded_at: datetime | None = None
    last_recorded_at: datetime | None = None
    problem: Problem | None = None
    checked_types: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class _Latest:
    seq: int
    kind: str
    payload: str


def _label(object_type: str) -> str:
    return {"iep": "IEP"}.get(object_type, object_type.replace("_", " "))


def _record_problem(record: EvidenceRecord, expected_seq: int, prev_hash: str) -> str | None:
    """What is wrong with ``record`` as the next link after ``prev_hash``, or None."""
    seq = record.seq
    if seq != expected_seq:
        if expected_seq == 1:
            return f"The chain does not start at record 1: its first record is number {seq}."
        if seq > expected_seq:
            return f"Record {expected_seq} is missing: the records jump from {expected_seq - 1} to {seq}."
        return f"Record {seq} appears twice or out of place after record {expected_seq - 1}."
    if record.prev_hash != prev_hash:
        if seq == 1:
            return "Record 1 does not start from the beginning of the chain (its link should be all zeros)."
        return (
            f"Record {seq} does not link to record {seq - 1} before it: "
            "records were removed, added or put in a different order."
        )
    try:
        body = record_body(record)
        canonical = canonical_json_unchecked(body["payload"]) == record.payload
    except (ValueError, TypeError):
        return f"Record {seq}'s content cannot be read as a ledger payload: it was changed outside the app."
    if not canonical:
        return f"Record {seq}'s content is not stored in its standard form: it was changed outside the app."
    if chain_hash(record.prev_hash, body) != record.hash:
        return f"Record {seq} was changed after it was written: its content no longer matches its fingerprint (hash)."
    return None


def verify_child(child_id: int, *, check_current: bool = True) -> ChainReport:
    """Recompute ``child_id``'s chain, then check the registered current tables against it."""
    report = ChainReport(child_id=child_id)
    latest: dict[tuple[str, str], _Latest] = {}
    expected_seq, prev_hash = 1, GENESIS_HASH
    records = EvidenceRecord.objects.filter(child_id=child_id).order_by("seq").iterator(chunk_size=2000)
    for record in records:
        report.record_count += 1
        if report.first_recorded_at is None:
            report.first_recorded_at = record.recorded_at
        report.last_recorded_at = record.recorded_at
        if report.problem is None:
            message = _record_problem(record, expected_seq, prev_hash)
            if message:
                report.problem = Problem(child_id, record.seq, message, record.object_type, record.object_id)
        latest[(record.object_type, record.object_id)] = _Latest(record.seq, record.kind, record.payload)
        expected_seq, prev_hash = record.seq + 1, record.hash
    report.head_hash = prev_hash
    if check_current and report.problem is None:
        report.checked_types = sorted(_LOADERS)
        report.problem = _current_state_problem(child_id, latest)
    return report


def _current_state_problem(child_id: int, latest: dict[tuple[str, str], _Latest]) -> Problem | None:
    """The current-state mismatch with the lowest record number (rows without any record last)."""
    problems: list[Problem] = []
    for object_type, loader in sorted(_LOADERS.items()):
        label = _label(object_type)
        current = {str(key): value for key, value in loader(child_id).items()}
        for object_id, payload in current.items():
            last = latest.get((object_type, object_id))
            if last is None:
                message = f"The current {label} {object_id} has no record in the ledger: it was added without one."
                problems.append(Problem(child_id, None, message, object_type, object_id))
            elif canonical_json(payload) != last.payload:
                message = (
                    f"The current {label} {object_id} does not match its latest record ({last.seq}): "
                    "it was changed without a record."
                )
                problems.append(Problem(child_id, last.seq, message, object_type, object_id))
        for (recorded_type, object_id), last in latest.items():
            if recorded_type == object_type and object_id not in current and not last.kind.endswith(REMOVAL_SUFFIXES):
                message = (
                    f"The {label} {object_id} of record {last.seq} is missing from the current data, "
                    "but no record says it was removed."
                )
                problems.append(Problem(child_id, last.seq, message, object_type, object_id))
    problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return problems[0] if problems else None


def all_child_ids() -> list[int]:
    """Every child with a chain or a row in the child table."""
    ids = set(EvidenceRecord.objects.values_list("child_id", flat=True).distinct())
    ids |= set(apps.get_model("plans", "Child").objects.values_list("pk", flat=True))
    return sorted(ids)


def verify_all(child_ids: Iterable[int] | None = None) -> list[ChainReport]:
    return [verify_child(child_id) for child_id in (all_child_ids() if child_ids is None else child_ids)]


def _triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        else:
            # Enabled for ordinary sessions: 'O' (origin) or 'A' (always); 'D' is disabled, 'R' replica-only.
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled IN ('O', 'A')",
                [table],
            )
        return {row[0] for row in cursor.fetchall()}


def database_problem() -> str | None:
    """Whether the database still protects the ledger: its triggers exist and no purge is pending."""
    if connection.vendor not in TRIGGERS:
        return f"The ledger's protection is not written for the {connection.vendor} database."
    missing = TRIGGERS[connection.vendor] - _triggers_on(EvidenceRecord._meta.db_table)
    missing |= ANCHOR_TRIGGERS[connection.vendor] - _triggers_on(Anchor._meta.db_table)
    if missing:
        return (
            "The database's protection against changing or deleting records is switched off "
            f"(missing: {', '.join(sorted(missing))}). Tell the site's administrator."
        )
    pending = list(PurgeAuthorization.objects.values_list("child_id", flat=True))
    if pending:
        return (
            "A permission to delete records was left behind for child "
            f"{', '.join(map(str, pending))}; it should exist only during a deletion. Tell the site's administrator."
        )
    return None
