"""The ledger in half the bytes (issue 17, "Storage"), every chain verifying exactly as before.

- ``hash`` and ``prev_hash``: 32 bytes (bytea / BLOB) instead of 64 hex characters
  (``evidence.fields.Sha256Field``, which still reads and writes the hex);
- ``payload``: a version byte and the canonical JSON deflated with a preset dictionary
  (``evidence.fields.LedgerPayloadField``, which still reads and writes the exact text);
- no index of their own on ``child_id`` (the unique (child, seq) starts with it) and on
  ``recorded_by_id`` (nothing looks records up by recorder); the index for an object's history is on
  ``object_id`` alone instead of (object_type, object_id) (a third smaller; ids are unique per table,
  so an id matches a handful of records);
- ``household_id``, filled from the child: the distribution column for sharding by household
  (docs/scaling.md), added now because filling it later means rewriting the append-only table again.
  It is not part of any hash.

How, on both databases, in one transaction: drop the append-only triggers (the fill is an UPDATE,
which they refuse, and SQLite's table rebuilds drop them anyway); add the new columns; for each
child, fill them from the old ones and check (1) that every record's new columns read back exactly
the old hash, link and payload text, and (2) that the chain recomputed from the new columns gives the
same result as from the old ones (record count, head, first broken record: none for every chain the
app wrote). Any difference stops the migration and nothing is changed. A chain that was already
broken (changed outside the app) is carried over exactly as it is, so verification still names the
same record; a hash that is not 64 lowercase hex characters cannot be stored as 32 bytes and stops
the migration, naming the record. Then drop the old columns, rename the new ones, make them NOT
NULL, restore the hash's unique constraint, drop the two indexes, narrow the history index, on
PostgreSQL rewrite the table in padding-free column order (``lay_out_postgresql``), and create the
triggers again exactly as 0004 and 0006 wrote them (tests/test_storage.py checks them, and the
chains, after a migration from 0007 with data in it, on both databases). Backwards, the same steps
convert the columns back to hex and text (the column order stays).
"""

import importlib
import json
import re
from datetime import UTC

import django.db.models.deletion
from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models

import evidence.fields

append_only = importlib.import_module("evidence.migrations.0004_append_only_triggers")
guards = importlib.import_module("evidence.migrations.0006_refuse_replace_and_guard_anchors")

GENESIS_HASH = "0" * 64
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def _sqlite_triggers():
    """SQLite triggers on the ledger table or reading it (0004, 0006), as (name, CREATE)."""
    statements = append_only.CREATE_SQL["sqlite"] + [
        sql for sql in guards.CREATE_SQL["sqlite"] if "evidence_evidencerecord" in sql
    ]
    return [(re.search(r"CREATE TRIGGER (\w+)", sql).group(1), sql) for sql in statements]


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name, _sql in _sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        for sql in append_only.DROP_SQL["postgresql"]:
            schema_editor.execute(sql)
    else:
        raise RuntimeError(f"No append-only triggers written for {vendor}; the ledger needs them.")


def create_triggers(apps, schema_editor):
    drop_triggers(apps, schema_editor)
    if schema_editor.connection.vendor == "sqlite":
        for _name, sql in _sqlite_triggers():
            schema_editor.execute(sql)
    else:
        for sql in append_only.CREATE_SQL["postgresql"]:
            schema_editor.execute(sql)


def _chain_result(child_id, rows):
    """(record count, head hash, first broken record or None), recomputed as evidence.verify does."""
    from evidence.ledger import canonical_json_unchecked, chain_hash  # the format's pure functions

    expected, prev, broken, count = 1, GENESIS_HASH, None, 0
    for row in rows:
        count += 1
        if broken is None:
            try:
                payload = json.loads(row["payload"])
                ok = canonical_json_unchecked(payload) == row["payload"]
            except (ValueError, TypeError):
                ok = False
            if ok and (row["seq"] != expected or row["prev_hash"] != prev):
                ok = False
            if ok:
                body = {
                    "child": child_id,
                    "seq": row["seq"],
                    "kind": row["kind"],
                    "object_type": row["object_type"],
                    "object_id": row["object_id"],
                    "event_date": row["event_date"].isoformat() if row["event_date"] else None,
                    "payload": payload,
                    "recorded_at": row["recorded_at"].astimezone(UTC).strftime(TIMESTAMP_FORMAT),
                    "recorded_by": row["recorded_by_id"],
                    "recorded_by_name": row["recorded_by_name"],
                    "prev_hash": row["prev_hash"],
                }
                ok = chain_hash(row["prev_hash"], body) == row["hash"]
            if not ok:
                broken = row["seq"]
        expected, prev = row["seq"] + 1, row["hash"]
    return count, prev, broken


COMMON = ["id", "seq", "kind", "object_type", "object_id", "event_date", "recorded_at", "recorded_by_id"]
COMMON += ["recorded_by_name"]


def _rows(Record, child_id, hash_, prev_hash, payload):
    """The child's records in order, with the given columns read as hash, prev_hash and payload."""
    query = Record.objects.filter(child_id=child_id).order_by("seq").values(*COMMON, hash_, prev_hash, payload)
    return [
        {**row, "hash": row[hash_], "prev_hash": row[prev_hash], "payload": row[payload]}
        for row in query.iterator(chunk_size=2000)
    ]


def _copy(apps, schema_editor, source, target, with_household):
    """Fill the ``target`` columns from the ``source`` ones (hash, prev_hash, payload), child by child."""
    connection = schema_editor.connection
    Record = apps.get_model("evidence", "EvidenceRecord")
    households = dict(apps.get_model("plans", "Child").objects.values_list("pk", "household_id"))
    fields = [Record._meta.get_field(name) for name in target]
    table = connection.ops.quote_name(Record._meta.db_table)
    columns = [connection.ops.quote_name(f.column) for f in fields]
    if with_household:
        columns.append(connection.ops.quote_name("household_id"))
    assignments = ", ".join(f"{column} = %s" for column in columns)
    child_ids = sorted(set(Record.objects.values_list("child_id", flat=True).distinct()))
    for child_id in child_ids:
        if with_household and child_id not in households:
            raise RuntimeError(
                f"Ledger records of child {child_id} remain, but the child is gone, so they have no household. "
                "A child is deleted only after its chain is purged (evidence.purge); nothing was changed."
            )
        before = _rows(Record, child_id, *source)
        updates = []
        for row in before:
            try:
                values = [f.get_db_prep_value(row[name], connection) for f, name in zip(fields, ("hash", "prev_hash", "payload"), strict=True)]
            except ValueError as error:
                raise RuntimeError(
                    f"Child {child_id}, record {row['seq']}: {error} It was changed outside the app; "
                    "nothing was changed. Verify the chain (manage.py verify_ledger) before upgrading."
                ) from error
            if with_household:
                values.append(households[child_id])
            updates.append([*values, row["id"]])
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", updates)
        after = _rows(Record, child_id, *target)
        for old, new in zip(before, after, strict=True):
            if (old["id"], old["hash"], old["prev_hash"], old["payload"]) != (
                new["id"],
                new["hash"],
                new["prev_hash"],
                new["payload"],
            ):
                raise RuntimeError(f"Child {child_id}, record {old['seq']} does not read back as it was; nothing was changed.")
        if _chain_result(child_id, after) != _chain_result(child_id, before):
            raise RuntimeError(f"The chain of child {child_id} does not verify as it did; nothing was changed.")


def _laid_out_model(kind_and_type=None):
    """The ledger table in the column order that wastes no alignment padding on PostgreSQL.

    PostgreSQL stores columns in the order they were added and pads each 8-byte value to a multiple
    of 8: the 8-byte columns first, then the 4-byte ones, then the variable-length ones. The foreign
    keys are plain integer columns here (the ledger's keys have no database constraint and, now, no
    index of their own), so this stand-alone model needs no other table. ``kind_and_type``: the two
    fields for ``kind`` and ``object_type`` when a later migration stores them otherwise (evidence/0010).
    """
    isolated = Apps()

    class Meta:
        app_label = "evidence"
        db_table = "evidence_evidencerecord__new"
        apps = isolated

    fields = {
        "id": models.BigAutoField(primary_key=True),
        "child_id": models.BigIntegerField(),
        "household_id": models.BigIntegerField(),
        "recorded_at": models.DateTimeField(),
        "recorded_by_id": models.BigIntegerField(null=True),
        "seq": models.PositiveIntegerField(),
        "event_date": models.DateField(null=True),
        **(kind_and_type or {"kind": models.CharField(max_length=40), "object_type": models.CharField(max_length=40)}),
        "object_id": models.CharField(max_length=64),
        "recorded_by_name": models.CharField(max_length=150),
        "hash": evidence.fields.Sha256Field(),
        "prev_hash": evidence.fields.Sha256Field(),
        "payload": evidence.fields.LedgerPayloadField(),
    }
    return type("LaidOutEvidenceRecord", (models.Model,), {"__module__": __name__, "Meta": Meta, **fields})


def lay_out_postgresql(apps, schema_editor, laid_out_model=_laid_out_model):
    """PostgreSQL: rewrite the table with its columns in the order above, and without the dropped ones.

    Dropped columns stay in every row PostgreSQL writes afterwards (as NULLs, in an 8-byte longer
    header), and the columns added by this migration came last, each padded: together 26 bytes a
    record. The rows are copied as they are (ids kept, the id sequence moved past them), then the
    table's constraints and indexes are created by name as the model states them. SQLite rebuilt the
    table already (its rows are not padded), so nothing is done there; going back needs nothing either.
    Later migrations that change the columns pass their own ``laid_out_model`` (evidence/0010).
    """
    if schema_editor.connection.vendor != "postgresql":
        return
    Record = apps.get_model("evidence", "EvidenceRecord")
    LaidOut = laid_out_model()
    old, new = Record._meta.db_table, LaidOut._meta.db_table
    columns = ", ".join(f.column for f in LaidOut._meta.local_fields)
    schema_editor.create_model(LaidOut)
    schema_editor.execute(f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {old} ORDER BY id")
    schema_editor.execute(f"DROP TABLE {old}")
    schema_editor.execute(f"ALTER TABLE {new} RENAME TO {old}")
    schema_editor.execute(f"ALTER TABLE {old} RENAME CONSTRAINT {new}_pkey TO {old}_pkey")
    schema_editor.execute(f"ALTER TABLE {old} RENAME CONSTRAINT {new}_seq_check TO {old}_seq_check")
    schema_editor.execute(f"ALTER SEQUENCE {new}_id_seq RENAME TO {old}_id_seq")
    schema_editor.execute(
        f"SELECT setval(pg_get_serial_sequence('{old}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {old}"
    )
    for constraint in Record._meta.constraints:
        schema_editor.add_constraint(Record, constraint)
    for index in Record._meta.indexes:
        schema_editor.add_index(Record, index)


def to_binary(apps, schema_editor):
    _copy(apps, schema_editor, ("hash", "prev_hash", "payload"), ("hash_bin", "prev_hash_bin", "payload_bin"), True)


def to_text(apps, schema_editor):
    _copy(apps, schema_editor, ("hash_bin", "prev_hash_bin", "payload_bin"), ("hash", "prev_hash", "payload"), False)


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0007_hash_unique_without_like_index"),
        # The last migration that appends records through the old columns runs before this one.
        ("plans", "0003_flexible_services_from_every_day"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.RemoveConstraint(model_name="evidencerecord", name="evidence_record_hash_unique"),
        # Nullable before they go, so that going back can add them to a table with rows and fill them.
        migrations.AlterField(model_name="evidencerecord", name="hash", field=models.CharField(max_length=64, null=True)),
        migrations.AlterField(
            model_name="evidencerecord", name="prev_hash", field=models.CharField(max_length=64, null=True)
        ),
        migrations.AlterField(model_name="evidencerecord", name="payload", field=models.TextField(null=True)),
        migrations.AddField(
            model_name="evidencerecord", name="hash_bin", field=evidence.fields.Sha256Field(null=True)
        ),
        migrations.AddField(
            model_name="evidencerecord", name="prev_hash_bin", field=evidence.fields.Sha256Field(null=True)
        ),
        migrations.AddField(
            model_name="evidencerecord", name="payload_bin", field=evidence.fields.LedgerPayloadField(null=True)
        ),
        migrations.AddField(
            model_name="evidencerecord", name="household_id", field=models.BigIntegerField(null=True)
        ),
        migrations.RunPython(to_binary, to_text),
        migrations.RemoveField(model_name="evidencerecord", name="hash"),
        migrations.RemoveField(model_name="evidencerecord", name="prev_hash"),
        migrations.RemoveField(model_name="evidencerecord", name="payload"),
        migrations.RenameField(model_name="evidencerecord", old_name="hash_bin", new_name="hash"),
        migrations.RenameField(model_name="evidencerecord", old_name="prev_hash_bin", new_name="prev_hash"),
        migrations.RenameField(model_name="evidencerecord", old_name="payload_bin", new_name="payload"),
        migrations.AlterField(model_name="evidencerecord", name="hash", field=evidence.fields.Sha256Field()),
        migrations.AlterField(model_name="evidencerecord", name="prev_hash", field=evidence.fields.Sha256Field()),
        migrations.AlterField(
            model_name="evidencerecord", name="payload", field=evidence.fields.LedgerPayloadField()
        ),
        migrations.AlterField(model_name="evidencerecord", name="household_id", field=models.BigIntegerField()),
        migrations.AddConstraint(
            model_name="evidencerecord",
            constraint=models.UniqueConstraint(fields=("hash",), name="evidence_record_hash_unique"),
        ),
        migrations.AlterField(
            model_name="evidencerecord",
            name="child",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="plans.child",
            ),
        ),
        migrations.AlterField(
            model_name="evidencerecord",
            name="recorded_by",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RemoveIndex(model_name="evidencerecord", name="evidence_ev_object__9c7900_idx"),
        migrations.AddIndex(
            model_name="evidencerecord", index=models.Index(fields=["object_id"], name="evidence_record_object_id")
        ),
        migrations.RunPython(lay_out_postgresql, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
