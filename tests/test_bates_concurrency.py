"""Two first reports of one household at the same instant never share a Bates number, nor fail.

Threads with real transactions on whichever database the suite runs on (SQLite or PostgreSQL), as in
tests/test_ledger_concurrency.py: each thread does what ``reports.services.generate_report`` does,
peek before rendering, then take inside a transaction, and peek again when another report got there
first.
"""

from __future__ import annotations

import threading

from django.db import connection, transaction
from django.test import TransactionTestCase

from accounts.models import Household
from reports import bates
from reports.models import BatesCounter

THREADS = 4
REPORTS_PER_THREAD = 5
TRIES = 200


class ConcurrentBatesTests(TransactionTestCase):
    def setUp(self) -> None:
        self.household = Household.objects.create(name="Rivera household")

    def hammer(self, pages: int) -> tuple[list[BaseException], list[tuple[int, int]]]:
        start = threading.Barrier(THREADS)
        errors: list[BaseException] = []
        ranges: list[tuple[int, int]] = []

        def work(worker: int) -> None:
            household = Household.objects.get(pk=self.household.pk)
            try:
                start.wait()
                for _report in range(REPORTS_PER_THREAD):
                    for _try in range(TRIES):
                        first = bates.peek(household)
                        with transaction.atomic():
                            if bates.take(household, first, pages):
                                ranges.append((first, first + pages - 1))
                                break
                    else:
                        raise AssertionError(f"worker {worker} never got a range")
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return errors, ranges

    def assert_disjoint_and_contiguous(self, ranges: list[tuple[int, int]], pages: int, first: int = 1) -> None:
        assert len(ranges) == THREADS * REPORTS_PER_THREAD
        expected = [(first + n * pages, first + (n + 1) * pages - 1) for n in range(THREADS * REPORTS_PER_THREAD)]
        assert sorted(ranges) == expected
        counter = BatesCounter.objects.get(household=self.household)
        assert counter.next_number == first + THREADS * REPORTS_PER_THREAD * pages

    def test_first_reports_at_the_same_instant_create_one_counter_and_never_fail(self) -> None:
        assert not BatesCounter.objects.filter(household=self.household).exists()
        errors, ranges = self.hammer(pages=3)
        assert errors == []
        assert BatesCounter.objects.filter(household=self.household).count() == 1
        self.assert_disjoint_and_contiguous(ranges, pages=3)

    def test_reports_of_a_household_with_a_counter_take_disjoint_ranges(self) -> None:
        BatesCounter.objects.create(household=self.household, next_number=41)
        errors, ranges = self.hammer(pages=2)
        assert errors == []
        self.assert_disjoint_and_contiguous(ranges, pages=2, first=41)
