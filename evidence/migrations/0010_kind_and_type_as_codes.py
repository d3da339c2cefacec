"""The ledger's ``kind`` and ``object_type`` as 2-byte numbers (issue 17, "Storage").

Both repeat a few texts on every record ("log_entry.created", "log_entry": 28 bytes a record). They
are now stored as their number in the fixed, append-only table ``evidence.codes``
(``evidence.fields.LedgerKindField`` and ``LedgerObjectTypeField``, which read and write the text, so
every reader, the hash and the exports are unchanged).

How, on both databases, in one transaction: drop the append-only triggers (the fill is an UPDATE,
which they refuse); add the number columns; fill them text by text; a text that is not in the table
stops the migration, naming it and a record that has it, and nothing is changed (add it at the end
of ``evidence.codes`` first). Then check that every record reads back exactly its old texts
(grouped by text and number), drop the text columns, rename the new ones, make them NOT NULL, on
PostgreSQL rewrite the table in padding-free column order (0008's ``lay_out_postgresql``, with the
two numbers among the 4-byte columns), and create the triggers again as 0009 does. Backwards, the
same steps write the texts back. tests/test_ledger_codes.py migrates chains both ways on both
databases and checks they verify with the same heads.
"""

import importlib

from django.db import migrations, models

import evidence.fields
from evidence.codes import KINDS, OBJECT_TYPES

compact = importlib.import_module("evidence.migrations.0008_compact_ledger")
no_hash_index = importlib.import_module("evidence.migrations.0009_no_hash_index")

# Each coded column: (text column, number column, table).
COLUMNS = [("kind", "kind_code", KINDS), ("object_type", "object_type_code", OBJECT_TYPES)]


def _execute(schema_editor, sql, params=()):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _table(schema_editor):
    return schema_editor.connection.ops.quote_name("evidence_evidencerecord")


def _check_read_back(schema_editor):
    """Every record's number stands for exactly its text: the (text, number) pairs, grouped."""
    table = _table(schema_editor)
    for text_column, code_column, codes in COLUMNS:
        pairs = _execute(schema_editor, f"SELECT {text_column}, {code_column} FROM {table} GROUP BY 1, 2")
        for text, number in pairs:
            if number is None or not 1 <= number <= len(codes) or codes[number - 1] != text:
                raise RuntimeError(f"Ledger {text_column} {text!r} would read back as number {number}; nothing was changed.")


def to_codes(apps, schema_editor):
    table = _table(schema_editor)
    for text_column, code_column, codes in COLUMNS:
        numbers = {text: number for number, text in enumerate(codes, start=1)}
        for (text,) in _execute(schema_editor, f"SELECT DISTINCT {text_column} FROM {table}"):
            if text not in numbers:
                child_id, seq = _execute(
                    schema_editor,
                    f"SELECT child_id, seq FROM {table} WHERE {text_column} = %s ORDER BY child_id, seq",
                    [text],
                )[0]
                raise RuntimeError(
                    f"The ledger holds the {text_column} {text!r} (child {child_id}, record {seq}, and maybe more), "
                    "which evidence/codes.py does not list: add it at the end of its table and migrate again. "
                    "Nothing was changed."
                )
            _execute(schema_editor, f"UPDATE {table} SET {code_column} = %s WHERE {text_column} = %s", [numbers[text], text])
    _check_read_back(schema_editor)


def to_text(apps, schema_editor):
    table = _table(schema_editor)
    for text_column, code_column, codes in COLUMNS:
        for number, text in enumerate(codes, start=1):
            _execute(schema_editor, f"UPDATE {table} SET {text_column} = %s WHERE {code_column} = %s", [text, number])
    _check_read_back(schema_editor)


def _laid_out_model():
    return compact._laid_out_model({"kind": models.SmallIntegerField(), "object_type": models.SmallIntegerField()})


def lay_out_postgresql(apps, schema_editor):
    compact.lay_out_postgresql(apps, schema_editor, _laid_out_model)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0009_no_hash_index")]

    operations = [
        migrations.RunPython(compact.drop_triggers, no_hash_index.create_triggers),
        # Nullable before they go, so that going back can add them to a table with rows and fill them.
        migrations.AlterField(
            model_name="evidencerecord", name="kind", field=models.CharField(max_length=40, null=True)
        ),
        migrations.AlterField(
            model_name="evidencerecord", name="object_type", field=models.CharField(max_length=40, null=True)
        ),
        migrations.AddField(
            model_name="evidencerecord", name="kind_code", field=evidence.fields.LedgerKindField(null=True)
        ),
        migrations.AddField(
            model_name="evidencerecord",
            name="object_type_code",
            field=evidence.fields.LedgerObjectTypeField(null=True),
        ),
        migrations.RunPython(to_codes, to_text),
        migrations.RemoveField(model_name="evidencerecord", name="kind"),
        migrations.RemoveField(model_name="evidencerecord", name="object_type"),
        migrations.RenameField(model_name="evidencerecord", old_name="kind_code", new_name="kind"),
        migrations.RenameField(model_name="evidencerecord", old_name="object_type_code", new_name="object_type"),
        migrations.AlterField(model_name="evidencerecord", name="kind", field=evidence.fields.LedgerKindField()),
        migrations.AlterField(
            model_name="evidencerecord", name="object_type", field=evidence.fields.LedgerObjectTypeField()
        ),
        migrations.RunPython(lay_out_postgresql, migrations.RunPython.noop),
        migrations.RunPython(no_hash_index.create_triggers, compact.drop_triggers),
    ]
