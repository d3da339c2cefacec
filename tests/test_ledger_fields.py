"""The ledger's compact columns: hashes as 32 bytes, payloads deflated, exactly the text that was hashed."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from evidence.fields import DEFLATE_V1, PLAIN, UNREADABLE, decode_payload, encode_payload
from evidence.ledger import append, canonical_json
from evidence.models import EvidenceRecord
from evidence.payload_dictionary import DICTIONARY_V1
from evidence.verify import verify_child
from tests.base import BaseTestCase

TABLE = EvidenceRecord._meta.db_table
LOG_ENTRY = {
    "child": 12,
    "date": "2026-09-15",
    "edit_reason": "",
    "id": 4711,
    "is_makeup": False,
    "minutes_delivered": None,
    "miss_reason": "substitute",
    "note": "Sub teacher — no extended time on the spelling quiz 😞",
    "provision": 45,
    "recording_lag_days": 0,
    "reported_by": "",
    "retracted_at": None,
    "retraction_reason": "",
    "source": "child_said",
    "status": "missed",
}

# JSON values as payloads hold them: no floats (the ledger refuses them), any text, nesting.
texts = st.text(st.characters(codec="utf-8"), max_size=300)
leaves = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | texts
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(texts, inner, max_size=6))
payloads = st.dictionaries(texts, values, max_size=12)


def stored_bytes(column: str, pk: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {TABLE} WHERE id = %s", [pk])
        return bytes(cursor.fetchone()[0])


class DictionaryTests(BaseTestCase):
    def test_the_dictionary_of_encoding_1_never_changes(self) -> None:
        """Records deflated with it can be read only with these exact bytes (evidence/payload_dictionary.py)."""
        assert hashlib.sha256(DICTIONARY_V1).hexdigest() == (
            "b29c968c24e0560472f454f933ee85d57372fe33093749813baab10ab5ed8e5e"
        ), "Never change DICTIONARY_V1: add a new dictionary under a new version byte."


@settings(max_examples=400, deadline=None)
@given(payloads)
def test_any_payload_reads_back_as_exactly_the_text_that_was_hashed(payload: dict[str, Any]) -> None:
    text = canonical_json(payload)
    stored = encode_payload(text)
    assert decode_payload(stored) == text
    assert stored[0] in (PLAIN, DEFLATE_V1)
    assert len(stored) <= len(text.encode()) + 1


class CodecTests(BaseTestCase):
    def test_edge_cases_read_back_byte_for_byte(self) -> None:
        for payload in [{}, {"": ""}, {"note": "é" * 5000}, {"note": "🙂" * 3000}, {"a": '\x00\n\\"'}, LOG_ENTRY]:
            text = canonical_json(payload)
            assert decode_payload(encode_payload(text)) == text

    def test_a_log_entry_is_stored_in_less_than_a_third_of_its_text(self) -> None:
        text = canonical_json(LOG_ENTRY)
        stored = encode_payload(text)
        assert stored[0] == DEFLATE_V1
        assert len(stored) * 3 < len(text.encode())

    def test_a_payload_that_does_not_shrink_is_stored_as_it_is(self) -> None:
        assert encode_payload("{}") == b"\x00{}"

    def test_bytes_no_encoding_wrote_are_refused(self) -> None:
        for stored in [
            b"",
            b"\x07{}",
            bytes([DEFLATE_V1]) + b"\xff\xff",
            encode_payload(canonical_json(LOG_ENTRY))[:-3],
        ]:
            with pytest.raises(ValueError):
                decode_payload(stored)


class StoredRecordTests(BaseTestCase):
    def record(self, payload: dict[str, Any]) -> EvidenceRecord:
        return append(
            child_id=self.child.pk,
            kind="note.created",
            object_type="note",
            object_id="1",
            payload=payload,
            user=self.alice,
        )

    def test_hashes_are_stored_as_32_bytes_and_read_as_hex(self) -> None:
        record = self.record(LOG_ENTRY)
        assert stored_bytes("hash", record.pk) == bytes.fromhex(record.hash)
        assert stored_bytes("prev_hash", record.pk) == bytes.fromhex(record.prev_hash)
        again = EvidenceRecord.objects.get(pk=record.pk)
        assert (again.hash, again.prev_hash) == (record.hash, record.prev_hash)
        assert len(again.hash) == 64 and again.hash == again.hash.lower()

    def test_lookups_by_hex_hash_keep_working(self) -> None:
        record = self.record(LOG_ENTRY)
        assert EvidenceRecord.objects.get(hash=record.hash).pk == record.pk
        assert list(EvidenceRecord.objects.filter(hash__in=[record.hash, "ab" * 32]).values_list("pk", flat=True)) == [
            record.pk
        ]
        assert EvidenceRecord.objects.filter(prev_hash=record.hash).count() == 0
        with pytest.raises(ValueError, match="64 lowercase hex"):
            EvidenceRecord.objects.filter(hash="not a hash").exists()

    def test_the_admin_finds_a_record_by_its_whole_hash_or_its_object_id(self) -> None:
        from django.contrib import admin
        from django.test import RequestFactory

        record = self.record(LOG_ENTRY)
        model_admin = admin.site._registry[EvidenceRecord]
        request = RequestFactory().get("/")
        everything = EvidenceRecord.objects.all()
        for term in (record.hash, record.hash.upper(), f" {record.hash} "):
            found, _ = model_admin.get_search_results(request, everything, term)
            assert list(found) == [record]
        found, _ = model_admin.get_search_results(request, everything, record.hash[:16])  # a part finds nothing
        assert list(found) == []

    def test_the_payload_is_stored_deflated_and_read_as_its_text(self) -> None:
        record = self.record(LOG_ENTRY)
        stored = stored_bytes("payload", record.pk)
        text = canonical_json(LOG_ENTRY)
        assert stored[0] == DEFLATE_V1 and len(stored) * 3 < len(text.encode())
        assert EvidenceRecord.objects.get(pk=record.pk).payload == text
        assert EvidenceRecord.objects.filter(pk=record.pk).values_list("payload", flat=True).get() == text
        assert json.loads(EvidenceRecord.objects.get(pk=record.pk).payload) == LOG_ENTRY

    def test_the_household_is_stored_with_every_record(self) -> None:
        record = self.record({"n": 1})
        assert record.household_id == self.household.pk
        assert set(EvidenceRecord.objects.values_list("household_id", flat=True)) == {self.household.pk}

    def test_bytes_changed_outside_the_app_are_named_by_verification_not_a_crash(self) -> None:
        """Given a record whose payload no encoding wrote (written by SQL), verification names it."""
        last = self.record({"n": 1})
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (child_id, seq, kind, object_type, object_id, event_date, payload, "
                "recorded_at, recorded_by_id, recorded_by_name, prev_hash, hash, household_id) "
                "SELECT child_id, seq + 1, kind, object_type, object_id, event_date, %s, recorded_at, "
                f"recorded_by_id, recorded_by_name, hash, %s, household_id FROM {TABLE} WHERE id = %s",
                [b"\x07garbage", b"\x01" * 32, last.pk],
            )
        assert EvidenceRecord.objects.get(child=self.child, seq=last.seq + 1).payload == UNREADABLE
        report = verify_child(self.child.pk, check_current=False)
        assert report.problem is not None and report.problem.seq == last.seq + 1
        assert "cannot be read as a ledger payload" in report.problem.message


class StoredPayloadPropertyTests(HypothesisTestCase):
    """Through the database (both vendors): what is appended reads back exactly, and the chain verifies."""

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(payloads)
    def test_any_appended_payload_reads_back_exactly_and_verifies(self, payload: dict[str, Any]) -> None:
        from accounts.models import Household
        from plans.models import Child

        child = Child.objects.create(household=Household.objects.create(name="H"), name="C")
        record = append(child_id=child.pk, kind="note.created", object_type="note", object_id="1", payload=payload)
        assert EvidenceRecord.objects.get(pk=record.pk).payload == canonical_json(payload)
        assert verify_child(child.pk, check_current=False, check_files=False, check_anchors=False).ok
