"""The complete household export, which is also the backup format, and its import.

One zip archive (docs/export-format.md states the format): every record of the household as JSON
(``records/<table>.json``), the evidence ledger row by row with the exact payload strings and
hashes (``ledger/child-<id>.json``), the attachment files and stored reports by their SHA-256, and
``manifest.json`` with the SHA-256 of every other file and each child's chain head.

Import restores an archive into a fresh instance with the ORIGINAL primary keys, because a ledger
record's hash covers its child id and recorder id: keeping the ids keeps every hash, so the chain
verifies with the same head. An import that would collide with existing rows is refused whole, with
a message naming the first collision. Users are matched by email; a user the instance does not have
is created inactive and without a password (they set one with "forgot password"). Nothing is written
unless everything is: the import runs in one transaction and re-verifies every chain before it ends.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NoReturn
from zlib import error as zlib_error

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, models, transaction

from accounts.models import Household, User
from evidence.attachments import attachment_path
from evidence.files import write_new_durably
from evidence.models import EvidenceRecord
from evidence.verify import verify_child, verify_records
from reports.storage import report_path

FORMAT = "iepright-household"
VERSION = 1


@dataclass(frozen=True)
class Table:
    """One table of the export: its file name, model and the lookup from it to the household."""

    name: str
    model: str
    household_path: str


# In restore order (parents before children). A model of ours that holds a household's data must be
# listed here or in NOT_EXPORTED; tests/test_household_export.py checks that none is forgotten.
TABLES = [
    Table("households", "accounts.Household", "pk"),
    Table("memberships", "accounts.Membership", "household"),
    Table("children", "plans.Child", "household"),
    Table("attachments", "evidence.Attachment", "child__household"),
    Table("ieps", "plans.Iep", "child__household"),
    Table("provisions", "plans.Provision", "iep__child__household"),
    Table("calendars", "plans.SchoolCalendar", "child__household"),
    Table("non_school_days", "plans.NonSchoolDay", "calendar__child__household"),
    Table("absences", "plans.Absence", "child__household"),
    Table("log_entries", "logbook.LogEntry", "child__household"),
    Table("day_notes", "logbook.DayNote", "child__household"),
    Table("write_receipts", "logbook.WriteReceipt", "child__household"),
    Table("communications", "correspondence.Communication", "child__household"),
    Table("communication_receipts", "correspondence.WriteReceipt", "child__household"),
    Table("letters", "advocacy.Letter", "child__household"),
    Table("prior_written_notices", "advocacy.PriorWrittenNotice", "child__household"),
    Table("costs", "advocacy.OutOfPocketCost", "child__household"),
    Table("deadline_events", "deadlines.DeadlineEvent", "child__household"),
    Table("deadline_settings", "deadlines.DeadlineSettings", "child__household"),
    Table("generated_reports", "reports.GeneratedReport", "child__household"),
    Table("access_log", "accounts.AccessLog", "household"),
    Table("anchors", "evidence.Anchor", "child__household"),
]
# Deliberately left out, with the reason (docs/export-format.md).
NOT_EXPORTED = {
    "accounts.User": "exported apart, in users.json, without password hashes",
    "accounts.Invitation": "open invitations carry secret tokens and expire; invite again after a restore",
    "evidence.EvidenceRecord": "exported apart, in ledger/, exactly as stored",
    "evidence.PurgeAuthorization": "exists only inside a deletion's transaction",
    "api.AccessToken": "a person's sign-in secret, not a household's record; make a new token after a restore",
    "reports.BatesCounter": "derived: reports.bates never goes below one past the last page of the "
    "household's stored reports, which the export carries",
    "reminders.ReminderSettings": "a person's own email preferences, not the household's records",
    "reminders.Notice": "which reminders this server already sent; a restored household starts afresh",
    "reminders.CalendarFeed": "secret calendar links; make a new one after a restore",
}
USER_FIELDS = ["id", "email", "display_name", "first_name", "last_name", "is_active", "date_joined"]
# A ledger row in the archive: the columns the hash covers, the id and the hash, as text
# (docs/export-format.md). household_id is not among them: the import takes it from the child.
LEDGER_FIELDS = ["id", "child_id", "seq", "kind", "object_type", "object_id", "event_date", "payload", "recorded_at"]
LEDGER_FIELDS += ["recorded_by_id", "recorded_by_name", "prev_hash", "hash"]


class ImportRefused(Exception):
    """The archive cannot be imported here; nothing was written."""


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    heads: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: int = 0
    users_created: list[str] = field(default_factory=list)
    users_matched: list[str] = field(default_factory=list)


def _model(label: str) -> type[models.Model] | None:
    """The model of ``label``, or None when this version of the app has no such model."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _tables() -> list[tuple[Table, type[models.Model]]]:
    return [(table, model) for table in TABLES if (model := _model(table.model)) is not None]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def row_of(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Every concrete field of ``obj`` by its column name (``child_id``, not ``child``)."""
    return {
        f.attname: _json_value(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if fields is None or f.attname in fields
    }


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chain_heads(child_ids: list[int]) -> dict[str, dict[str, Any]]:
    """Each child's chain recomputed (``evidence.verify``): head hash, record count, first broken record."""
    heads: dict[str, dict[str, Any]] = {}
    for child_id in child_ids:
        report = verify_child(child_id, check_current=False, check_files=False, check_anchors=False)
        broken = report.problem.seq if report.problem else None
        heads[str(child_id)] = {"head": report.head_hash, "count": report.record_count, "broken_at": broken}
    return heads


def export_household(household: Household, out: IO[bytes]) -> Summary:
    """Write the whole household to ``out`` as a zip archive."""
    summary = Summary()
    files: dict[str, bytes] = {}
    rows_by_table: dict[str, list[dict[str, Any]]] = {}
    for table, model in _tables():
        lookup = {table.household_path: household.pk}
        rows = [row_of(obj) for obj in model._default_manager.filter(**lookup).order_by("pk")]
        rows_by_table[table.name] = rows
        files[f"records/{table.name}.json"] = _dump(rows)
        summary.counts[table.name] = len(rows)

    child_ids = [row["id"] for row in rows_by_table["children"]]
    user_ids = {row["user_id"] for row in rows_by_table["memberships"]}
    ledger_count = 0
    for child_id in child_ids:
        ledger = EvidenceRecord.objects.filter(child_id=child_id).order_by("seq")
        records = [row_of(r, LEDGER_FIELDS) for r in ledger]
        user_ids |= {r["recorded_by_id"] for r in records if r["recorded_by_id"]}
        files[f"ledger/child-{child_id}.json"] = _dump(records)
        ledger_count += len(records)
    summary.counts["ledger_records"] = ledger_count
    for table, model in _tables():  # every user named anywhere, so a restore can link them
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model is User:
                user_ids |= {row[f.attname] for row in rows_by_table[table.name] if row[f.attname]}
    users = [row_of(u, USER_FIELDS) for u in User.objects.filter(pk__in=user_ids).order_by("pk")]
    files["records/users.json"] = _dump(users)
    summary.counts["users"] = len(users)

    # Files are streamed into the archive (never all in memory); photos and PDFs are stored as they
    # are, being compressed already. The manifest goes last, once every hash is known.
    blobs: dict[str, Path] = {}
    for row in rows_by_table["attachments"]:
        blobs[f"attachments/{row['sha256']}"] = attachment_path(row["sha256"])
    for row in rows_by_table["generated_reports"]:
        blobs[f"reports/{row['sha256']}.pdf"] = report_path(row["sha256"])

    summary.heads = chain_heads(child_ids)
    listed: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
            listed[name] = {"sha256": sha256(data), "size": len(data)}
        for name, path in sorted(blobs.items()):
            listed[name] = _stream_into(archive, name, path)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "household": {"id": household.pk, "name": household.name},
            "counts": summary.counts,
            "ledger_heads": {k: {"head": v["head"], "count": v["count"]} for k, v in summary.heads.items()},
            "files": dict(sorted(listed.items())),
        }
        archive.writestr("manifest.json", _dump(manifest))
    summary.files = len(listed) + 1
    return summary


CHUNK = 1024 * 1024


def _stream_into(archive: zipfile.ZipFile, name: str, path: Path) -> dict[str, Any]:
    """Copy the file at ``path`` into ``archive`` as ``name`` in chunks; its SHA-256 and size."""
    info = zipfile.ZipInfo(name, date_time=datetime.now(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


MANIFEST = "manifest.json"
MANIFEST_MAX_BYTES = 16 * 1024 * 1024
HEX64 = r"[0-9a-f]{64}"
MEMBER_NAME = re.compile(
    rf"records/(?P<table>[a-z_]+)\.json|ledger/child-(?P<child>[1-9][0-9]{{0,18}})\.json"
    rf"|attachments/(?P<attachment>{HEX64})|reports/(?P<report>{HEX64})\.pdf"
)
FOLDERS = {"records/", "ledger/", "attachments/", "reports/"}


def _refuse_name(name: str) -> None:
    raise ImportRefused(
        f"The archive holds a file named {name!r}, which an IEP Right export never has "
        "(only records/, ledger/, attachments/, reports/ and manifest.json). Nothing was imported."
    )


class Archive:
    """An export opened for import, checked before anything is read into memory or written.

    Opening it checks every member's name against the names an export uses (so ``..`` or absolute
    names never reach the disk), every member's declared size and compression ratio against the
    limits (IMPORT_MAX_MEMBER_BYTES, IMPORT_MAX_JSON_BYTES, IMPORT_MAX_RATIO) before reading it,
    then streams every member through SHA-256 against the manifest, and every stored file against
    its own name. JSON members are read whole, but only after their size was found within the limit.
    """

    def __init__(self, source: str | Path | IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(source)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ImportRefused(f"This is not a readable IEP Right export: {error}") from None
        self.infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if name in FOLDERS:
                continue
            if name != MANIFEST and not MEMBER_NAME.fullmatch(name):
                _refuse_name(name)
            if name in self.infos:
                raise ImportRefused(f"The archive holds {name} twice. Nothing was imported.")
            self._check_size(info)
            self.infos[name] = info
        if MANIFEST not in self.infos:
            raise ImportRefused("This archive has no manifest.json: it is not an IEP Right household export.")
        self.manifest: dict[str, Any] = self._read_json(MANIFEST)
        manifest = self.manifest
        if not isinstance(manifest, dict):
            raise ImportRefused("The archive's manifest.json is not an IEP Right manifest.")
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise ImportRefused(
                f"Unknown export format {manifest.get('format')!r} version {manifest.get('version')!r}."
            )
        listed = manifest.get("files")
        if not isinstance(listed, dict) or not all(isinstance(v, dict) for v in listed.values()):
            raise ImportRefused("The archive's manifest has no list of files.")
        self.listed: dict[str, dict[str, Any]] = listed
        self.names = set(self.infos) - {MANIFEST}
        if set(self.listed) != self.names:
            different = sorted(set(self.listed) ^ self.names)
            raise ImportRefused(f"The archive's files do not match its manifest (first difference: {different[0]}).")
        for name in sorted(self.names):
            digest = self._stream_hash(name)
            if digest != self.listed[name].get("sha256"):
                raise ImportRefused(
                    f"{name} does not match its SHA-256 in the manifest: the archive was changed or damaged."
                )
            stored = _stored_hash(name)
            if stored is not None and stored != digest:
                raise ImportRefused(
                    f"{name} is not the file its name says: its bytes hash to {digest}. A stored file is named "
                    "by the SHA-256 of its bytes. Nothing was imported."
                )

    def _check_size(self, info: zipfile.ZipInfo) -> None:
        """Refuse a member by its declared sizes, before a byte of it is decompressed."""
        name = info.filename
        limit = settings.IMPORT_MAX_MEMBER_BYTES
        if name == MANIFEST:
            limit = MANIFEST_MAX_BYTES
        elif name.endswith(".json"):
            limit = settings.IMPORT_MAX_JSON_BYTES
        if info.file_size > limit:
            raise ImportRefused(
                f"{name} would expand to {info.file_size:,} bytes, more than the {limit:,} an import accepts. "
                "Nothing was imported."
            )
        if info.file_size > 1024 * 1024 and info.file_size > settings.IMPORT_MAX_RATIO * max(info.compress_size, 1):
            raise ImportRefused(
                f"{name} would expand {info.file_size // max(info.compress_size, 1):,} times its packed size, "
                "which no export does (a zip bomb?). Nothing was imported."
            )

    def _open(self, name: str) -> IO[bytes]:
        return self.zip.open(self.infos[name])

    def _stream_hash(self, name: str) -> str:
        digest = hashlib.sha256()
        size = 0
        limit = self.infos[name].file_size
        try:
            with self._open(name) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    if size > limit:  # zipfile stops at the declared size; this is a second guard
                        raise ImportRefused(f"{name} is larger than it says. Nothing was imported.")
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, zlib_error) as error:
            raise ImportRefused(f"{name} cannot be read from the archive: {error}") from None
        return digest.hexdigest()

    def _read_json(self, name: str) -> Any:
        try:
            with self._open(name) as member:
                return json.loads(member.read(self.infos[name].file_size + 1))
        except (zipfile.BadZipFile, OSError, EOFError, zlib_error, ValueError) as error:
            raise ImportRefused(f"{name} is not readable JSON: {error}") from None

    def json(self, name: str, default: Any = None) -> Any:
        return self._read_json(name) if name in self.names else default

    def extract(self, name: str, target: Path) -> bool:
        """Write member ``name`` to ``target`` unless a file is there already; True if written.

        An existing file is never replaced: stored files are named by their hash, so one that is
        there holds these bytes, or was damaged here, which verification reports (never hidden by
        an import). The bytes are hashed again while written and must still match the name.
        """
        if target.exists():
            return False
        expected = self.listed[name]["sha256"]
        digest = hashlib.sha256()

        def chunks() -> Iterator[bytes]:
            with self._open(name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    yield chunk
            if digest.hexdigest() != expected:
                raise ImportRefused(f"{name} changed while it was being restored. Nothing was imported.")

        return write_new_durably(target, chunks())


def _stored_hash(name: str) -> str | None:
    """The SHA-256 a stored file's name claims (attachments/<hash>, reports/<hash>.pdf), or None."""
    match = MEMBER_NAME.fullmatch(name)
    if match is None:
        return None
    return match.group("attachment") or match.group("report")


def read_archive(source: str | Path | IO[bytes]) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and every file of an export, checked (for tests and small archives)."""
    archive = Archive(source)
    return archive.manifest, {name: archive.zip.read(name) for name in archive.names}


@contextmanager
def keep_stored_times(model: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the exported created/updated times instead of stamping now."""
    changed = []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
            changed.append((f, f.auto_now, f.auto_now_add))
            f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in changed:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _instance(model: type[models.Model], row: dict[str, Any]) -> models.Model:
    values = {}
    for f in model._meta.concrete_fields:
        if f.attname in row:
            raw = row[f.attname]
            values[f.attname] = None if raw is None else f.to_python(raw)
    return model(**values)


def _refuse_collisions(model: type[models.Model], rows: list[dict[str, Any]], what: str) -> None:
    key = model._meta.pk.attname
    ids = [row[key] for row in rows]
    for start in range(0, len(ids), 500):
        taken = model._default_manager.filter(pk__in=ids[start : start + 500]).order_by("pk").first()
        if taken is not None:
            raise ImportRefused(
                f"This database already has {what} with id {taken.pk}. import_household restores a household "
                "with its original ids (the ledger's hashes depend on them), so it needs a fresh instance, or "
                "one where these ids are free. Nothing was imported."
            )


@dataclass
class _Checked:
    """An archive read and checked whole, before anything is written."""

    users: list[dict[str, Any]]
    rows: dict[str, list[dict[str, Any]]]
    ledgers: dict[int, list[EvidenceRecord]]
    heads: dict[str, dict[str, Any]]


def _refuse(message: str) -> NoReturn:
    raise ImportRefused(f"{message} Nothing was imported.")


def _rows(archive: Archive, name: str, key: str = "id") -> list[dict[str, Any]]:
    rows = archive.json(name, [])
    if not isinstance(rows, list) or not all(isinstance(row, dict) and key in row for row in rows):
        _refuse(f"{name} is not a list of rows with ids.")
    return rows


def _ids(rows: list[dict[str, Any]], name: str, key: str = "id") -> set[Any]:
    ids = [row[key] for row in rows]
    if len(set(ids)) != len(ids):
        _refuse(f"{name} lists the same id twice.")
    return set(ids)


def check_archive(archive: Archive) -> _Checked:
    """Everything the import needs, read and checked; ImportRefused with one message otherwise.

    - every table belongs to the archive's own household, and every reference points inside the archive
      (a row can't reach another family's child, IEP or file);
    - every stored file is referenced by a row, and every referenced file is in the archive;
    - every child has its chain, and each chain verifies completely (links, hashes, time order, report
      heads) with the head and count the manifest states for it; no chain is left unlisted.
    The current rows against the latest payloads, and the anchors, are checked once the rows are in
    the (still uncommitted) database, by ``evidence.verify.verify_child``.
    """
    known = {table.name for table in TABLES} | {"users"}
    for name in archive.names:
        match = MEMBER_NAME.fullmatch(name)
        if match and match.group("table") and match.group("table") not in known:
            _refuse(f"The archive holds {name}, which is not a table of a household export.")
    users = _rows(archive, "records/users.json")
    user_ids = _ids(users, "records/users.json")
    if not all(isinstance(row.get("email"), str) and "@" in row["email"] for row in users):
        _refuse("records/users.json has a person without an email address.")
    rows: dict[str, list[dict[str, Any]]] = {}
    ids: dict[str, set[Any]] = {"accounts.User": user_ids}
    for table, model in _tables():
        name = f"records/{table.name}.json"
        key = model._meta.pk.attname
        rows[table.name] = _rows(archive, name, key)
        ids[table.model] = _ids(rows[table.name], name, key)
    household = archive.manifest.get("household") or {}
    if [row["id"] for row in rows["households"]] != [household.get("id")]:
        _refuse("records/households.json must hold exactly the one household the manifest names.")
    for table, model in _tables():
        _check_references(table, model, rows[table.name], ids)
    _check_files(archive, rows)
    ledgers, heads = _check_ledgers(archive, sorted(ids["plans.Child"]), user_ids)
    return _Checked(users, rows, ledgers, heads)


def _check_references(
    table: Table, model: type[models.Model], rows: list[dict[str, Any]], ids: dict[str, set[Any]]
) -> None:
    """Every reference of ``rows`` points at a row of this archive (or is empty)."""
    targets: list[tuple[str, str]] = []
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey):
            targets.append((f.attname, f.related_model._meta.label))
        elif f.attname == "child_id":  # a plain id column that names a child (the access log)
            targets.append((f.attname, "plans.Child"))
    for attname, label in targets:
        allowed = ids.get(label)
        for row in rows:
            value = row.get(attname)
            if value is None:
                continue
            if allowed is None or value not in allowed:
                _refuse(
                    f"records/{table.name}.json row {row.get(model._meta.pk.attname)} points at {label} {value}, which is not part of "
                    "this archive's household."
                )


def _check_files(archive: Archive, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Each stored file is referenced by a row, and each row's file is in the archive."""
    wanted = {f"attachments/{row.get('sha256')}" for row in rows["attachments"]}
    wanted |= {f"reports/{row.get('sha256')}.pdf" for row in rows["generated_reports"]}
    present = {name for name in archive.names if name.startswith(("attachments/", "reports/"))}
    if present - wanted:
        _refuse(f"The archive holds {sorted(present - wanted)[0]}, which no record of the household refers to.")
    if wanted - present:
        _refuse(f"The archive lacks {sorted(wanted - present)[0]}, which a record of the household refers to.")


def _check_ledgers(
    archive: Archive, child_ids: list[int], user_ids: set[Any]
) -> tuple[dict[int, list[EvidenceRecord]], dict[str, dict[str, Any]]]:
    """Every child's chain, verified in memory, with exactly the heads the manifest states."""
    present = {name for name in archive.names if name.startswith("ledger/")}
    expected = {f"ledger/child-{child_id}.json" for child_id in child_ids}
    if present != expected:
        first = sorted(present ^ expected)[0]
        _refuse(f"The archive's ledger files do not match its children (first difference: {first}).")
    stated = archive.manifest.get("ledger_heads")
    if not isinstance(stated, dict) or set(stated) != {str(child_id) for child_id in child_ids}:
        _refuse("The manifest must state the chain head of every child in the archive, and of no other.")
    ledgers: dict[int, list[EvidenceRecord]] = {}
    heads: dict[str, dict[str, Any]] = {}
    record_ids: set[Any] = set()
    hashed = set(LEDGER_FIELDS)
    for child_id in child_ids:
        name = f"ledger/child-{child_id}.json"
        raw = archive.json(name, [])
        if not isinstance(raw, list) or not all(isinstance(r, dict) and set(r) == hashed for r in raw):
            _refuse(f"{name} is not a list of ledger records with exactly the ledger's fields.")
        for r in raw:
            if r["recorded_by_id"] is not None and r["recorded_by_id"] not in user_ids:
                _refuse(f"{name} record {r['seq']} names a person who is not in records/users.json.")
            if r["id"] in record_ids:
                _refuse(f"{name} repeats the ledger row id {r['id']}.")
            record_ids.add(r["id"])
        try:
            records = [_record(r) for r in raw]
        except (ValidationError, ValueError, TypeError) as error:
            _refuse(f"{name} holds a record that cannot be read: {error}.")
        report = verify_records(child_id, records)
        if report.problem is not None:
            _refuse(f"The ledger of child {child_id} does not verify: {report.problem.message}")
        want = stated[str(child_id)]
        if not isinstance(want, dict) or (want.get("head"), want.get("count")) != (
            report.head_hash,
            report.record_count,
        ):
            _refuse(
                f"The ledger of child {child_id} ends at record {report.record_count} with head {report.head_hash}, "
                "not where the manifest says: records were cut or added."
            )
        ledgers[child_id] = records
        heads[str(child_id)] = {"head": report.head_hash, "count": report.record_count, "broken_at": None}
    return ledgers, heads


def _record(row: dict[str, Any]) -> EvidenceRecord:
    record = _instance(EvidenceRecord, row)
    assert isinstance(record, EvidenceRecord)
    record.child_id = int(row["child_id"])
    if not isinstance(row["payload"], str) or record.recorded_at is None or record.recorded_at.tzinfo is None:
        raise ValueError("a record needs its payload as text and a recorded_at with a time zone")
    return record


def import_household(source: str | Path | IO[bytes]) -> Summary:
    """Restore an export into this database, keeping every id; refuse whole on any problem.

    The archive is checked whole first (``Archive``, ``check_archive``): nothing is written until it
    passes. Then, in one transaction: users, rows and ledger records are inserted, and every chain is
    verified again in the database, current rows and anchors included; the files come last and never
    replace a file already here. Any failure rolls everything back and removes the files it wrote.
    """
    archive = Archive(source)
    checked = check_archive(archive)
    summary = Summary()
    written: list[Path] = []
    try:
        with transaction.atomic():
            _insert(checked, summary)
            for child_id in checked.ledgers:
                report = verify_child(child_id, check_files=False)
                if report.problem is not None:
                    _refuse(f"The ledger of child {child_id} does not match the archive's rows: {report.problem}.")
            summary.heads = checked.heads
            for name in sorted(archive.names):
                stored = _stored_hash(name)
                if stored is None:
                    continue
                target = attachment_path(stored) if name.startswith("attachments/") else report_path(stored)
                if archive.extract(name, target):
                    written.append(target)
                summary.files += 1
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return summary


def _insert(checked: _Checked, summary: Summary) -> None:
    user_map = _import_users(checked.users, summary)
    touched: list[type[models.Model]] = [User]
    for table, model in _tables():
        rows = checked.rows[table.name]
        _refuse_collisions(model, rows, f"a {model._meta.verbose_name}")
        user_fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is User
        ]
        for row in rows:
            for name in user_fields:
                if row.get(name) is not None:
                    row[name] = user_map[row[name]]
        try:
            instances = [_instance(model, row) for row in rows]
        except (ValidationError, ValueError, TypeError) as error:
            # A value this server cannot store, e.g. a log entry's status that logbook.codes does not list.
            reason = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            _refuse(f"records/{table.name}.json holds a row that cannot be read: {reason}")
        with keep_stored_times(model):
            model._default_manager.bulk_create(instances, batch_size=500)
        summary.counts[table.name] = len(rows)
        touched.append(model)
    ledger_count = 0
    household_of = {row["id"]: row["household_id"] for row in checked.rows["children"]}
    for child_id, records in checked.ledgers.items():
        # Exactly as exported: recorded_by_id stays the original id (the hash covers it).
        _refuse_collisions(EvidenceRecord, [{"id": r.pk} for r in records], "an evidence record")
        for record in records:
            record.household_id = household_of[child_id]
        EvidenceRecord.objects.bulk_create(records, batch_size=500)
        ledger_count += len(records)
    summary.counts["ledger_records"] = ledger_count
    touched.append(EvidenceRecord)
    _reset_sequences(touched)


def _import_users(rows: list[dict[str, Any]], summary: Summary) -> dict[int, int]:
    """Old user id -> user id here: the user with the same email, or a new inactive one without password."""
    mapping: dict[int, int] = {}
    for row in rows:
        existing = User.objects.filter(email__iexact=row["email"]).first()
        if existing is not None:
            mapping[row["id"]] = existing.pk
            summary.users_matched.append(row["email"])
            continue
        user = _instance(User, row)
        assert isinstance(user, User)
        if User.objects.filter(pk=row["id"]).exists():
            user.pk = None  # the id is taken by someone else: a new one (the ledger keeps the old number)
        user.is_active = False
        user.set_unusable_password()
        user.save(force_insert=True)
        mapping[row["id"]] = user.pk
        summary.users_created.append(row["email"])
    return mapping


def _reset_sequences(models_list: list[type[models.Model]]) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
