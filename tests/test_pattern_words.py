"""The pattern findings' sentences and details are whole messages for translation.

With the patterns module's gettext functions marking every message in «», each finding on the insights
page and in the evidence report is one marked message (the plural weekday inside it is one too), with
no English of its own around the marks; the count that decides the grammar picks the form.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from html import unescape
from unittest import mock

import time_machine
from django.urls import reverse
from django.utils import translation

from insights import patterns
from insights.compliance import compute_compliance
from insights.patterns import find_patterns
from plans.models import Child
from reports.services import generate_report
from reports.storage import read_report
from tests.base import BaseTestCase
from tests.pdfcheck import flat, pdf_text
from tests.reports_support import TempFiles, build_demo_child
from tests.test_report_words import marked, outside_marks
from tests.translation_support import marking

START, END = date(2026, 8, 24), date(2027, 6, 4)
# The English the findings were glued from: none of it may be left outside a mark.
PATTERN_ENGLISH = [
    "misses across all provisions",
    " misses of ",
    "were on",
    "were in",
    "days tagged",
    "logged items",
    "logged days",
    "on other days",
    "in other months",
    "not tagged",
    "other staff responsible",
    "One-sided Fisher exact test",
    "Missed:",
    "Mondays",
    "Fridays",
]


def marked_patterns() -> AbstractContextManager[None]:
    """Every message of insights.patterns wrapped in «», as a translation would replace it."""
    return marking(patterns)


class MarkedFindingsTests(TempFiles, BaseTestCase):
    demo: Child

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.demo = build_demo_child(cls.household, cls.alice)

    def english_findings(self) -> tuple[patterns.Finding, ...]:
        return find_patterns(compute_compliance(self.demo, START, END)).findings

    def test_every_finding_on_the_insights_page_is_one_marked_message(self) -> None:
        """Given a year of logs with findings of every dimension across all provisions and for single
        provisions, when the insights page opens with every message marked, then each finding's sentence
        is one mark and its detail two (the counts, the test), with nothing outside them."""
        found = self.english_findings()
        assert {f.dimension for f in found if f.lineage is None} == {"weekday", "month", "tag", "provider"}
        assert {f.dimension for f in found if f.lineage is not None} >= {"weekday", "month", "tag"}
        self.client.force_login(self.alice)
        with marked_patterns():
            html = self.client.get(
                reverse("insights:dashboard", args=[self.demo.pk]),
                {"range": "custom", "from": START.isoformat(), "to": END.isoformat()},
            ).content.decode()
        shown = [
            (unescape(sentence), unescape(detail))
            for sentence, detail in re.findall(
                r'<p class="insights-finding">(.*?)</p><p class="insights-note">(.*?)</p>', html
            )
        ]
        assert len(shown) == len(found) > 5
        for sentence, detail in shown:
            assert outside_marks(sentence) == "·", sentence
            assert outside_marks(detail) == "· ·", detail
        sentences = [sentence for sentence, _ in shown]
        assert any("«Fridays»" in s and "across all provisions were on" in s for s in sentences)
        assert any(" misses of " in s and "days tagged" in s for s in sentences)
        assert any("with Speech-language pathologist responsible.»" in s for s in sentences)
        assert all(re.search(r" «One-sided Fisher exact test: p [=<] [\d.]+\.»$", d) for _, d in shown)
        weekday = next(f for f in found if f.dimension == "weekday")
        marked_weekday = f"«{weekday.sentence.replace(weekday.group_label, f'«{weekday.group_label}»')}»"
        assert marked_weekday in sentences

    def test_every_finding_in_the_evidence_report_is_marked(self) -> None:
        """Given the same year, when the evidence report is made with every message marked (its words and
        the patterns'), then its findings are printed marked and no English of the findings is outside."""
        found = self.english_findings()
        with marked(), marked_patterns(), time_machine.travel(datetime(2027, 6, 10, 18, 0, tzinfo=UTC), tick=True):
            report = generate_report(self.demo, user=self.alice, kind="evidence", start=START, end=END)
        text = flat(pdf_text(read_report(report.sha256)))
        assert f"«{found[0].sentence}»" in text
        assert "«One-sided Fisher exact test: p < 0.0001.»" in text
        left = outside_marks(text)
        assert [s for s in PATTERN_ENGLISH if s in left] == []

    def test_the_english_is_unchanged(self) -> None:
        """Given the same year, then the sentences read as they did when they were glued from pieces."""
        sentences = {f.sentence for f in self.english_findings()}
        assert "86 of 250 misses across all provisions were on Fridays." in sentences
        assert "67 of 250 misses across all provisions were in September 2026." in sentences
        assert "94 of 250 misses across all provisions were on days tagged substitute." in sentences
        assert "23 of 250 misses across all provisions were with Speech-language pathologist responsible." in sentences
        assert "12 of 25 misses of Reduced assignments were on days tagged substitute." in sentences


VALUES = {
    "weekdays": "Mondays",
    "month": "September 2026",
    "tag": "substitute",
    "staff": "Speech-language pathologist",
    "provision": "Speech therapy",
    "total": 5,
    "percent": "100.0",
    "rest_misses": 4,
    "rest_entries": 20,
    "rest_percent": "20.0",
}


def test_a_single_miss_and_a_single_day_read_in_the_singular() -> None:
    """Given one miss of five, and one logged day, then the sentence says "was" and the detail "day";
    given three, "were" and "days". (A finding needs three misses, so only the messages meet one.)"""
    one = {**VALUES, "misses": 1, "entries": 1}
    three = {**VALUES, "misses": 3, "entries": 3}
    assert patterns._sentence("weekday", True, 1, one) == "1 of 5 misses across all provisions was on Mondays."
    assert patterns._sentence("weekday", True, 3, three) == "3 of 5 misses across all provisions were on Mondays."
    assert patterns._sentence("tag", False, 1, one) == "1 of 5 misses of Speech therapy was on days tagged substitute."
    assert patterns._counts("month", False, 1, one).startswith("Missed: 1 of 1 logged day in September 2026 (100.0%)")
    assert patterns._counts("month", False, 3, three).startswith("Missed: 3 of 3 logged days in September 2026")
    assert patterns._counts("provider", True, 1, one).startswith("Missed: 1 of 1 logged item with Speech-language")
    with marked_patterns():
        assert patterns._sentence("month", False, 1, one) == "«1 of 5 misses of Speech therapy was in September 2026.»"
        assert patterns._sentence("month", False, 3, three).startswith("«3 of 5 misses of Speech therapy were in")


def test_a_translation_replaces_the_whole_sentence() -> None:
    """Given a Spanish catalog with the sentence and the plural weekday, then the finding is the Spanish
    sentence with the numbers and names put in, not English pieces around Spanish words."""
    spanish = {
        "%(misses)s of %(total)s misses of %(provision)s were on %(weekdays)s.": (
            "%(misses)s de %(total)s faltas de %(provision)s fueron los %(weekdays)s."
        ),
        "Mondays": "lunes",
    }
    real_ngettext = translation._trans.ngettext  # type: ignore[attr-defined]
    real_pgettext = translation._trans.pgettext  # type: ignore[attr-defined]

    def ngettext(singular: str, plural: str, count: int) -> str:
        return spanish.get(plural if count != 1 else singular) or real_ngettext(singular, plural, count)

    def pgettext(context: str, message: str) -> str:
        return spanish.get(message) or real_pgettext(context, message)

    with (
        mock.patch.object(translation._trans, "ngettext", ngettext),  # type: ignore[attr-defined]
        mock.patch.object(translation._trans, "pgettext", pgettext),  # type: ignore[attr-defined]
        translation.override("es"),
    ):
        name = patterns._weekdays(0)
        sentence = patterns._sentence("weekday", False, 4, {**VALUES, "misses": 4, "weekdays": name})
    assert sentence == "4 de 5 faltas de Speech therapy fueron los lunes."
