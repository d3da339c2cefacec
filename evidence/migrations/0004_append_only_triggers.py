"""Database triggers that make the ledger table append-only (design.md section 5).

UPDATE is always refused. DELETE is refused unless a PurgeAuthorization row for the record's child
exists (the purge service inserts it, deletes the chain and removes it in one transaction). On
PostgreSQL, TRUNCATE is refused while the table holds records, so ``flush`` (our override in
evidence/management/commands/flush.py) empties the ledger through the purge path first.

SQLite note: Django alters a SQLite table by rebuilding it, which drops its triggers. A later
migration that alters evidence_evidencerecord must re-run CREATE_SQL below;
tests/test_ledger_append_only.py fails if the triggers are missing.
"""

from django.db import migrations

MESSAGE_UPDATE = "The evidence ledger is append-only: UPDATE is refused."
MESSAGE_DELETE = "The evidence ledger is append-only: DELETE is refused unless the child's records are being purged."
MESSAGE_TRUNCATE = "The evidence ledger is append-only: TRUNCATE is refused while it holds records."

CREATE_SQL = {
    "sqlite": [
        f"""
        CREATE TRIGGER evidence_record_no_update BEFORE UPDATE ON evidence_evidencerecord
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_UPDATE}'); END
        """,
        f"""
        CREATE TRIGGER evidence_record_no_delete BEFORE DELETE ON evidence_evidencerecord
        WHEN NOT EXISTS (SELECT 1 FROM evidence_purgeauthorization WHERE child_id = OLD.child_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_DELETE.replace("'", "''")}'); END
        """,
    ],
    "postgresql": [
        f"""
        CREATE OR REPLACE FUNCTION evidence_record_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE_UPDATE}' USING ERRCODE = 'restrict_violation';
        END $$
        """,
        """
        CREATE TRIGGER evidence_record_no_update BEFORE UPDATE ON evidence_evidencerecord
        FOR EACH ROW EXECUTE FUNCTION evidence_record_refuse_update()
        """,
        f"""
        CREATE OR REPLACE FUNCTION evidence_record_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM evidence_purgeauthorization WHERE child_id = OLD.child_id) THEN
                RAISE EXCEPTION '{MESSAGE_DELETE.replace("'", "''")}' USING ERRCODE = 'restrict_violation';
            END IF;
            RETURN OLD;
        END $$
        """,
        """
        CREATE TRIGGER evidence_record_no_delete BEFORE DELETE ON evidence_evidencerecord
        FOR EACH ROW EXECUTE FUNCTION evidence_record_guard_delete()
        """,
        f"""
        CREATE OR REPLACE FUNCTION evidence_record_guard_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM evidence_evidencerecord) THEN
                RAISE EXCEPTION '{MESSAGE_TRUNCATE}' USING ERRCODE = 'restrict_violation';
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER evidence_record_no_truncate BEFORE TRUNCATE ON evidence_evidencerecord
        FOR EACH STATEMENT EXECUTE FUNCTION evidence_record_guard_truncate()
        """,
    ],
}

DROP_SQL = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS evidence_record_no_update",
        "DROP TRIGGER IF EXISTS evidence_record_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS evidence_record_no_update ON evidence_evidencerecord",
        "DROP TRIGGER IF EXISTS evidence_record_no_delete ON evidence_evidencerecord",
        "DROP TRIGGER IF EXISTS evidence_record_no_truncate ON evidence_evidencerecord",
        "DROP FUNCTION IF EXISTS evidence_record_refuse_update()",
        "DROP FUNCTION IF EXISTS evidence_record_guard_delete()",
        "DROP FUNCTION IF EXISTS evidence_record_guard_truncate()",
    ],
}


def run(statements):
    def apply(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"No append-only triggers written for {vendor}; the ledger needs them.")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0003_purge_authorization"),
    ]

    operations = [
        migrations.RunPython(run(CREATE_SQL), run(DROP_SQL)),
    ]
