"""A log entry's ``status`` as a 2-byte number (issue 17, "Storage").

Every entry repeats one of five words (9.6 bytes on average on PostgreSQL, with its length byte). It
is now stored as its number in the fixed, append-only table ``logbook.codes``
(``logbook.fields.EntryStatusField``, which reads and writes the word, so every reader, the ledger's
payloads, the exports and the API are unchanged).

How, on both databases, in one transaction, as evidence/0010 did for the ledger's kinds: add the
number column; fill it word by word; a word that is not in the table stops the migration, naming it
and an entry that has it, and nothing is changed (add it at the end of ``logbook.codes`` first).
Then check that every entry reads back exactly its old word (grouped by word and number), drop the
text column, rename the new one and make it NOT NULL. Backwards, the same steps write the words
back. The log table has no triggers of its own and no other table's foreign key points at it.
On PostgreSQL the dropped column stays in the table's rows until logbook/0007 rewrites it.
tests/test_entry_status_codes.py migrates entries both ways on both databases.
"""

from django.db import migrations, models

import logbook.fields
from logbook.codes import STATUSES

CHOICES = [
    ("delivered", "Delivered"),
    ("partial", "Partly"),
    ("missed", "Missed"),
    ("not_applicable", "Not applicable"),
    ("unknown", "Don't know"),
]


def _execute(schema_editor, sql, params=()):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _table(schema_editor):
    return schema_editor.connection.ops.quote_name("logbook_logentry")


def _check_read_back(schema_editor):
    """Every entry's number stands for exactly its word: the (word, number) pairs, grouped."""
    table = _table(schema_editor)
    for word, number in _execute(schema_editor, f"SELECT status, status_code FROM {table} GROUP BY 1, 2"):
        if number is None or not 1 <= number <= len(STATUSES) or STATUSES[number - 1] != word:
            raise RuntimeError(f"Log entry status {word!r} would read back as number {number}; nothing was changed.")


def to_codes(apps, schema_editor):
    table = _table(schema_editor)
    numbers = {word: number for number, word in enumerate(STATUSES, start=1)}
    for (word,) in _execute(schema_editor, f"SELECT DISTINCT status FROM {table}"):
        if word not in numbers:
            entry_id, child_id, day = _execute(
                schema_editor, f"SELECT id, child_id, date FROM {table} WHERE status = %s ORDER BY id", [word]
            )[0]
            raise RuntimeError(
                f"The log holds the status {word!r} (entry {entry_id}: child {child_id}, {day}, and maybe more), "
                "which logbook/codes.py does not list: add it at the end of its table and migrate again. "
                "Nothing was changed."
            )
        _execute(schema_editor, f"UPDATE {table} SET status_code = %s WHERE status = %s", [numbers[word], word])
    _check_read_back(schema_editor)


def to_text(apps, schema_editor):
    table = _table(schema_editor)
    for number, word in enumerate(STATUSES, start=1):
        _execute(schema_editor, f"UPDATE {table} SET status = %s WHERE status_code = %s", [word, number])
    _check_read_back(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("logbook", "0005_lean_entry_indexes")]

    operations = [
        # Nullable before it goes, so that going back can add it to a table with rows and fill it.
        migrations.AlterField(
            model_name="logentry",
            name="status",
            field=models.CharField(choices=CHOICES, max_length=16, null=True),
        ),
        migrations.AddField(
            model_name="logentry",
            name="status_code",
            field=logbook.fields.EntryStatusField(choices=CHOICES, null=True),
        ),
        migrations.RunPython(to_codes, to_text),
        migrations.RemoveField(model_name="logentry", name="status"),
        migrations.RenameField(model_name="logentry", old_name="status_code", new_name="status"),
        migrations.AlterField(
            model_name="logentry", name="status", field=logbook.fields.EntryStatusField(choices=CHOICES)
        ),
    ]
