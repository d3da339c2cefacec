"""A letter as PDF, with the same Typst engine, fonts and archival standards as the reports."""

from __future__ import annotations

from advocacy.models import Letter
from reports.render import render_pdf
from reports.words import letter_words


def letter_pdf(letter: Letter, author: str) -> bytes:
    paragraphs = [block.split("\n") for block in letter.body.strip().split("\n\n")]
    data = {
        "title": letter.subject,
        "author": author or "IEP Right",
        "footer": f"{letter.get_kind_display()} · {letter.child.name}",
        "paragraphs": paragraphs,
        "words": letter_words(),
    }
    return render_pdf("letter", data).pdf
