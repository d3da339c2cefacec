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

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from evidence.ledger import GENESIS_HASH, canonical_json_unchecked, stored_hash
from evidence.models import Anchor, EvidenceRecord, PurgeAuthorization

CurrentStateLoader = Callable[[int], dict[str, dict[str, Any]]]
_LOADERS: dict[str, CurrentStateLoader] = {}
REMOVAL_SUFFIXES = (".retracted", ".deleted")
TRIGGERS = {
    "sqlite": {"evidence_record_no_update", "evidence_record_no_delete", "evidence_record_no_replace"},
    "postgresql": {"evidence_record_no_update", "evidence_record_no_delete", "evidence_record_no_truncate"},
}
PURGE_TRIGGER = "evidence_purge_whole_chain"
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
    """What verification found for one child's chain, and how much it checked."""

    child_id: int
    record_count: int = 0
    head_hash: str = GENESIS_HASH
    first_recorded_at: datetime | None = None
    last_recorded_at: datetime | None = None
    problem: Problem | None = None
    checked_types: list[str] = field(default_factory=list)
    current_checked: int = 0  # current rows compared with their latest record
    files_checked: int = 0  # stored files re-hashed (attachments, report PDFs)
    bytes_hashed: int = 0
    report_heads_checked: int = 0  # "report.generated" records whose stated head was found
    anchors_checked: int = 0  # RFC 3161 tokens whose head is still in the chain
    latest_anchor: Anchor | None = None

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


def _record_problem(record: Any, expected_seq: int, prev_hash: str) -> str | None:
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
        canonical = canonical_json_unchecked(json.loads(record.payload)) == record.payload
    except (ValueError, TypeError):
        return f"Record {seq}'s content cannot be read as a ledger payload: it was changed outside the app."
    if not canonical:
        return f"Record {seq}'s content is not stored in its standard form: it was changed outside the app."
    if stored_hash(record) != record.hash:
        return f"Record {seq} was changed after it was written: its content no longer matches its fingerprint (hash)."
    return None


def _clock_problem(record: EvidenceRecord, previous_at: datetime | None) -> str | None:
    """Records are written in time order: one recorded before the record it follows was backdated."""
    if previous_at is not None and record.recorded_at < previous_at:
        return (
            f"Record {record.seq} says it was recorded at {record.recorded_at:%Y-%m-%d %H:%M:%S} UTC, before "
            f"record {record.seq - 1} ({previous_at:%Y-%m-%d %H:%M:%S} UTC): the clock ran backwards or the "
            "record was backdated."
        )
    return None


def _stated_head(record: EvidenceRecord) -> tuple[int, str] | None:
    """The record count and head hash a "report.generated" record says its report was made from."""
    try:
        payload = json.loads(record.payload)
        return int(payload["ledger_count"]), str(payload["ledger_head"])
    except (ValueError, KeyError, TypeError):
        return None


def _report_head_problem(record: EvidenceRecord, hash_at: Callable[[int], str | None]) -> str | None:
    """A "report.generated" record states the head the report was made from: it must be an earlier record."""
    stated = _stated_head(record)
    if stated is None:
        return f"Record {record.seq} is a report record without the chain head it was made from."
    count, head = stated
    if not 0 <= count < record.seq:
        return f"Record {record.seq} says its report was made from {count} records, which cannot come before it."
    expected = (hash_at(count) if count else GENESIS_HASH) or "(no such record)"
    if head != expected:
        return (
            f"Record {record.seq} says its report was made from the chain up to record {count} with head "
            f"{head[:16]}..., but record {count}'s fingerprint is {expected[:16]}...: the records before the "
            "report were changed."
        )
    return None


# What the walk reads of each record: the hashed fields and the hash, as plain tuples (no model instances).
RECORD_FIELDS = (
    "child_id", "seq", "kind", "object_type", "object_id", "event_date", "payload",
    "recorded_at", "recorded_by_id", "recorded_by_name", "prev_hash", "hash",
)  # fmt: skip


def verify_child(
    child_id: int,
    *,
    check_current: bool = True,
    check_files: bool = True,
    check_anchors: bool = True,
) -> ChainReport:
    """Recompute ``child_id``'s chain, then check current tables, stored files and anchors against it.

    In the record walk: sequence, links, canonical payloads, hashes, time order, and each report
    record's stated head. Once the chain is whole: the registered current tables, every stored file
    the latest records name (re-hashed), and every RFC 3161 anchor (its head still in the chain at its
    place, its token over that head, the records' times on the right side of the authority's time).
    The first problem found is reported, in that order. The two steps are ``walk_chain`` and
    ``finish_check``, for a caller that does other work in between.
    """
    walk = walk_chain(child_id, chain_rows(child_id))
    return finish_check(walk, check_current=check_current, check_files=check_files, check_anchors=check_anchors)


def chain_rows(child_id: int) -> Iterator[Any]:
    """Every record of the child's chain in order, as named tuples of ``RECORD_FIELDS`` (one query)."""
    rows = EvidenceRecord.objects.filter(child_id=child_id).order_by("seq").values_list(*RECORD_FIELDS, named=True)
    return rows.iterator(chunk_size=2000)


def finish_check(
    walk: ChainWalk, *, check_current: bool = True, check_files: bool = True, check_anchors: bool = True
) -> ChainReport:
    """The rest of ``verify_child`` after a walk: current tables, stored files and anchors (no record is read)."""
    report, latest, hashes, recorded = walk.report, walk.latest, walk.hashes, walk.recorded
    child_id = report.child_id
    if report.problem is not None:
        return report
    if check_current:
        report.checked_types = sorted(_LOADERS)
        report.problem = _current_state_problem(child_id, latest, report)
    if check_files and report.problem is None:
        report.problem = _stored_file_problem(child_id, latest, report)
    if check_anchors and report.problem is None:
        report.problem = _anchor_problem(child_id, hashes, recorded, report)
    return report


@dataclass
class ChainWalk:
    """What the record walk found and keeps for the checks after it."""

    report: ChainReport
    latest: dict[tuple[str, str], _Latest] = field(default_factory=dict)
    hashes: list[str] = field(default_factory=list)  # hashes[seq - 1]: for report heads and anchors
    recorded: list[datetime] = field(default_factory=list)  # recorded_at by seq - 1, for anchors


def walk_chain(
    child_id: int,
    records: Iterable[Any],
    *,
    after: ChainReport | None = None,
    earlier: dict[int, str] | None = None,
) -> ChainWalk:
    """The record walk of ``verify_child``: check each record (``chain_rows``, or rows read with it, or
    model instances) as the next link of ``child_id``'s chain; stop judging at the first problem.

    ``after``: the records continue a chain already verified up to ``after.record_count`` (head
    ``after.head_hash``); ``earlier`` then holds the hashes of those records that report records
    among the new ones name as their heads.
    """
    walk = ChainWalk(ChainReport(child_id=child_id))
    report = walk.report
    base = after.record_count if after is not None else 0
    expected_seq, prev_hash = base + 1, (after.head_hash if after is not None else GENESIS_HASH)
    report.record_count = base
    report.last_recorded_at = after.last_recorded_at if after is not None else None
    known = earlier or {}

    def hash_at(seq: int) -> str | None:
        return known.get(seq) if seq <= base else walk.hashes[seq - base - 1]

    for record in records:
        report.record_count += 1
        if report.first_recorded_at is None and after is None:
            report.first_recorded_at = record.recorded_at
        if report.problem is None:
            message = _record_problem(record, expected_seq, prev_hash)
            if message is None and record.child_id != child_id:
                message = f"Record {record.seq} belongs to child {record.child_id}, not to this chain."
            message = message or _clock_problem(record, report.last_recorded_at)
            if message is None and record.kind == "report.generated":
                message = _report_head_problem(record, hash_at)
                report.report_heads_checked += message is None
            if message:
                report.problem = Problem(child_id, record.seq, message, record.object_type, record.object_id)
        report.last_recorded_at = record.recorded_at
        walk.latest[(record.object_type, record.object_id)] = _Latest(record.seq, record.kind, record.payload)
        walk.hashes.append(record.hash)
        walk.recorded.append(record.recorded_at)
        expected_seq, prev_hash = record.seq + 1, record.hash
    report.head_hash = prev_hash
    return walk


def verify_since(child_id: int, verified: ChainReport) -> ChainReport:
    """The record checks of ``verify_child`` for the records appended after a walk that found no problem.

    ``verified`` is that walk's report: its last record must still be there with its hash, and each
    record after it must link on, hash right, keep time order and (a report record) state a head that
    is in the chain. Reads only those records (and the few earlier hashes their report records name):
    a report checks, under the write lock, that the chain it was made from still stands.
    """
    base = verified.record_count
    records = list(
        EvidenceRecord.objects.filter(child_id=child_id, seq__gte=max(base, 1))
        .order_by("seq")
        .values_list(*RECORD_FIELDS, named=True)
    )
    if base:
        if not records or records[0].seq != base or records[0].hash != verified.head_hash:
            report = ChainReport(child_id=child_id, record_count=base, head_hash=verified.head_hash)
            message = f"Record {base} is no longer the record that was checked: the chain was cut or rewritten."
            report.problem = Problem(child_id, base, message)
            return report
        records = records[1:]
    named = {stated[0] for r in records if r.kind == "report.generated" and (stated := _stated_head(r))}
    named = {seq for seq in named if 0 < seq <= base}
    earlier = (
        dict(EvidenceRecord.objects.filter(child_id=child_id, seq__in=named).values_list("seq", "hash"))
        if named
        else {}
    )
    return walk_chain(child_id, records, after=verified, earlier=earlier).report


def verify_records(child_id: int, records: Iterable[EvidenceRecord]) -> ChainReport:
    """The chain checks of ``verify_child`` over records not (yet) in the database, e.g. an archive's."""
    return walk_chain(child_id, records).report


StoredFilePath = Callable[[str], Path]
_FILES: dict[str, StoredFilePath] = {}
HASH_CHUNK = 1024 * 1024


def register_stored_files(object_type: str, path_for: StoredFilePath) -> None:
    """Let verification re-hash the file named by the ``sha256`` in ``object_type``'s payloads."""
    _FILES[object_type] = path_for


def _stored_file_problem(child_id: int, latest: dict[tuple[str, str], _Latest], report: ChainReport) -> Problem | None:
    """Re-hash every stored file the latest records name; the first missing or changed one."""
    seen: set[tuple[str, str]] = set()
    for (object_type, object_id), last in sorted(latest.items(), key=lambda item: item[1].seq):
        path_for = _FILES.get(object_type)
        if path_for is None or last.kind.endswith(REMOVAL_SUFFIXES):
            continue
        digest = str(json.loads(last.payload).get("sha256", ""))
        if (object_type, digest) in seen:
            continue
        seen.add((object_type, digest))
        label = _label(object_type)
        try:
            actual, size = file_sha256(path_for(digest))
        except (FileNotFoundError, ValueError):
            message = f"The stored file of {label} {object_id} (record {last.seq}) is missing."
            return Problem(child_id, last.seq, message, object_type, object_id)
        report.files_checked += 1
        report.bytes_hashed += size
        if actual != digest:
            message = (
                f"The stored file of {label} {object_id} (record {last.seq}) was changed: its bytes no longer "
                "match the fingerprint recorded when it was added."
            )
            return Problem(child_id, last.seq, message, object_type, object_id)
    return None


def file_sha256(path: Path) -> tuple[str, int]:
    """The SHA-256 of the file at ``path`` and its size, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _anchor_problem(child_id: int, hashes: list[str], recorded: list[datetime], report: ChainReport) -> Problem | None:
    """Every anchored head must still be in the chain, at its place, with a token over it.

    The anchored record existed when the authority stamped it, so it was recorded before that time;
    the record after it was written after the stamp was asked for. The server's and the authority's
    clocks may differ by ANCHOR_CLOCK_TOLERANCE_SECONDS.
    """
    tolerance = timedelta(seconds=settings.ANCHOR_CLOCK_TOLERANCE_SECONDS)
    for anchor in Anchor.objects.filter(child_id=child_id).order_by("seq", "pk"):
        seq, when = anchor.seq, f"{anchor.gen_time:%Y-%m-%d %H:%M} UTC"
        if seq > len(hashes) or seq < 1:
            message = (
                f"Record {seq} was anchored by the time-stamping authority at {when}, but the chain now ends at "
                f"record {len(hashes)}: records were cut from the end of the chain."
            )
            return Problem(child_id, seq, message, "anchor", str(anchor.pk))
        if hashes[seq - 1] != anchor.head_hash:
            message = (
                f"Record {seq} is not the record the time-stamping authority stamped at {when}: the chain was "
                "rewritten from there on."
            )
            return Problem(child_id, seq, message, "anchor", str(anchor.pk))
        token = _token_problem(bytes(anchor.token), anchor.head_hash, anchor.gen_time)
        if token:
            message = f"The time-stamp of record {seq} ({when}) does not hold: {token}."
            return Problem(child_id, seq, message, "anchor", str(anchor.pk))
        if recorded[seq - 1] > anchor.gen_time + tolerance:
            message = f"Record {seq} says it was recorded after the authority stamped it at {when}."
            return Problem(child_id, seq, message, "anchor", str(anchor.pk))
        if seq < len(recorded) and recorded[seq] < anchor.gen_time - tolerance:
            message = (
                f"Record {seq + 1} says it was recorded before record {seq} was stamped at {when}, yet the stamp "
                "does not cover it: it was backdated."
            )
            return Problem(child_id, seq + 1, message, "anchor", str(anchor.pk))
        report.anchors_checked += 1
        report.latest_anchor = anchor
    return None


# Tokens found good, by (SHA-256 of the token, head, root file and its version): the answer depends on
# nothing else, and a chain's anchors are checked again before every report (a signature check each).
_GOOD_TOKENS: dict[tuple[bytes, str, str, int], datetime] = {}
_GOOD_TOKENS_KEPT = 100_000


def _token_problem(der: bytes, head_hash: str, stored_time: datetime) -> str | None:
    """What is wrong with a stored anchor's token (``evidence.timestamps.token_problem``), and whether the
    time stored with it is the time the authority signed; a token found good before is not checked again."""
    from evidence.timestamps import token_problem, token_time  # imports rfc3161_client; only here

    roots = settings.TSA_CA_FILE
    try:
        version = Path(roots).stat().st_mtime_ns if roots else 0
    except OSError:
        version = -1
    key = (hashlib.sha256(der).digest(), head_hash, roots, version)
    signed = _GOOD_TOKENS.get(key)
    if signed is None:
        problem = token_problem(der, head_hash)
        if problem:
            return problem
        signed = token_time(der)
        if len(_GOOD_TOKENS) >= _GOOD_TOKENS_KEPT:
            _GOOD_TOKENS.clear()
        _GOOD_TOKENS[key] = signed
    if signed != stored_time:
        return "the time stored with it is not the time the authority signed"
    return None


def _current_state_problem(
    child_id: int, latest: dict[tuple[str, str], _Latest], report: ChainReport | None = None
) -> Problem | None:
    """The current-state mismatch with the lowest record number (rows without any record last)."""
    problems: list[Problem] = []
    for object_type, loader in sorted(_LOADERS.items()):
        label = _label(object_type)
        current = {str(key): value for key, value in loader(child_id).items()}
        if report is not None:
            report.current_checked += len(current)
        for object_id, payload in current.items():
            last = latest.get((object_type, object_id))
            if last is None:
                message = f"The current {label} {object_id} has no record in the ledger: it was added without one."
                problems.append(Problem(child_id, None, message, object_type, object_id))
            # No float check: a float in a current row cannot match a stored payload (append refuses
            # them), so it shows as a mismatch instead of stopping the verification.
            elif canonical_json_unchecked(payload) != last.payload:
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
    missing |= {PURGE_TRIGGER} - _triggers_on(PurgeAuthorization._meta.db_table)
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
