"""Demo logs: realistic, patterned, recorded through the services so that the ledger adds up."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date

from django.utils import timezone

from evidence.ledger import GENESIS_HASH, compute_hash
from evidence.models import EvidenceRecord
from evidence.verify import verify_child
from logbook.days import MISSED_STATUSES
from logbook.demo import add_demo_logs
from logbook.models import DayNote, LogEntry, MissReason
from logbook.payloads import current_day_notes, current_entries
from tests.logbook_base import TODAY, LogbookTestCase


class DemoTests(LogbookTestCase):
    def test_a_term_of_demo_logs_shows_the_patterns_and_the_ledger_verifies(self) -> None:
        summary = add_demo_logs(self.child, self.alice, date(2026, 9, 1), date(2026, 12, 31), random.Random(3))
        entries = list(LogEntry.objects.filter(child=self.child))
        assert summary.entries == len(entries) > 60
        assert max(e.date for e in entries) <= TODAY  # never past today
        assert summary.days_logged > 40
        assert summary.lags[0] > sum(n for lag, n in summary.lags.items() if lag > 0)
        assert set(summary.lags) <= {0, 1, 2, 3}
        assert {e.recording_lag_days for e in entries} <= {0, 1, 2, 3}

        # Misses of the classroom accommodation cluster on substitute days.
        substitute_days = {n.date for n in DayNote.objects.filter(child=self.child) if "substitute" in n.tags}
        extended = [e for e in entries if e.provision == self.extended_time and not e.is_makeup]
        on_sub = [e for e in extended if e.date in substitute_days]
        elsewhere = [e for e in extended if e.date not in substitute_days]
        assert on_sub, "some substitute days"

        def rate(group: list[LogEntry]) -> float:
            return sum(e.status in MISSED_STATUSES for e in group) / len(group)

        assert rate(on_sub) > 2 * rate(elsewhere)
        # The speech provider cancels often.
        speech = [e for e in entries if e.provision == self.speech and not e.is_makeup]
        reasons = Counter(e.miss_reason for e in speech if e.status in MISSED_STATUSES)
        assert reasons[MissReason.PROVIDER_ABSENT] + reasons[MissReason.CANCELLED_BY_SCHOOL] >= 5
        assert rate(speech) > 2 * rate(elsewhere)

        # The chain is whole, the demo's records are in time order, and the tables match the latest payloads.
        previous = GENESIS_HASH
        for record in EvidenceRecord.objects.filter(child=self.child).order_by("seq"):
            assert record.prev_hash == previous and compute_hash(record) == record.hash
            previous = record.hash
        records = list(self.new_records())
        assert {r.child_id for r in records} == {self.child.pk}
        assert [r.recorded_at for r in records] == sorted(r.recorded_at for r in records)
        latest = {(r.object_type, r.object_id): json.loads(r.payload) for r in records}
        current = {("log_entry", k): v for k, v in current_entries(self.child.pk).items()}
        current |= {("day_note", k): v for k, v in current_day_notes(self.child.pk).items()}
        assert current == latest
        assert verify_child(self.child.pk).ok
        # Recording lag agrees with the ledger's own clock.
        for entry in entries:
            first = next(r for r in records if r.object_id == str(entry.pk) and r.kind == "log_entry.created")
            assert (timezone.localtime(first.recorded_at).date() - entry.date).days == entry.recording_lag_days

    def test_without_patterns_misses_are_rare_everywhere(self) -> None:
        add_demo_logs(self.child, self.alice, date(2026, 9, 1), date(2026, 11, 5), random.Random(5), patterns=False)
        entries = list(LogEntry.objects.filter(child=self.child, is_makeup=False))
        missed = sum(e.status in MISSED_STATUSES for e in entries)
        assert missed / len(entries) < 0.12
