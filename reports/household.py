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

import hashlib
import json
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from accounts.models import Household, User
from evidence.attachments import attachment_path
from evidence.files import write_durably
from evidence.models import EvidenceRecord
from evidence.verify import verify_child
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
]
# Deliberately left out, with the reason (docs/export-format.md).
NOT_EXPORTED = {
    "accounts.User": "exported apart, in users.json, without password hashes",
    "accounts.Invitation": "open invitations carry secret tokens and expire; invite again after a restore",
    "evidence.EvidenceRecord": "exported apart, in ledger/, exactly as stored",
    "evidence.PurgeAuthorization": "exists only inside a deletion's transaction",
    "reports.BatesCounter": "derived: reports.bates never goes below one past the last page of the "
    "household's stored reports, which the export carries",
    "reminders.ReminderSettings": "a person's own email preferences, not the household's records",
    "reminders.Notice": "which reminders this server already sent; a restored household starts afresh",
    "reminders.CalendarFeed": "secret calendar links; make a new one after a restore",
}
USER_FIELDS = ["id", "email", "display_name", "first_name", "last_name", "is_active", "date_joined"]


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
        report = verify_child(child_id, check_current=False)
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
        records = [row_of(r) for r in EvidenceRecord.objects.filter(child_id=child_id).order_by("seq")]
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


class Archive:
    """An export opened for import: every file checked against the manifest, read one at a time."""

    def __init__(self, source: str | Path | IO[bytes]) -> None:
        try:
            self.zip = zipfile.ZipFile(source)
            names = {name for name in self.zip.namelist() if not name.endswith("/")}
            if "manifest.json" not in names:
                raise ImportRefused("This archive has no manifest.json: it is not an IEP Right household export.")
            self.manifest: dict[str, Any] = json.loads(self.zip.read("manifest.json"))
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ImportRefused(f"This is not a readable IEP Right export: {error}") from None
        manifest = self.manifest
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise ImportRefused(
                f"Unknown export format {manifest.get('format')!r} version {manifest.get('version')!r}."
            )
        self.listed: dict[str, dict[str, Any]] = manifest.get("files", {})
        self.names = names - {"manifest.json"}
        if set(self.listed) != self.names:
            different = sorted(set(self.listed) ^ self.names)
            raise ImportRefused(f"The archive's files do not match its manifest (first difference: {different[0]}).")
        for name in sorted(self.names):
            digest = hashlib.sha256()
            with self.zip.open(name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() != self.listed[name]["sha256"]:
                raise ImportRefused(
                    f"{name} does not match its SHA-256 in the manifest: the archive was changed or damaged."
                )

    def json(self, name: str, default: Any = None) -> Any:
        return json.loads(self.zip.read(name)) if name in self.names else default

    def extract(self, name: str, target: Path) -> None:
        """Write member ``name`` to ``target`` (atomically; kept as is when the same bytes are there)."""
        if target.exists() and _file_sha256(target) == self.listed[name]["sha256"]:
            return
        with self.zip.open(name) as member:
            write_durably(target, iter(lambda: member.read(CHUNK), b""))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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


def import_household(source: str | Path | IO[bytes]) -> Summary:
    """Restore an export into this database, keeping every id; refuse whole on any conflict."""
    archive = Archive(source)
    summary = Summary()
    with transaction.atomic():
        user_map = _import_users(archive.json("records/users.json", []), summary)
        touched: list[type[models.Model]] = [User]
        for table, model in _tables():
            rows = archive.json(f"records/{table.name}.json", [])
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
            with keep_stored_times(model):
                model._default_manager.bulk_create([_instance(model, row) for row in rows], batch_size=500)
            summary.counts[table.name] = len(rows)
            touched.append(model)

        child_ids = [row["id"] for row in archive.json("records/children.json", [])]
        ledger_count = 0
        for child_id in child_ids:
            records = archive.json(f"ledger/child-{child_id}.json", [])
            _refuse_collisions(EvidenceRecord, records, "an evidence record")
            # Exactly as exported: recorded_by_id stays the original id (the hash covers it).
            rows = [_instance(EvidenceRecord, r) for r in records]
            EvidenceRecord.objects.bulk_create(rows, batch_size=500)  # type: ignore[arg-type]
            ledger_count += len(records)
        summary.counts["ledger_records"] = ledger_count
        touched.append(EvidenceRecord)
        _reset_sequences(touched)

        summary.heads = chain_heads(child_ids)
        for child_id, expected in archive.manifest.get("ledger_heads", {}).items():
            got = summary.heads.get(child_id)
            if got is None or got["broken_at"] is not None or got["head"] != expected["head"]:
                raise ImportRefused(
                    f"After import, the ledger of child {child_id} does not verify with the exported head "
                    f"{expected['head']}. Nothing was imported."
                )
        # Files last: a failure here still rolls every row back.
        for name in sorted(archive.names):
            if name.startswith("attachments/"):
                archive.extract(name, attachment_path(name.split("/", 1)[1]))
            elif name.startswith("reports/"):
                archive.extract(name, report_path(name.split("/", 1)[1].removesuffix(".pdf")))
            summary.files += 1
    return summary


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
