"""The ledger's hash stays unique, through a named constraint instead of ``unique=True``.

On PostgreSQL, ``unique=True`` on a CharField also builds a ``..._like`` index (varchar_pattern_ops)
for ``LIKE 'abc%'`` lookups; nothing looks hashes up by prefix, and that index was 13% of the
ledger's bytes. A plain unique constraint builds one index only. No row changes, so every chain
verifies as before (tests/test_storage.py).

SQLite rebuilds the table to drop a column's UNIQUE, which drops the table's own triggers (0004's
UPDATE and DELETE guards, 0006's guard against replacing inserts): they are created again at the
end (tests/test_storage.py checks every evidence trigger is there).
"""

import importlib
import re

from django.db import migrations, models

append_only = importlib.import_module("evidence.migrations.0004_append_only_triggers")
no_replace = importlib.import_module("evidence.migrations.0006_refuse_replace_and_guard_anchors")


def _touching_the_ledger():
    """SQLite triggers that live on the ledger table or read it (0004, 0006), as (name, CREATE)."""
    statements = append_only.CREATE_SQL["sqlite"] + [
        sql for sql in no_replace.CREATE_SQL["sqlite"] if "evidence_evidencerecord" in sql
    ]
    return [(re.search(r"CREATE TRIGGER (\w+)", sql).group(1), sql) for sql in statements]


def drop_sqlite_triggers(apps, schema_editor):
    """Before the rebuild: a trigger that reads the old table would break its DROP and RENAME."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, _sql in _touching_the_ledger():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    drop_sqlite_triggers(apps, schema_editor)
    for _name, sql in _touching_the_ledger():
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0006_refuse_replace_and_guard_anchors"),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, recreate_sqlite_triggers),
        migrations.AddConstraint(
            model_name="evidencerecord",
            constraint=models.UniqueConstraint(fields=("hash",), name="evidence_record_hash_unique"),
        ),
        migrations.AlterField(
            model_name="evidencerecord",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.RunPython(recreate_sqlite_triggers, drop_sqlite_triggers),
    ]
