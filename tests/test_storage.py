"""Storage: the ledger's compact columns and indexes, its migration, and the append-only triggers after it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from accounts.models import Household, User
from evidence.ledger import GENESIS_HASH, TIMESTAMP_FORMAT, append, canonical_json, chain_hash
from evidence.models import EvidenceRecord
from evidence.verify import verify_child
from plans.models import Child
from tests.base import BaseTestCase


def hash_indexes() -> list[str]:
    """The names of the indexes on the ledger table that cover the hash column."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "evidence_evidencerecord")
    return sorted(name for name, info in constraints.items() if info["columns"] == ["hash"])


def copy_of(record: EvidenceRecord, **changes: Any) -> dict[str, Any]:
    """The column values of ``record`` for a new row, with ``changes``."""
    values = {f.attname: getattr(record, f.attname) for f in EvidenceRecord._meta.concrete_fields}
    return {**values, "id": None, **changes}


class HashIndexTests(BaseTestCase):
    def last_record(self) -> EvidenceRecord:
        record = EvidenceRecord.objects.filter(child=self.child).last()
        assert record is not None
        return record

    def test_the_hash_has_no_index(self) -> None:
        """evidence/0009: every lookup by hash names the child and seq; uniqueness proves nothing more."""
        assert hash_indexes() == []

    def test_a_copied_record_is_named_by_verification(self) -> None:
        """Given the last record copied as the next one (the same hash: no unique index refuses it now),
        when the chain is verified, then the copy is the first broken record."""
        record = self.last_record()
        EvidenceRecord.objects.create(**copy_of(record, seq=record.seq + 1))
        report = verify_child(self.child.pk, check_current=False)
        assert not report.ok and report.problem is not None and report.problem.seq == record.seq + 1

    def test_a_second_record_at_the_same_place_is_refused(self) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            EvidenceRecord.objects.create(**copy_of(self.last_record()))

    def test_updates_are_still_refused_by_the_trigger(self) -> None:
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            EvidenceRecord.objects.filter(child=self.child).update(kind="edited")

    def test_the_chain_still_verifies_after_new_records(self) -> None:
        append(
            child_id=self.child.pk,
            kind="note.created",
            object_type="note",
            object_id="1",
            payload={"text": "after the migration"},
            user=self.alice,
        )
        assert verify_child(self.child.pk, check_current=False).ok


def evidence_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall() if name.startswith("evidence_")}


def replace_guard() -> str:
    """The SQL of SQLite's guard against an insert that replaces a ledger record."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'evidence_record_no_replace'")
        return str(cursor.fetchone()[0])


class TriggerTests(BaseTestCase):
    def test_every_evidence_trigger_survives_the_hash_migration(self) -> None:
        """0007, 0008 and 0009 rebuild the ledger table; every guard of 0004 and 0006 is there after them."""
        expected = {
            "evidence_record_no_update",
            "evidence_record_no_delete",
            "evidence_anchor_no_update",
            "evidence_anchor_no_delete",
            "evidence_purge_whole_chain",
        }
        if connection.vendor == "sqlite":
            expected |= {"evidence_record_no_replace", "evidence_anchor_no_replace"}
        else:
            expected |= {"evidence_record_no_truncate", "evidence_anchor_no_truncate"}
        assert expected <= evidence_triggers()

    def test_the_sqlite_replace_guard_looks_up_indexed_columns_only(self) -> None:
        """evidence/0009: the hash has no index, so a guard that looked it up would read the whole table
        on every append; a replace can now only happen on the id or the (child, seq)."""
        if connection.vendor != "sqlite":
            pytest.skip("INSERT OR REPLACE is SQLite's")
        assert "hash" not in replace_guard() and "seq = NEW.seq" in replace_guard()

    def test_a_replacing_insert_is_still_refused_on_sqlite(self) -> None:
        if connection.vendor != "sqlite":
            pytest.skip("INSERT OR REPLACE is SQLite's")
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT OR REPLACE INTO evidence_evidencerecord SELECT * FROM evidence_evidencerecord WHERE child_id = %s",
                [self.child.pk],
            )


LEDGER_COLUMNS = (
    "id, child_id, seq, kind, object_type, object_id, event_date, payload, recorded_at, "
    "recorded_by_id, recorded_by_name, prev_hash, hash"
)
BEFORE = ("evidence", "0007_hash_unique_without_like_index")
COMPACT = ("evidence", "0008_compact_ledger")
NO_HASH_INDEX = ("evidence", "0009_no_hash_index")
NOTES = ["", "Sub teacher — no extended time", "Café, naïve, 日本語, 🙂🚌", "x" * 5000, 'quote " and \\ backslash']


KINDS = [("log_entry.created", "log_entry"), ("log_entry.edited", "log_entry"), ("iep.created", "iep")]


def _old_chain(
    Record: Any, child: Any, user: Any, count: int, tamper_at: int | None = None, **columns: Any
) -> tuple[str, list[str]]:
    """A chain written through an earlier migration state's model, as the app wrote it then; its head and
    hashes. The fields take the hex and the JSON text at every state since 0007; ``columns``: any more."""
    prev, hashes = GENESIS_HASH, []
    for seq in range(1, count + 1):
        kind, object_type = KINDS[seq % len(KINDS)]
        payload = {"child": child.pk, "n": seq, "note": NOTES[seq % len(NOTES)], "status": "missed", "minutes": None}
        recorded_at = datetime(2026, 9, 1, 15, 0, tzinfo=UTC) + timedelta(minutes=seq)
        event_date = date(2026, 9, 1) + timedelta(days=seq) if seq % 3 else None
        recorder = user if seq % 2 else None
        body = {
            "child": child.pk,
            "seq": seq,
            "kind": kind,
            "object_type": object_type,
            "object_id": str(seq),
            "event_date": event_date.isoformat() if event_date else None,
            "payload": payload,
            "recorded_at": recorded_at.strftime(TIMESTAMP_FORMAT),
            "recorded_by": recorder.pk if recorder else None,
            "recorded_by_name": recorder.name if recorder else "system",
            "prev_hash": prev,
        }
        digest = chain_hash(prev, body)
        text = canonical_json(payload)
        if seq == tamper_at:  # changed after it was written, as someone with SQL access could
            text = text.replace("missed", "delivered")
        Record.objects.create(
            child_id=child.pk,
            seq=seq,
            kind=kind,
            object_type=object_type,
            object_id=str(seq),
            event_date=event_date,
            payload=text,
            recorded_at=recorded_at,
            recorded_by_id=recorder.pk if recorder else None,
            recorded_by_name=body["recorded_by_name"],
            prev_hash=prev,
            hash=digest,
            **columns,
        )
        prev = digest
        hashes.append(digest)
    return prev, hashes


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def model_at(state: tuple[str, str]) -> Any:
    """The ledger's model as it was at a migration ``state``."""
    return MigrationExecutor(connection).loader.project_state([state]).apps.get_model("evidence", "EvidenceRecord")


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("evidence"))


class CompactLedgerMigrationTests(TransactionTestCase):
    """evidence/0008 rewrites the ledger's columns: every chain verifies after it, with the same head."""

    def setUp(self) -> None:
        self.alice = User.objects.create_user(email="alice@example.com", password=None, display_name="Alice Rivera")
        self.rivera = Household.objects.create(name="Rivera")
        self.chen = Household.objects.create(name="Chen")
        self.maya = Child.objects.create(household=self.rivera, name="Maya")
        self.leo = Child.objects.create(household=self.rivera, name="Leo")
        self.kai = Child.objects.create(household=self.chen, name="Kai")

    def tearDown(self) -> None:
        _migrate_to_latest()  # whatever happened, leave the database at the latest schema

    def old_chains(self) -> dict[int, tuple[str, list[str]]]:
        _migrate(BEFORE)
        Record = model_at(BEFORE)
        return {
            self.maya.pk: _old_chain(Record, self.maya, self.alice, 40),
            self.leo.pk: _old_chain(Record, self.leo, self.alice, 3),
            self.kai.pk: _old_chain(Record, self.kai, self.alice, 12, tamper_at=7),
        }

    def test_every_chain_verifies_after_the_migration_with_the_same_head(self) -> None:
        chains = self.old_chains()
        _migrate(COMPACT)
        for child in (self.maya, self.leo):
            report = verify_child(child.pk, check_current=False, check_files=False, check_anchors=False)
            assert report.ok, report.problem
            head, hashes = chains[child.pk]
            assert (report.head_hash, report.record_count) == (head, len(hashes))
            assert list(EvidenceRecord.objects.filter(child=child).values_list("hash", flat=True)) == hashes
        records = list(EvidenceRecord.objects.filter(child=self.maya))
        assert [json.loads(r.payload)["note"] for r in records[:5]] == [NOTES[s % len(NOTES)] for s in range(1, 6)]
        assert {r.household_id for r in records} == {self.rivera.pk}
        assert set(EvidenceRecord.objects.filter(child=self.kai).values_list("household_id", flat=True)) == {
            self.chen.pk
        }
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT hash, prev_hash, payload FROM evidence_evidencerecord WHERE child_id = %s AND seq = 2",
                [self.maya.pk],
            )
            digest, prev, payload = (bytes(value) for value in cursor.fetchone())
        assert (digest.hex(), prev.hex()) == (chains[self.maya.pk][1][1], chains[self.maya.pk][1][0])
        assert payload[0] in (0, 1) and len(payload) <= len(records[1].payload.encode()) + 1

    def test_a_chain_broken_before_the_migration_is_named_at_the_same_record_after_it(self) -> None:
        self.old_chains()
        _migrate(COMPACT)
        report = verify_child(self.kai.pk, check_current=False, check_files=False, check_anchors=False)
        assert report.problem is not None and report.problem.seq == 7
        assert "changed after it was written" in report.problem.message

    def test_the_triggers_refuse_changes_after_the_migration(self) -> None:
        self.old_chains()
        _migrate(COMPACT)
        expected = {"evidence_record_no_update", "evidence_record_no_delete", "evidence_purge_whole_chain"}
        expected |= {"evidence_anchor_no_update", "evidence_anchor_no_delete"}
        if connection.vendor == "sqlite":
            expected |= {"evidence_record_no_replace", "evidence_anchor_no_replace"}
        else:
            expected |= {"evidence_record_no_truncate", "evidence_anchor_no_truncate"}
        assert expected <= evidence_triggers()
        statements = [
            "UPDATE evidence_evidencerecord SET kind = 'edited'",
            "UPDATE evidence_evidencerecord SET household_id = household_id + 1",
            "DELETE FROM evidence_evidencerecord WHERE seq = 3",
        ]
        if connection.vendor == "sqlite":
            statements.append(
                f"INSERT OR REPLACE INTO evidence_evidencerecord ({LEDGER_COLUMNS}, household_id) "
                f"SELECT {LEDGER_COLUMNS}, household_id FROM evidence_evidencerecord WHERE seq = 1"
            )
        else:
            statements.append("TRUNCATE evidence_evidencerecord")
        for sql in statements:
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        assert EvidenceRecord.objects.count() == 40 + 3 + 12
        assert verify_child(self.maya.pk, check_current=False, check_files=False, check_anchors=False).ok

    def test_the_migration_goes_back_to_hex_and_text_and_forward_again(self) -> None:
        chains = self.old_chains()
        _migrate(COMPACT)
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT hash, payload FROM evidence_evidencerecord WHERE child_id = %s ORDER BY seq", [self.maya.pk]
            )
            rows = cursor.fetchall()
        assert [digest for digest, _payload in rows] == chains[self.maya.pk][1]
        assert json.loads(rows[3][1])["note"] == NOTES[4 % len(NOTES)]
        _migrate(COMPACT)
        report = verify_child(self.maya.pk, check_current=False, check_files=False, check_anchors=False)
        assert report.ok and report.head_hash == chains[self.maya.pk][0]


class IndexTests(BaseTestCase):
    def test_the_ledger_has_no_index_on_the_child_alone_nor_on_the_recorder(self) -> None:
        """(child, seq) serves every lookup by child; nothing looks records up by recorder; an entry's
        history is found through the object id."""
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, "evidence_evidencerecord")
        indexed = sorted(tuple(info["columns"]) for info in constraints.values() if info["index"] or info["unique"])
        assert ("child_id",) not in indexed and ("recorded_by_id",) not in indexed
        assert ("child_id", "seq") in indexed and ("object_id",) in indexed and ("hash",) not in indexed


class NoHashIndexMigrationTests(TransactionTestCase):
    """evidence/0009 drops the hash's unique index: the chains verify with the same heads, both ways."""

    def setUp(self) -> None:
        _migrate(COMPACT)
        alice = User.objects.create_user(email="alice@example.com", password=None, display_name="Alice Rivera")
        home = Household.objects.create(name="Rivera")
        self.children = [Child.objects.create(household=home, name=name) for name in ("Maya", "Leo")]
        Record = model_at(COMPACT)
        for n, child in enumerate(self.children):
            _old_chain(Record, child, alice, 5 + 10 * n, household_id=home.pk)
        self.heads = {child.pk: self.verified_head(child) for child in self.children}

    def tearDown(self) -> None:
        _migrate_to_latest()

    def verified_head(self, child: Child) -> tuple[str, int]:
        report = verify_child(child.pk, check_current=False, check_files=False, check_anchors=False)
        assert report.ok, report.problem
        return report.head_hash, report.record_count

    def test_the_chains_verify_with_the_same_heads_after_it_and_back(self) -> None:
        assert hash_indexes() != []
        _migrate(NO_HASH_INDEX)
        assert hash_indexes() == []
        assert {child.pk: self.verified_head(child) for child in self.children} == self.heads
        _migrate(COMPACT)
        assert len(hash_indexes()) == 1
        assert {child.pk: self.verified_head(child) for child in self.children} == self.heads

    def test_the_triggers_are_there_after_it_and_back(self) -> None:
        for target in (NO_HASH_INDEX, COMPACT):
            _migrate(target)
            assert {"evidence_record_no_update", "evidence_record_no_delete", "evidence_purge_whole_chain"} <= (
                evidence_triggers()
            )
            update = "UPDATE evidence_evidencerecord SET object_id = 'x'"
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(update)
            if connection.vendor == "sqlite":
                assert ("hash = NEW.hash" in replace_guard()) == (target == COMPACT)
