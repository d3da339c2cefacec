"""Pattern findings: thresholds, plain sentences, ordering, reasons, and the Fisher exact test."""

from __future__ import annotations

import math
from datetime import date, timedelta
from fractions import Fraction

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from insights.compliance import compute_compliance
from insights.patterns import Finding, Patterns, find_patterns, fisher_exact_greater
from tests.base import BaseTestCase
from tests.insights_support import D, log, tag_day


def school_days(first: str, count: int) -> list[date]:
    """``count`` Monday-Friday days from ``first`` (Maya's autumn has no holiday before 25 Nov)."""
    days: list[date] = []
    day = D(first)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


class FisherTests(SimpleTestCase):
    def test_the_tea_tasting_table_gives_17_in_70(self) -> None:
        """Given [[3, 1], [1, 3]], when testing one-sided, then p = (16 + 1) / 70 (Fisher's lady tasting tea)."""
        assert fisher_exact_greater(3, 1, 1, 3) == float(Fraction(17, 70))

    def test_a_hand_computed_table(self) -> None:
        """Given [[8, 2], [1, 5]], when testing, then p = (C(9,8)C(7,2) + C(9,9)C(7,1)) / C(16,10) = 196/8008."""
        assert fisher_exact_greater(8, 2, 1, 5) == float(Fraction(196, 8008))

    def test_the_published_dieting_example(self) -> None:
        """Given the dieting example of Wikipedia's "Fisher's exact test" (12 men, 12 women, 10 dieting,
        1 dieting man), when testing the other way round ([[11, 3], [1, 9]]), then p is the observed
        table's probability 2640/1961256 (0.001346076, as published) plus the more extreme 66/1961256."""
        assert Fraction(math.comb(12, 1) * math.comb(12, 9), math.comb(24, 10)) == Fraction(2640, 1961256)
        assert math.isclose(2640 / 1961256, 0.001346076, rel_tol=1e-6)
        assert fisher_exact_greater(11, 3, 1, 9) == float(Fraction(2706, 1961256))
        assert math.isclose(fisher_exact_greater(11, 3, 1, 9), 0.0013797, rel_tol=1e-4)

    def test_edge_tables(self) -> None:
        """Given no misses at all, p = 1; a perfect split of 5 and 5, p = 1 / C(10, 5)."""
        assert fisher_exact_greater(0, 5, 0, 5) == 1.0
        assert fisher_exact_greater(5, 0, 0, 5) == 1 / 252
        assert fisher_exact_greater(0, 3, 4, 0) == 1.0

    def test_big_tables_are_exact_and_fast(self) -> None:
        """Given a table from four years of logging, when testing, then p is a probability."""
        p = fisher_exact_greater(60, 140, 400, 9400)
        assert 0 <= p < 1e-20

    @given(st.integers(0, 12), st.integers(0, 12), st.integers(0, 12), st.integers(0, 12))
    def test_it_matches_the_hypergeometric_tail_written_out(self, a: int, b: int, c: int, d: int) -> None:
        """Given any small table, when testing, then p equals the tail summed term by term with math.comb."""
        misses, row, total = a + c, a + b, a + b + c + d
        tail = sum(
            Fraction(math.comb(misses, x) * math.comb(total - misses, row - x), math.comb(total, row))
            for x in range(a, min(misses, row) + 1)
        )
        assert fisher_exact_greater(a, b, c, d) == float(tail)


class PatternTestCase(BaseTestCase):
    def patterns(self, start: str = "2026-09-01", end: str = "2026-12-18") -> Patterns:
        return find_patterns(compute_compliance(self.child, D(start), D(end)))

    def findings(self, dimension: str, group: str | None = None) -> list[Finding]:
        return [
            f
            for f in self.patterns().findings
            if f.dimension == dimension and (group is None or f.group == group) and f.lineage is not None
        ]

    def log_tagged(self, tagged: tuple[int, int], untagged: tuple[int, int]) -> None:
        """Extended time on (misses, delivered) substitute days, then (misses, delivered) other days."""
        days = iter(school_days("2026-09-01", sum(tagged) + sum(untagged)))
        for misses, delivered, tag in [(*tagged, True), (*untagged, False)]:
            for status in ["missed"] * misses + ["delivered"] * delivered:
                day = next(days)
                log(self.extended_time, day, status, reason="substitute" if status == "missed" else "")
                if tag:
                    tag_day(self.child, day.isoformat(), "substitute")


class ThresholdTests(PatternTestCase):
    def test_a_group_at_twice_the_rest_with_three_misses_is_reported(self) -> None:
        """Given 3 misses on 6 substitute days (1/2) and 5 on 20 other days (1/4),
        when finding patterns, then the substitute days are a finding (exactly 2x, 3 misses)."""
        self.log_tagged((3, 3), (5, 15))
        (finding,) = self.findings("tag", "substitute")
        assert finding.sentence == "3 of 8 misses of Extended time were on days tagged substitute."
        assert (finding.group_rate, finding.rest_rate, finding.ratio) == (Fraction(1, 2), Fraction(1, 4), 2)
        assert "Missed: 3 of 6 logged days tagged substitute (50.0%)" in finding.detail
        assert "against 5 of 20 not tagged substitute (25.0%)" in finding.detail
        assert f"p = {finding.p_value:.2f}" in finding.detail

    def test_a_group_just_below_twice_the_rest_is_not_reported(self) -> None:
        """Given 3 of 6 substitute days missed (1/2) and 6 of 20 other days (3/10, so 2x is 3/5),
        when finding patterns, then nothing is said about substitute days."""
        self.log_tagged((3, 3), (6, 14))
        assert self.findings("tag", "substitute") == []

    def test_a_group_with_only_two_misses_is_not_reported_however_strong(self) -> None:
        """Given 2 of 2 substitute days missed and 0 of 20 other days, when finding patterns, then no finding."""
        self.log_tagged((2, 0), (0, 20))
        assert self.findings("tag") == []

    def test_a_group_when_the_rest_never_missed_is_reported(self) -> None:
        """Given 3 of 4 substitute days missed and no other miss in 20 days, when finding patterns,
        then the finding has no ratio (the rest's rate is 0) and a small p-value."""
        self.log_tagged((3, 1), (0, 20))
        (finding,) = self.findings("tag", "substitute")
        assert finding.ratio is None
        assert finding.p_value == fisher_exact_greater(3, 1, 0, 20)
        assert finding.p_value < 0.01

    def test_the_example_sentence_of_the_design(self) -> None:
        """Given 11 of 14 misses on substitute days, when finding patterns, then the sentence says so."""
        self.log_tagged((11, 5), (3, 60))
        (finding,) = self.findings("tag", "substitute")
        assert finding.sentence == "11 of 14 misses of Extended time were on days tagged substitute."

    def test_partial_is_not_a_miss(self) -> None:
        """Given 4 partial on substitute days and all other days delivered, when finding patterns, then no finding."""
        days = school_days("2026-09-01", 24)
        for day in days[:4]:
            log(self.extended_time, day, "partial", reason="substitute")
            tag_day(self.child, day.isoformat(), "substitute")
        for day in days[4:]:
            log(self.extended_time, day)
        assert self.patterns().findings == ()


class DimensionTests(PatternTestCase):
    def test_weekday_and_month_findings_read_plainly_and_source_is_no_group(self) -> None:
        """Given extended time missed every Monday of September (4) told by the child, and speech missed
        on Tue 3 times in October with a new provider, when finding patterns, then each shows in words."""
        for day in school_days("2026-09-01", 40):
            missed = day.weekday() == 0 and day.month == 9
            log(self.extended_time, day, "missed" if missed else "delivered", source="child_said" if missed else "")
        weekday = self.findings("weekday", "0")[0]
        assert weekday.sentence == "4 of 4 misses of Extended time were on Mondays."
        month = self.findings("month", "2026-09")[0]
        assert month.sentence == "4 of 4 misses of Extended time were in September 2026."
        # Issue 11: only misses are asked for a source, so it is a breakdown of the misses, never a group.
        assert self.findings("source", "child_said") == []
        overall = self.patterns().sources[0]
        assert [(s.source, s.count, s.percent) for s in overall.sources] == [("child_said", 4, "100.0")]

    def test_responsible_staff_is_compared_across_all_provisions(self) -> None:
        """Given speech (speech-language pathologist) missed 3 of 4 sessions and extended time
        (classroom teacher) never missed in 20 days, when finding patterns,
        then across all provisions the misses gather with the pathologist."""
        for day in school_days("2026-09-14", 10):
            log(self.extended_time, day)
            log(self.extended_time, day + timedelta(days=14))
        for session, status in zip(["2026-09-15", "2026-09-17", "2026-09-22", "2026-09-24"], "mmmd", strict=True):
            log(self.speech, session, "missed" if status == "m" else "delivered", 0 if status == "m" else 30)
        findings = [f for f in self.patterns().findings if f.dimension == "provider" and f.lineage is None]
        assert [f.sentence for f in findings] == [
            "3 of 3 misses across all provisions were with Speech-language pathologist responsible."
        ]
        assert findings[0].detail.startswith(
            "Missed: 3 of 4 logged items with Speech-language pathologist responsible (75.0%), "
            "against 0 of 20 with other staff responsible (0.0%)."
        )

    def test_findings_are_ordered_strongest_first(self) -> None:
        """Given several findings, when listed, then their p-values never decrease."""
        self.log_tagged((11, 5), (3, 60))
        p_values = [f.p_value for f in self.patterns().findings]
        assert len(p_values) >= 2
        assert p_values == sorted(p_values)


class ReasonTests(PatternTestCase):
    def test_reasons_are_a_breakdown_of_the_misses_with_shares(self) -> None:
        """Given 20 days of extended time with 5 misses, one on each weekday (substitute x3, provider
        absent, parent request), when finding patterns, then the breakdown shows 60% substitute and 20%
        each, school-caused marked, and there is no finding at all: the 3 substitute misses would stand
        out from the 2 misses of the other 17 days if a reason were compared as a group (only misses
        carry one, so it always would), and no weekday, month, tag or staff group stands out."""
        days = school_days("2026-09-01", 20)
        misses = ["substitute", "provider_absent", "substitute", "parent_request", "substitute"]
        reasons = dict(zip(days[:5], misses, strict=True))
        assert sorted(day.weekday() for day in reasons) == [0, 1, 2, 3, 4]
        for day in days:
            if day in reasons:
                log(self.extended_time, day, "missed", reason=reasons[day])
            else:
                log(self.extended_time, day)
        patterns = self.patterns()
        assert patterns.entries_considered == 20
        overall = patterns.reasons[0]
        assert overall.lineage is None
        assert [(r.reason, r.count, r.percent, r.school_caused) for r in overall.reasons] == [
            ("substitute", 3, "60.0", True),
            ("parent_request", 1, "20.0", False),
            ("provider_absent", 1, "20.0", True),
        ]
        assert patterns.findings == ()
        assert patterns.to_json()["reasons"][0]["reasons"][0]["share"] == {
            "numerator": 3,
            "denominator": 5,
            "percent": "60.0",
        }


class Issue11PatternTests(PatternTestCase):
    def test_a_source_only_misses_carry_is_never_a_finding(self) -> None:
        """Given 5 misses told by the child among 20 days (delivered days have no source), when
        finding patterns, then no finding is about the source; the source is a breakdown: 5 of 5."""
        for n, day in enumerate(school_days("2026-09-01", 20)):
            missed = n % 4 == 0
            log(self.extended_time, day, "missed" if missed else "delivered", source="child_said" if missed else "")
        patterns = self.patterns()
        assert all(f.dimension != "source" for f in patterns.findings)
        assert patterns.sources[0].misses == 5
        assert patterns.to_json()["sources"][0]["sources"][0]["label"] == "My child told me"

    def test_staff_is_no_group_when_some_provision_names_none(self) -> None:
        """Given speech (with a provider) missed 3 of 4 and extended time with no staff named, when
        finding patterns across all provisions, then there is no provider finding (not every entry has it)."""
        self.extended_time.responsible_staff = ""
        self.extended_time.save()
        for day in school_days("2026-09-14", 10):
            log(self.extended_time, day)
        for session, status in zip(["2026-09-15", "2026-09-17", "2026-09-22", "2026-09-24"], "mmmd", strict=True):
            log(self.speech, session, "missed" if status == "m" else "delivered", 0 if status == "m" else 30)
        assert [f for f in self.patterns().findings if f.dimension == "provider" and f.lineage is None] == []
