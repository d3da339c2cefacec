"""The ledger's kinds and object types stored as numbers (evidence.codes, evidence/0010)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from accounts.models import Household, User
from evidence.codes import KINDS, OBJECT_TYPES
from evidence.ledger import append
from evidence.models import EvidenceRecord
from evidence.purge import purge_child_records
from evidence.verify import _LOADERS, verify_child
from plans.models import Child
from tests.base import BaseTestCase
from tests.test_storage import _migrate_to_latest, _old_chain, evidence_triggers, model_at

# The entries shipped so far, pinned: (count, SHA-256 of the texts joined by newlines). A record
# written with a number must read back the same text forever, so these never change; new entries
# go at the end (then add a pin for the longer prefix, keep this one).
SHIPPED = {"OBJECT_TYPES": (15, "b6ca0ce8694d9272240831babe716d73db01ad0f99d567791a01b9c2120f4e31")}
SHIPPED["KINDS"] = (31, "04759178b5fc2a02c18ca9ef4487f1e3fc6c82f3d814137e46aa361fe2b513f2")
APP_DIRS = ["accounts", "advocacy", "api", "correspondence", "deadlines", "evidence", "insights", "logbook"]
APP_DIRS += ["plans", "reminders", "reports"]


def stored(column: str, child: Child) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM evidence_evidencerecord WHERE child_id = %s ORDER BY seq", [child.pk])
        return [value for (value,) in cursor.fetchall()]


class CodeTableTests(BaseTestCase):
    def test_the_shipped_entries_never_change(self) -> None:
        for name, table in (("OBJECT_TYPES", OBJECT_TYPES), ("KINDS", KINDS)):
            count, digest = SHIPPED[name]
            assert hashlib.sha256("\n".join(table[:count]).encode()).hexdigest() == digest, name
            assert len(set(table)) == len(table), f"{name} lists a text twice"

    def test_every_object_type_verification_knows_is_in_the_table(self) -> None:
        assert set(_LOADERS) <= set(OBJECT_TYPES)

    def test_every_kind_the_code_names_is_in_the_table(self) -> None:
        """Every "<object type>.<action>" text in the app's code (not its tests) is a kind in the table;
        kinds built from parts (f"{object_type}.{action}") are refused at append if missing, which the
        tests of each write path would show."""
        pattern = re.compile(r"[\"']((" + "|".join(OBJECT_TYPES) + r")\.(\w+))[\"']")
        named = set()
        for folder in APP_DIRS:
            for path in (Path(settings.BASE_DIR) / folder).rglob("*.py"):
                if "migrations" not in path.parts:
                    named |= {match[0] for match in pattern.findall(path.read_text())}
        named = {kind for kind in named if not kind.endswith((".json", ".csv", ".pdf", ".typ", ".ics", ".eml"))}
        named.discard("log_entry.retract")  # a write receipt's object type, not a ledger kind
        assert named and named <= set(KINDS), sorted(named - set(KINDS))

    def test_records_store_numbers_and_read_text(self) -> None:
        record = append(
            child_id=self.child.pk, kind="note.created", object_type="note", object_id="1", payload={}, user=self.alice
        )
        assert (stored("kind", self.child)[-1], stored("object_type", self.child)[-1]) == (
            KINDS.index("note.created") + 1,
            OBJECT_TYPES.index("note") + 1,
        )
        again = EvidenceRecord.objects.get(pk=record.pk)
        assert (again.kind, again.object_type) == ("note.created", "note")
        assert EvidenceRecord.objects.filter(child=self.child, kind="note.created").get().pk == record.pk
        assert verify_child(self.child.pk, check_current=False).ok

    def test_an_unknown_kind_fails_at_append_and_appends_nothing(self) -> None:
        before = EvidenceRecord.objects.count()
        for kind, object_type in (("note.whispered", "note"), ("rumour.created", "rumour")):
            with pytest.raises(ValueError, match=r"evidence\.codes"):
                append(child_id=self.child.pk, kind=kind, object_type=object_type, object_id="1", payload={})
        assert EvidenceRecord.objects.count() == before

    def test_a_number_outside_the_table_is_named_by_verification(self) -> None:
        """Given a record whose kind was set to a number no text has (outside the app), then it reads
        as no kind, and verification names it instead of failing to read the chain."""
        last = EvidenceRecord.objects.filter(child=self.child).last()
        assert last is not None
        columns = [str(f.column) for f in EvidenceRecord._meta.concrete_fields if f.column not in ("id", "seq", "kind")]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO evidence_evidencerecord (seq, kind, {', '.join(columns)}) "
                f"SELECT seq + 1, 999, {', '.join(columns)} FROM evidence_evidencerecord WHERE id = %s",
                [last.pk],
            )
        record = EvidenceRecord.objects.get(child=self.child, seq=last.seq + 1)
        assert record.kind == "<unknown code 999>"
        problem = verify_child(self.child.pk, check_current=False).problem
        assert problem is not None and problem.seq == last.seq + 1


BEFORE = ("evidence", "0009_no_hash_index")
CODES = ("evidence", "0010_kind_and_type_as_codes")


def _migrate(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


class CodesMigrationTests(TransactionTestCase):
    """evidence/0010: every chain verifies with the same head after it, and back; unknown texts stop it."""

    def setUp(self) -> None:
        self.alice = User.objects.create_user(email="alice@example.com", password=None, display_name="Alice Rivera")
        self.home = Household.objects.create(name="Rivera")
        self.maya = Child.objects.create(household=self.home, name="Maya")
        self.kai = Child.objects.create(household=self.home, name="Kai")
        _migrate(BEFORE)
        Record = model_at(BEFORE)
        self.heads = {
            self.maya.pk: _old_chain(Record, self.maya, self.alice, 30, household_id=self.home.pk),
            self.kai.pk: _old_chain(Record, self.kai, self.alice, 9, tamper_at=4, household_id=self.home.pk),
        }

    def tearDown(self) -> None:
        _migrate_to_latest()

    def check_chains(self) -> None:
        report = verify_child(self.maya.pk, check_current=False, check_files=False, check_anchors=False)
        assert report.ok, report.problem
        head, hashes = self.heads[self.maya.pk]
        assert (report.head_hash, report.record_count) == (head, len(hashes))
        broken = verify_child(self.kai.pk, check_current=False, check_files=False, check_anchors=False)
        assert broken.problem is not None and broken.problem.seq == 4

    def test_the_chains_verify_with_the_same_heads_after_it_and_back(self) -> None:
        texts = stored("kind", self.maya)
        _migrate(CODES)
        self.check_chains()
        assert stored("kind", self.maya) == [KINDS.index(text) + 1 for text in texts]
        assert [r.kind for r in EvidenceRecord.objects.filter(child=self.maya)] == texts
        _migrate(BEFORE)
        assert stored("kind", self.maya) == texts
        self.check_chains()
        _migrate(CODES)
        self.check_chains()

    def test_the_triggers_refuse_changes_after_it(self) -> None:
        _migrate(CODES)
        assert {"evidence_record_no_update", "evidence_record_no_delete", "evidence_purge_whole_chain"} <= (
            evidence_triggers()
        )
        update = "UPDATE evidence_evidencerecord SET kind = 2"
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(update)

    def test_a_text_missing_from_the_table_stops_it_and_changes_nothing(self) -> None:
        Record = model_at(BEFORE)
        last = Record.objects.filter(child_id=self.maya.pk).order_by("seq").last()
        values = {f.attname: getattr(last, f.attname) for f in Record._meta.concrete_fields}
        Record.objects.create(**{**values, "id": None, "seq": last.seq + 1, "kind": "log_entry.whispered"})
        with pytest.raises(RuntimeError, match=r"'log_entry\.whispered'.*record 31"):
            _migrate(CODES)
        assert "log_entry.whispered" in stored("kind", self.maya)
        purge_child_records(self.maya.pk, self.alice)  # so that tearDown can migrate forward again
