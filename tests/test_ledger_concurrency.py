"""Concurrent appends for one child never fork the chain (threads, real transactions, both databases).

These tests commit for real (TransactionTestCase), so they also prove that the table flush between
tests gets past the append-only triggers (evidence/management/commands/flush.py).
"""

from __future__ import annotations

import threading

from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from accounts.models import Household
from evidence.ledger import GENESIS_HASH, append, compute_hash
from evidence.models import EvidenceRecord
from plans.models import Child

THREADS = 4
APPENDS_PER_THREAD = 25


class ConcurrentAppendTests(TransactionTestCase):
    def setUp(self) -> None:
        household = Household.objects.create(name="Rivera household")
        self.child = Child.objects.create(household=household, name="Maya Rivera")

    def hammer(self, child_id: int) -> list[BaseException]:
        """THREADS threads start together and each appends APPENDS_PER_THREAD records."""
        start = threading.Barrier(THREADS)
        errors: list[BaseException] = []

        def work(worker: int) -> None:
            try:
                start.wait()
                for i in range(APPENDS_PER_THREAD):
                    append(
                        child_id=child_id,
                        kind="log_entry.created",
                        object_type="log_entry",
                        object_id=f"{worker}-{i}",
                        payload={"worker": worker, "i": i},
                    )
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return errors

    def assert_one_unbroken_chain(self, child_id: int) -> None:
        records = list(EvidenceRecord.objects.filter(child_id=child_id).order_by("seq"))
        assert [r.seq for r in records] == list(range(1, THREADS * APPENDS_PER_THREAD + 1))
        prev = GENESIS_HASH
        for record in records:
            assert record.prev_hash == prev, f"record {record.seq} does not link to the one before"
            assert record.hash == compute_hash(record)
            prev = record.hash

    def test_threads_appending_from_an_empty_chain_make_one_chain_without_gaps(self) -> None:
        assert self.hammer(self.child.pk) == []
        self.assert_one_unbroken_chain(self.child.pk)

    def test_threads_appending_to_an_existing_chain_make_one_chain_without_gaps(self) -> None:
        append(child_id=self.child.pk, kind="iep.created", object_type="iep", object_id=1, payload={})
        assert self.hammer(self.child.pk) == []
        records = EvidenceRecord.objects.filter(child_id=self.child.pk)
        assert records.count() == THREADS * APPENDS_PER_THREAD + 1
        assert sorted(records.values_list("seq", flat=True)) == list(range(1, THREADS * APPENDS_PER_THREAD + 2))

    def test_sqlite_opens_every_transaction_immediate_which_is_what_serializes_it(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL serializes with the child row lock")
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"

    def test_flush_empties_the_ledger_despite_the_triggers(self) -> None:
        append(child_id=self.child.pk, kind="iep.created", object_type="iep", object_id=1, payload={})
        call_command("flush", interactive=False, verbosity=0)
        assert EvidenceRecord.objects.count() == 0
        assert Child.objects.count() == 0


class ConcurrentRetractionRetryTests(TransactionTestCase):
    """A phone that sends the same withdrawal twice at once (a retry racing the first request)."""

    def test_both_requests_get_the_withdrawn_entry_and_one_record_is_written(self) -> None:
        import uuid
        from datetime import date

        from accounts.models import User
        from logbook.models import LogEntry, Status
        from logbook.services import retract_entry
        from plans.models import Iep, Provision

        household = Household.objects.create(name="Rivera household")
        child = Child.objects.create(household=household, name="Maya Rivera")
        user = User.objects.create_user(email="alice@example.com", password="x" * 12)
        iep = Iep.objects.create(child=child, effective_from=date(2026, 9, 1), status=Iep.Status.ACTIVE)
        provision = Provision.objects.create(iep=iep, kind=Provision.Kind.ACCOMMODATION, label="Extended time")
        entry = LogEntry.objects.create(child=child, date=date(2026, 9, 8), provision=provision, status=Status.MISSED)
        cid = uuid.uuid4()
        start = threading.Barrier(2)
        results: list[object] = []

        def work() -> None:
            try:
                start.wait()
                results.append(retract_entry(LogEntry.objects.get(pk=entry.pk), user, "Logged twice.", cid))
            except BaseException as exc:
                results.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [type(r).__name__ for r in results] == ["LogEntry", "LogEntry"], results
        assert EvidenceRecord.objects.filter(child=child, kind="log_entry.retracted").count() == 1
