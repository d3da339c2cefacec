"""The ledger without an index on ``hash`` (issue 17, "Storage"); no row changes.

The unique index on the hash was the largest single item of the ledger after 0008 (60 bytes a record
on PostgreSQL, 41 on SQLite). Its uniqueness proves nothing verification does not: a record's hash
is the SHA-256 of the previous hash and the record, which names its child and seq, so a second record
with the same hash is either a SHA-256 collision or the same (child, seq), which the unique
(child, seq) refuses; a copied record is named by verification as a break in the chain. Every
lookup by hash in the app names the child and the seq too and uses (child, seq)
(``reports.public_check``, ``reports.ledger_copy``); the admin's search by a whole hash scans.

SQLite rebuilds the table to drop the constraint, which drops the append-only triggers: they are
dropped and created again as 0008 does, with one change. SQLite's guard against a replacing insert
(0006, ``evidence_record_no_replace``) looked for a record with the new one's id, hash or
(child, seq), the three things an INSERT OR REPLACE could replace on; without the unique hash, a
replace can only happen on the id or the (child, seq), and a lookup by hash would now read the whole
table on every append, so the guard looks for those two (both indexed). tests/test_storage.py checks
the triggers and every chain's head after the migration, both ways, on both databases. Backwards,
the unique constraint and 0006's guard come back.
"""

import importlib

from django.db import migrations

compact = importlib.import_module("evidence.migrations.0008_compact_ledger")
guards = importlib.import_module("evidence.migrations.0006_refuse_replace_and_guard_anchors")

OLD_NO_REPLACE = next(sql for sql in guards.CREATE_SQL["sqlite"] if "evidence_record_no_replace" in sql)
HASH_CLAUSE = " OR hash = NEW.hash"
assert HASH_CLAUSE in OLD_NO_REPLACE
NO_REPLACE = OLD_NO_REPLACE.replace(HASH_CLAUSE, "")


def create_triggers(apps, schema_editor):
    """The ledger's triggers as 0008 creates them, with SQLite's replace guard on id and (child, seq)."""
    compact.create_triggers(apps, schema_editor)
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER evidence_record_no_replace")
        schema_editor.execute(NO_REPLACE)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0008_compact_ledger")]

    operations = [
        migrations.RunPython(compact.drop_triggers, compact.create_triggers),
        migrations.RemoveConstraint(model_name="evidencerecord", name="evidence_record_hash_unique"),
        migrations.RunPython(create_triggers, compact.drop_triggers),
    ]
