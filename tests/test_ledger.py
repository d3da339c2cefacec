"""The ledger is append-only in the model and in the database; only a purge may delete a chain."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from evidence.attachments import attachment_path, store_attachment
from evidence.ledger import GENESIS_HASH, Entry, append, append_many, canonical_json, compute_hash, lag_days
from evidence.models import AppendOnlyError, Attachment, EvidenceRecord, PurgeAuthorization
from evidence.purge import purge_child_records
from evidence.verify import verify_child
from plans.models import Child
from tests.base import BaseTestCase

TABLE = EvidenceRecord._meta.db_table


def add(child: Child, n: int = 1, user: object = None) -> list[EvidenceRecord]:
    return [
        append(
            child_id=child.pk,
            kind="log_entry.created",
            object_type="log_entry",
            object_id=i,
            payload={"status": "delivered", "n": i},
            user=user,
            event_date=date(2026, 9, 14),
        )
        for i in range(n)
    ]


def raw(sql: str, params: list[int] | None = None) -> int:
    """Run raw SQL in a savepoint, so that a refusal leaves the test's transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


class AppendTests(BaseTestCase):
    def test_the_first_record_links_to_the_genesis_hash_and_the_next_to_it(self) -> None:
        leo = Child.objects.create(household=self.household, name="Leo Rivera")  # a child without records yet
        first, second = add(leo, 2, self.alice)
        assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
        assert (second.seq, second.prev_hash) == (2, first.hash)
        assert second.hash == compute_hash(EvidenceRecord.objects.get(pk=second.pk))
        assert first.recorded_by_name == "Alice Rivera"

    def test_each_child_has_its_own_sequence(self) -> None:
        leo = Child.objects.create(household=self.household, name="Leo Rivera")
        add(self.child, 2)
        [leo_first] = add(leo)
        assert (leo_first.seq, leo_first.prev_hash) == (1, GENESIS_HASH)

    def test_it_refuses_to_append_for_a_child_that_does_not_exist(self) -> None:
        with self.assertRaisesMessage(ValueError, "no child 999999"):
            append(child_id=999999, kind="iep.created", object_type="iep", object_id=1, payload={})
        assert self.new_records().count() == 0

    def test_an_append_costs_three_queries_inside_a_transaction(self) -> None:
        with transaction.atomic(), self.assertNumQueries(3 + 2):  # lock, last record, insert; savepoint pair
            add(self.child)

    def test_a_batch_appends_linked_records_in_order_for_the_cost_of_one(self) -> None:
        """Given six records appended at once (a day logged in one tap), then they take consecutive
        numbers, each links to the one before and recomputes to its stored hash, the chain verifies,
        and the batch costs the same queries as a single append."""
        entries = [Entry("log_entry.created", "log_entry", n, {"status": "delivered", "n": n}) for n in range(6)]
        with transaction.atomic(), self.assertNumQueries(3 + 2):
            records = append_many(child_id=self.child.pk, entries=entries, user=self.alice)
        stored = list(self.new_records())
        assert [r.seq for r in stored] == [self.fixture_seq + n for n in range(1, 7)]
        assert [r.pk for r in stored] == [r.pk for r in records]
        assert stored[0].prev_hash == EvidenceRecord.objects.get(child=self.child, seq=self.fixture_seq).hash
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(stored))
        assert all(compute_hash(r) == r.hash for r in stored)
        assert verify_child(self.child.pk, check_current=False).ok

    def test_canonical_json_sorts_keys_keeps_unicode_and_drops_whitespace(self) -> None:
        value = {"b": [1, "é"], "a": {"d": None, "c": True}, "day": date(2026, 9, 14)}
        assert canonical_json(value) == '{"a":{"c":true,"d":null},"b":[1,"é"],"day":"2026-09-14"}'

    def test_canonical_json_refuses_floats_and_non_string_keys(self) -> None:
        for bad in [{"minutes": 29.5}, [1.0], {1: "a"}]:
            with self.subTest(bad=bad), self.assertRaises(TypeError):
                canonical_json(bad)

    def test_recording_lag_counts_days_in_the_local_calendar(self) -> None:
        # 02:00 UTC on the 15th is still the evening of the 14th in New York.
        with time_machine.travel(datetime(2026, 9, 15, 2, 0, tzinfo=UTC), tick=False):
            [same_day] = add(self.child)
        with time_machine.travel(datetime(2026, 9, 17, 18, 0, tzinfo=UTC), tick=False):
            [late] = add(self.child)
        assert lag_days(same_day) == 0
        assert lag_days(late) == 3
        undated = append(child_id=self.child.pk, kind="iep.created", object_type="iep", object_id=1, payload={})
        assert lag_days(undated) is None


class AppendOnlyModelTests(BaseTestCase):
    def test_an_existing_record_cannot_be_saved_again(self) -> None:
        [record] = add(self.child)
        record.kind = "log_entry.edited"
        with self.assertRaises(AppendOnlyError):
            record.save()
        loaded = EvidenceRecord.objects.get(pk=record.pk)
        loaded.payload = "{}"
        with self.assertRaises(AppendOnlyError):
            loaded.save()

    def test_a_record_cannot_be_deleted_through_the_orm(self) -> None:
        [record] = add(self.child)
        with self.assertRaises(AppendOnlyError):
            record.delete()
        with self.assertRaises(AppendOnlyError):
            EvidenceRecord.objects.filter(pk=record.pk).delete()
        with self.assertRaises(AppendOnlyError):
            EvidenceRecord.objects.all().update(kind="x")
        with self.assertRaises(AppendOnlyError):
            EvidenceRecord.objects.bulk_update([record], ["kind"])
        assert EvidenceRecord.objects.filter(pk=record.pk, kind="log_entry.created").exists()


class AppendOnlyDatabaseTests(BaseTestCase):
    def test_the_database_refuses_update_by_raw_sql(self) -> None:
        [record] = add(self.child)
        with self.assertRaisesMessage(DatabaseError, "append-only: UPDATE is refused"):
            raw(f"UPDATE {TABLE} SET payload = '{{}}' WHERE id = %s", [record.pk])
        assert EvidenceRecord.objects.get(pk=record.pk).payload == record.payload

    def test_the_database_refuses_delete_by_raw_sql(self) -> None:
        add(self.child, 2)
        with self.assertRaisesMessage(DatabaseError, "DELETE is refused"):
            raw(f"DELETE FROM {TABLE}")
        assert EvidenceRecord.objects.count() == self.fixture_seq + 2

    def test_a_purge_authorization_permits_delete_for_that_child_only(self) -> None:
        leo = Child.objects.create(household=self.household, name="Leo Rivera")
        add(self.child, 2)
        add(leo, 1)
        PurgeAuthorization.objects.create(child_id=self.child.pk)
        with self.assertRaisesMessage(DatabaseError, "DELETE is refused"):
            raw(f"DELETE FROM {TABLE}")  # Leo's record is not authorized: the whole statement fails
        assert raw(f"DELETE FROM {TABLE} WHERE child_id = %s", [self.child.pk]) == self.fixture_seq + 2
        assert list(EvidenceRecord.objects.values_list("child_id", flat=True)) == [leo.pk]

    def test_a_partial_purge_cannot_remove_its_permission(self) -> None:
        """Review of the purge path: someone with SQL access authorizes a purge and deletes only the newest
        records. The permission can't be removed while records remain, so it stays behind and
        verification reports it."""
        from evidence.verify import database_problem

        add(self.child, 3)
        authorization = PurgeAuthorization.objects.create(child_id=self.child.pk)
        raw(f"DELETE FROM {TABLE} WHERE child_id = %s AND seq > %s", [self.child.pk, self.fixture_seq + 1])
        with self.assertRaisesMessage(DatabaseError, "A purge removes a whole chain"):
            raw(f"DELETE FROM {PurgeAuthorization._meta.db_table} WHERE id = %s", [authorization.pk])
        assert PurgeAuthorization.objects.filter(pk=authorization.pk).exists()
        assert f"left behind for child {self.child.pk}" in (database_problem() or "")

    def test_update_stays_refused_even_during_a_purge(self) -> None:
        [record] = add(self.child)
        PurgeAuthorization.objects.create(child_id=self.child.pk)
        with self.assertRaisesMessage(DatabaseError, "UPDATE is refused"):
            raw(f"UPDATE {TABLE} SET object_id = 'x' WHERE id = %s", [record.pk])

    def test_truncate_is_refused_on_postgresql_while_records_exist(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("SQLite has no TRUNCATE")
        add(self.child)
        with self.assertRaisesMessage(DatabaseError, "TRUNCATE is refused"):
            raw(f"TRUNCATE {TABLE}")

    def test_the_triggers_are_installed(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            else:
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE]
                )
            names = {row[0] for row in cursor.fetchall()}
        expected = {"evidence_record_no_update", "evidence_record_no_delete"}
        if connection.vendor == "postgresql":
            expected.add("evidence_record_no_truncate")
        else:
            expected.add("evidence_record_no_replace")
        assert names == expected

    COLUMNS = (
        "id, child_id, seq, kind, object_type, object_id, event_date, payload, recorded_at, "
        "recorded_by_id, recorded_by_name, prev_hash, hash, household_id"
    )
    FORGED = (
        'id, child_id, seq, kind, object_type, object_id, event_date, \'{"status":"delivered"}\', '
        "recorded_at, recorded_by_id, recorded_by_name, prev_hash, hash, household_id"
    )

    def test_the_database_refuses_insert_or_replace_of_a_record(self) -> None:
        """Given a record, when INSERT OR REPLACE (SQLite) rewrites it, then the database refuses.

        On SQLite the implied delete of REPLACE fires no DELETE trigger (recursive triggers are off).
        PostgreSQL has no INSERT OR REPLACE; its upsert is tested below.
        """
        if connection.vendor != "sqlite":
            self.skipTest("INSERT OR REPLACE is SQLite's; PostgreSQL's ON CONFLICT is tested below")
        [record] = add(self.child)
        for verb in ("INSERT OR REPLACE INTO", "REPLACE INTO"):
            with self.assertRaisesMessage(DatabaseError, "an insert that would replace a record is refused"):
                raw(f"{verb} {TABLE} ({self.COLUMNS}) SELECT {self.FORGED} FROM {TABLE} WHERE id = %s", [record.pk])
        assert EvidenceRecord.objects.get(pk=record.pk).payload == record.payload
        assert verify_child(self.child.pk, check_current=False).ok

    def test_the_database_refuses_a_replace_that_collides_on_child_and_seq_only(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("INSERT OR REPLACE is SQLite's")
        [record] = add(self.child)
        new_id = EvidenceRecord.objects.order_by("-pk").first().pk + 100  # type: ignore[union-attr]
        with self.assertRaisesMessage(DatabaseError, "would replace a record is refused"):
            raw(
                f"INSERT OR REPLACE INTO {TABLE} ({self.COLUMNS}) SELECT %s, child_id, seq, kind, object_type, "
                f"object_id, event_date, payload, recorded_at, recorded_by_id, recorded_by_name, prev_hash, "
                f"zeroblob(32), household_id FROM {TABLE} WHERE id = %s",
                [new_id, record.pk],
            )
        assert EvidenceRecord.objects.filter(child_id=self.child.pk, seq=record.seq).get().pk == record.pk

    def test_the_database_refuses_an_upsert_that_rewrites_a_record(self) -> None:
        """ON CONFLICT ... DO UPDATE (both databases) is an UPDATE, which the trigger refuses."""
        [record] = add(self.child)
        # The hash is not unique since evidence/0009: an upsert on it cannot even be stated.
        for target, refusal in (
            ("id", "append-only: (UPDATE is refused|an insert that would replace)"),
            ("child_id, seq", "append-only: (UPDATE is refused|an insert that would replace)"),
            ("hash", "(no unique or exclusion constraint|does not match any PRIMARY KEY or UNIQUE)"),
        ):
            with self.assertRaisesRegex(DatabaseError, refusal), transaction.atomic():
                raw(
                    f"INSERT INTO {TABLE} ({self.COLUMNS}) SELECT {self.FORGED} FROM {TABLE} WHERE id = %s "
                    f"ON CONFLICT ({target}) DO UPDATE SET payload = excluded.payload",
                    [record.pk],
                )
        assert EvidenceRecord.objects.get(pk=record.pk).payload == record.payload


class PurgeTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        root = Path(tempfile.mkdtemp(prefix="iepright-purge-"))
        override = override_settings(ATTACHMENT_ROOT=root)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, root, True)

    def test_purge_deletes_the_childs_chain_and_files_and_leaves_no_authorization(self) -> None:
        leo = Child.objects.create(household=self.household, name="Leo Rivera")
        add(self.child, 3)
        add(leo, 2)
        mine = store_attachment(
            child_id=self.child.pk, uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 mine"), user=self.alice
        )
        shared = b"%PDF-1.4 shared"
        store_attachment(child_id=self.child.pk, uploaded_file=SimpleUploadedFile("s.pdf", shared), user=self.alice)
        leos = store_attachment(child_id=leo.pk, uploaded_file=SimpleUploadedFile("s.pdf", shared), user=self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            count = purge_child_records(self.child.pk, self.alice)
        assert count == self.fixture_seq + 3 + 2  # the fixture's plan records, three entries, two attachment records
        assert not EvidenceRecord.objects.filter(child_id=self.child.pk).exists()
        assert EvidenceRecord.objects.filter(child_id=leo.pk).count() == 3
        assert list(Attachment.objects.all()) == [leos]
        assert not attachment_path(mine.sha256).exists()
        assert attachment_path(leos.sha256).exists()  # still used by Leo
        assert PurgeAuthorization.objects.count() == 0

    def test_a_new_chain_after_a_purge_starts_again_at_one(self) -> None:
        add(self.child, 2)
        purge_child_records(self.child.pk, self.alice)
        [record] = add(self.child)
        assert (record.seq, record.prev_hash) == (1, GENESIS_HASH)


class AdminTests(BaseTestCase):
    def test_the_admin_shows_records_and_files_but_offers_no_add_change_or_delete(self) -> None:
        from django.contrib import admin
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.user = type(self).alice
        for model in (EvidenceRecord, Attachment):
            model_admin = admin.site._registry[model]
            assert not model_admin.has_add_permission(request)
            assert not model_admin.has_change_permission(request)
            assert not model_admin.has_delete_permission(request)
