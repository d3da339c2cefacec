"""The method text: one source for pages and reports, kept in step with docs/method.md."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

from insights.method import DISCLAIMER, METHOD_SECTIONS, METHOD_TEXT


class MethodTextTests(SimpleTestCase):
    def test_docs_method_carries_every_paragraph_word_for_word(self) -> None:
        """Given docs/method.md, when compared with METHOD_SECTIONS, then each heading and paragraph is there."""
        doc = (Path(settings.BASE_DIR) / "docs" / "method.md").read_text()
        for heading, paragraphs in METHOD_SECTIONS:
            assert f"## {heading}\n" in doc
            for paragraph in paragraphs:
                assert paragraph in doc, paragraph[:60]

    def test_it_says_documented_shortfall_and_never_compensatory_education_owed(self) -> None:
        text = METHOD_TEXT.lower()
        assert "documented shortfall" in text
        assert "compensatory education owed" not in text
        assert "do not prove a violation" in DISCLAIMER

    def test_the_plain_text_holds_every_section(self) -> None:
        for heading, paragraphs in METHOD_SECTIONS:
            assert heading in METHOD_TEXT
            assert all(paragraph in METHOD_TEXT for paragraph in paragraphs)
