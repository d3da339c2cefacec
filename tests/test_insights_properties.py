"""Properties of the arithmetic that hold for any log (hypothesis).

Random logs over Maya's autumn 2026 (entries of any status and minutes, make-ups, absences), then:
the shortfall is never negative, one more delivered minute never raises it, and splitting a range in
two gives the same day counts as the whole.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from insights.compliance import Compliance, compute_compliance
from insights.results import sum_counts
from logbook.models import LogEntry
from plans.models import Absence
from tests.base import BaseTestCase

FIRST = date(2026, 8, 31)
LAST = date(2026, 12, 20)
SPAN = (LAST - FIRST).days

entry_strategy = st.tuples(
    st.integers(0, SPAN),  # day offset
    st.sampled_from(["extended_time", "speech"]),
    st.sampled_from(["delivered", "partial", "missed", "not_applicable", "unknown"]),
    st.one_of(st.none(), st.integers(0, 90)),  # minutes
    st.booleans(),  # make-up
)
log_strategy = st.lists(entry_strategy, max_size=60, unique_by=lambda e: (e[0], e[1], e[4]))
absence_strategy = st.lists(st.integers(0, SPAN), max_size=8, unique=True)


class PropertyTests(HypothesisTestCase, BaseTestCase):
    def write_log(self, entries: list[tuple[int, str, str, int | None, bool]], absences: list[int]) -> None:
        LogEntry.objects.bulk_create(
            LogEntry(
                child=self.child,
                date=FIRST + timedelta(days=offset),
                provision=getattr(self, name),
                status=status,
                minutes_delivered=minutes,
                is_makeup=makeup,
                miss_reason="provider_absent" if status == "missed" else "",
            )
            for offset, name, status, minutes, makeup in entries
        )
        Absence.objects.bulk_create(
            Absence(child=self.child, date=FIRST + timedelta(days=offset)) for offset in absences
        )

    def whole(self) -> Compliance:
        return compute_compliance(self.child, FIRST, LAST)

    @settings(max_examples=40, deadline=None)
    @given(log_strategy, absence_strategy)
    def test_the_shortfall_is_never_negative(self, entries: list, absences: list[int]) -> None:
        """Given any log, when computing, then every period's and every total's shortfall is >= 0,
        and a period's shortfall is exactly max(0, required - delivered)."""
        self.write_log(entries, absences)
        result = self.whole()
        for provision in result.services:
            assert provision.service is not None
            assert provision.service.shortfall >= 0
            for period in provision.service.periods:
                if period.shortfall is not None:
                    assert period.shortfall == max(0, period.required - period.delivered) >= 0
        assert result.minutes.shortfall >= 0

    @settings(max_examples=30, deadline=None)
    @given(log_strategy, absence_strategy, st.data())
    def test_one_more_delivered_minute_never_raises_the_shortfall(
        self, entries: list, absences: list[int], data: st.DataObject
    ) -> None:
        """Given any log with at least one speech entry, when one of its entries gains a minute,
        then no period's shortfall and not the total rises (a minute can only be added to a period
        that is already logged; an entry in a not-logged period makes it logged, which is a new fact,
        not a delivered minute)."""
        self.write_log(entries, absences)
        speech_entries = list(LogEntry.objects.filter(provision=self.speech).order_by("pk"))
        if not speech_entries:
            return
        before = self.whole()
        chosen = data.draw(st.sampled_from(speech_entries))
        chosen.minutes_delivered = (chosen.minutes_delivered or 0) + 1
        chosen.save()
        after = self.whole()
        old, new = before.services[0].service, after.services[0].service
        assert old is not None and new is not None
        assert new.shortfall <= old.shortfall
        for period_before, period_after in zip(old.periods, new.periods, strict=True):
            if period_before.shortfall is not None and period_after.shortfall is not None:
                assert period_after.shortfall <= period_before.shortfall

    @settings(max_examples=40, deadline=None)
    @given(log_strategy, absence_strategy, st.integers(0, SPAN - 1))
    def test_splitting_the_range_in_two_sums_to_the_whole_for_day_counts(
        self, entries: list, absences: list[int], cut: int
    ) -> None:
        """Given any log and any cut day, when computing [first, cut] and [cut + 1, last],
        then each provision's day counts (and the totals) add up to those of the whole range."""
        self.write_log(entries, absences)
        middle = FIRST + timedelta(days=cut)
        whole = self.whole()
        left = compute_compliance(self.child, FIRST, middle)
        right = compute_compliance(self.child, middle + timedelta(days=1), LAST)
        for provision in whole.provisions:
            parts = [p.days for part in (left, right) for p in part.provisions if p.lineage == provision.lineage]
            assert sum_counts(parts) == provision.days
        assert left.totals + right.totals == whole.totals
