"""PostgreSQL: the log table rewritten with its columns in padding-free order (issue 17, "Storage").

PostgreSQL keeps a table's columns in the order they were added and pads each value to its type's
alignment: the log table interleaves 8-byte ids and times with dates, booleans and texts, and since
logbook/0006 its status is a 2-byte number at the end of the row, with the dropped text column still
in every row's header. ``bench/storage_layouts.py`` priced the rewrite at 156.5 -> 142.1 heap bytes a
row with 0006 in place (without 0006, 156.6 -> 150.3).

How (``lay_out_postgresql``, PostgreSQL only; SQLite stores no padding and rebuilt the table in
0006 already): the columns are ordered 8-byte, 4-byte, 2-byte, 1-byte (and the 16-byte UUID, which
needs no alignment), then variable-length, by their stored types. In one transaction: the old
table's indexes and constraints are dropped (only their names are in the way: the rows are copied
from it as they are) and it is renamed aside; the table is created again from the model as this
migration state declares it (same column types, NOT NULLs, checks, identity, and every constraint
and index under the name Django gave it, foreign keys DEFERRABLE INITIALLY DEFERRED as before); the
rows are copied with their ids, the id sequence moves past them, the old table is dropped, and the
foreign keys and indexes are built. No other table's foreign key points at the log table and it has
no triggers of its own (only the internal ones of its foreign keys, which come back with them);
tests/test_entry_layout.py compares the catalogue before and after and checks that every entry reads
back the same. Backwards there is nothing to undo (the column order stays).
"""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations, models

# Padding-free: 8-byte, 4-byte, 2-byte, then 1-byte alignment ('c' also covers the 16-byte uuid), then
# variable-length (pg_type.typlen = -1), each group in the table's current order.
ALIGNMENT = {"d": 0, "i": 1, "s": 2, "c": 3}


def padding_free_order(schema_editor, table):
    """The table's live columns in padding-free order, as (column name)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, typlen, typalign FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [table],
        )
        columns = cursor.fetchall()
    return [
        name
        for name, length, align in sorted(columns, key=lambda c: (c[1] == -1, ALIGNMENT[c[2]] if c[1] != -1 else 9))
    ]


def laid_out_model(Entry, order):
    """The state's LogEntry with its fields in ``order``, in an Apps of its own.

    The fields are clones of the state's (so types, NOT NULL, checks and index names are the ones
    Django gives them); the tables they point at stand in as models with just the table's name and
    primary key, enough for the foreign keys' constraints and never created.
    """
    isolated = Apps()
    targets = {
        field.related_model._meta.label: field.related_model for field in Entry._meta.local_fields if field.is_relation
    }
    for target in targets.values():
        meta = type(
            "Meta", (), {"app_label": target._meta.app_label, "db_table": target._meta.db_table, "apps": isolated}
        )
        type(target.__name__, (models.Model,), {"__module__": __name__, "Meta": meta, "id": target._meta.pk.clone()})
    fields = {field.column: (field.name, field) for field in Entry._meta.local_fields}
    attributes = {fields[column][0]: fields[column][1].clone() for column in order}
    meta = type(
        "Meta",
        (),
        {
            "app_label": "logbook",
            "db_table": Entry._meta.db_table,
            "apps": isolated,
            "constraints": [constraint.clone() for constraint in Entry._meta.constraints],
            "indexes": [index.clone() for index in Entry._meta.indexes],
        },
    )
    return type("LogEntry", (models.Model,), {"__module__": __name__, "Meta": meta, **attributes})


def lay_out_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Entry = apps.get_model("logbook", "LogEntry")
    table = Entry._meta.db_table
    aside = f"{table}__old"
    order = padding_free_order(schema_editor, table)
    if set(order) != {field.column for field in Entry._meta.local_fields}:
        raise RuntimeError(f"The columns of {table} are not the model's ({sorted(order)}); nothing was changed.")
    LaidOut = laid_out_model(Entry, order)
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        # Indexes, unique and primary keys first (their indexes' names are the schema's), then the rest.
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY contype IN ('p', 'u') DESC, conname",
            [table],
        )
        constraints = [name for (name,) in cursor.fetchall()]
        cursor.execute(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = indexrelid)",
            [table],
        )
        indexes = [name for (name,) in cursor.fetchall()]
    for name in constraints:
        schema_editor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    for name in indexes:
        schema_editor.execute(f"DROP INDEX {name}")
    schema_editor.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN id DROP IDENTITY IF EXISTS")
    schema_editor.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(aside)}")
    waiting = len(schema_editor.deferred_sql)
    schema_editor.create_model(LaidOut)
    # The foreign keys and indexes create_model leaves for the end: built once the rows are in.
    deferred = schema_editor.deferred_sql[waiting:]
    del schema_editor.deferred_sql[waiting:]
    columns = ", ".join(quote(column) for column in order)
    schema_editor.execute(f"INSERT INTO {quote(table)} ({columns}) SELECT {columns} FROM {quote(aside)} ORDER BY id")
    schema_editor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {quote(table)}"
    )
    schema_editor.execute(f"DROP TABLE {quote(aside)}")
    for statement in deferred:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("logbook", "0006_status_as_code"),
        ("plans", "0004_session_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(lay_out_postgresql, migrations.RunPython.noop)]
