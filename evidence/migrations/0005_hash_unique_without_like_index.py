"""The ledger's hash stays unique, through a named constraint instead of ``unique=True``.

On PostgreSQL, ``unique=True`` on a CharField also builds a ``..._like`` index (varchar_pattern_ops)
for ``LIKE 'abc%'`` lookups; nothing looks hashes up by prefix, and that index was 13% of the
ledger's bytes. A plain unique constraint builds one index only. No row changes, so every chain
verifies as before (tests/test_storage.py).

SQLite rebuilds the table to drop a column's UNIQUE, which drops its append-only triggers (see
0004): they are created again at the end.
"""

import importlib

from django.db import migrations, models

triggers = importlib.import_module("evidence.migrations.0004_append_only_triggers")


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in triggers.DROP_SQL["sqlite"] + triggers.CREATE_SQL["sqlite"]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0004_append_only_triggers"),
    ]

    operations = [
        # Undone last when the migration is reversed (the reverse AlterField rebuilds the table again).
        migrations.RunPython(migrations.RunPython.noop, recreate_sqlite_triggers),
        migrations.AddConstraint(
            model_name="evidencerecord",
            constraint=models.UniqueConstraint(fields=("hash",), name="evidence_record_hash_unique"),
        ),
        migrations.AlterField(
            model_name="evidencerecord",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
