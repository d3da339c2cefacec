"""Storage: the ledger's hash is unique with one index, and the append-only triggers survived."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from evidence.ledger import append
from evidence.models import EvidenceRecord
from evidence.verify import verify_child
from tests.base import BaseTestCase


def hash_indexes() -> list[str]:
    """The names of the indexes on the ledger table that cover the hash column."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "evidence_evidencerecord")
    return sorted(name for name, info in constraints.items() if info["columns"] == ["hash"])


class HashIndexTests(BaseTestCase):
    def test_the_hash_has_exactly_one_index_and_it_is_unique(self) -> None:
        names = hash_indexes()
        assert len(names) == 1, names
        assert not any(name.endswith("_like") for name in names)

    def test_a_second_record_with_the_same_hash_is_refused(self) -> None:
        record = EvidenceRecord.objects.filter(child=self.child).last()
        assert record is not None
        values = {f.attname: getattr(record, f.attname) for f in EvidenceRecord._meta.concrete_fields}
        values.update(id=None, seq=record.seq + 1000)
        with pytest.raises(IntegrityError), transaction.atomic():
            EvidenceRecord.objects.create(**values)

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


class TriggerTests(BaseTestCase):
    def test_every_evidence_trigger_survives_the_hash_migration(self) -> None:
        """0007 rebuilds the ledger table on SQLite; every guard of 0004 and 0006 is there after it."""
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

    def test_a_replacing_insert_is_still_refused_on_sqlite(self) -> None:
        if connection.vendor != "sqlite":
            pytest.skip("INSERT OR REPLACE is SQLite's")
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT OR REPLACE INTO evidence_evidencerecord SELECT * FROM evidence_evidencerecord WHERE child_id = %s",
                [self.child.pk],
            )
