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
