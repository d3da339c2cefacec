"""Close the INSERT OR REPLACE hole and protect anchors like the ledger (issue 8).

SQLite: ``INSERT OR REPLACE`` (and ``REPLACE INTO``) resolves a unique conflict by deleting the old
row, and with recursive triggers off (SQLite's default) that implied delete fires no DELETE trigger,
so a ledger row could be rewritten with the UPDATE and DELETE triggers in place. A BEFORE INSERT
trigger now refuses any insert that would collide with an existing record's id, hash or (child, seq):
the row is refused before SQLite resolves the conflict. PostgreSQL's ``INSERT ... ON CONFLICT DO
UPDATE`` fires the UPDATE trigger, which already refuses it; tests/test_ledger.py issues both.

Anchors (evidence.Anchor, RFC 3161 tokens over chain heads) get the same protection as records:
UPDATE refused, DELETE only under a purge authorization for the child, no replacing inserts, and on
PostgreSQL no TRUNCATE while rows exist.

The purge path, reviewed against someone with SQL access but not the app: they could insert a
PurgeAuthorization, delete the newest records and delete the authorization again, leaving a chain
that still links. Now an authorization can only be removed once its child has no records and no
anchors left: a purge removes a whole chain or leaves its permission behind, which verification
reports (``evidence.verify.database_problem``). Getting past that needs DDL (dropping triggers),
which verification also reports while the triggers are missing; what it cannot see afterwards, the
RFC 3161 anchors and the owner's emailed receipts show (docs/verification.md).

As with 0004: a later migration that alters either table on SQLite (which rebuilds the table and
drops its triggers) must run CREATE_SQL again.
"""

from django.db import migrations

MESSAGE_REPLACE = "The evidence ledger is append-only: an insert that would replace a record is refused."
MESSAGE_ANCHOR_UPDATE = "Anchors are append-only: UPDATE is refused."
MESSAGE_ANCHOR_DELETE = "Anchors are append-only: DELETE is refused unless the child's records are being purged."
MESSAGE_ANCHOR_REPLACE = "Anchors are append-only: an insert that would replace an anchor is refused."
MESSAGE_ANCHOR_TRUNCATE = "Anchors are append-only: TRUNCATE is refused while there are anchors."
MESSAGE_PURGE_WHOLE = (
    "A purge removes a whole chain: this permission cannot be removed while the child still has records or anchors."
)

CREATE_SQL = {
    "sqlite": [
        f"""
        CREATE TRIGGER evidence_record_no_replace BEFORE INSERT ON evidence_evidencerecord
        WHEN EXISTS (
            SELECT 1 FROM evidence_evidencerecord
            WHERE id = NEW.id OR hash = NEW.hash OR (child_id = NEW.child_id AND seq = NEW.seq)
        )
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_REPLACE}'); END
        """,
        f"""
        CREATE TRIGGER evidence_anchor_no_update BEFORE UPDATE ON evidence_anchor
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_ANCHOR_UPDATE}'); END
        """,
        f"""
        CREATE TRIGGER evidence_anchor_no_delete BEFORE DELETE ON evidence_anchor
        WHEN NOT EXISTS (SELECT 1 FROM evidence_purgeauthorization WHERE child_id = OLD.child_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_ANCHOR_DELETE.replace("'", "''")}'); END
        """,
        f"""
        CREATE TRIGGER evidence_anchor_no_replace BEFORE INSERT ON evidence_anchor
        WHEN EXISTS (SELECT 1 FROM evidence_anchor WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_ANCHOR_REPLACE}'); END
        """,
        f"""
        CREATE TRIGGER evidence_purge_whole_chain BEFORE DELETE ON evidence_purgeauthorization
        WHEN EXISTS (SELECT 1 FROM evidence_evidencerecord WHERE child_id = OLD.child_id)
          OR EXISTS (SELECT 1 FROM evidence_anchor WHERE child_id = OLD.child_id)
        BEGIN SELECT RAISE(ABORT, '{MESSAGE_PURGE_WHOLE}'); END
        """,
    ],
    "postgresql": [
        f"""
        CREATE OR REPLACE FUNCTION evidence_anchor_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE_ANCHOR_UPDATE}' USING ERRCODE = 'restrict_violation';
        END $$
        """,
        """
        CREATE TRIGGER evidence_anchor_no_update BEFORE UPDATE ON evidence_anchor
        FOR EACH ROW EXECUTE FUNCTION evidence_anchor_refuse_update()
        """,
        f"""
        CREATE OR REPLACE FUNCTION evidence_anchor_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM evidence_purgeauthorization WHERE child_id = OLD.child_id) THEN
                RAISE EXCEPTION '{MESSAGE_ANCHOR_DELETE.replace("'", "''")}' USING ERRCODE = 'restrict_violation';
            END IF;
            RETURN OLD;
        END $$
        """,
        """
        CREATE TRIGGER evidence_anchor_no_delete BEFORE DELETE ON evidence_anchor
        FOR EACH ROW EXECUTE FUNCTION evidence_anchor_guard_delete()
        """,
        f"""
        CREATE OR REPLACE FUNCTION evidence_anchor_guard_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM evidence_anchor) THEN
                RAISE EXCEPTION '{MESSAGE_ANCHOR_TRUNCATE}' USING ERRCODE = 'restrict_violation';
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER evidence_anchor_no_truncate BEFORE TRUNCATE ON evidence_anchor
        FOR EACH STATEMENT EXECUTE FUNCTION evidence_anchor_guard_truncate()
        """,
        f"""
        CREATE OR REPLACE FUNCTION evidence_purge_guard_whole() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM evidence_evidencerecord WHERE child_id = OLD.child_id)
               OR EXISTS (SELECT 1 FROM evidence_anchor WHERE child_id = OLD.child_id) THEN
                RAISE EXCEPTION '{MESSAGE_PURGE_WHOLE}' USING ERRCODE = 'restrict_violation';
            END IF;
            RETURN OLD;
        END $$
        """,
        """
        CREATE TRIGGER evidence_purge_whole_chain BEFORE DELETE ON evidence_purgeauthorization
        FOR EACH ROW EXECUTE FUNCTION evidence_purge_guard_whole()
        """,
    ],
}

DROP_SQL = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS evidence_record_no_replace",
        "DROP TRIGGER IF EXISTS evidence_anchor_no_update",
        "DROP TRIGGER IF EXISTS evidence_anchor_no_delete",
        "DROP TRIGGER IF EXISTS evidence_anchor_no_replace",
        "DROP TRIGGER IF EXISTS evidence_purge_whole_chain",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS evidence_anchor_no_update ON evidence_anchor",
        "DROP TRIGGER IF EXISTS evidence_anchor_no_delete ON evidence_anchor",
        "DROP TRIGGER IF EXISTS evidence_anchor_no_truncate ON evidence_anchor",
        "DROP FUNCTION IF EXISTS evidence_anchor_refuse_update()",
        "DROP FUNCTION IF EXISTS evidence_anchor_guard_delete()",
        "DROP TRIGGER IF EXISTS evidence_purge_whole_chain ON evidence_purgeauthorization",
        "DROP FUNCTION IF EXISTS evidence_anchor_guard_truncate()",
        "DROP FUNCTION IF EXISTS evidence_purge_guard_whole()",
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
        ("evidence", "0005_anchors"),
    ]

    operations = [
        migrations.RunPython(run(CREATE_SQL), run(DROP_SQL)),
    ]
