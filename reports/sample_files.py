"""Plausible files a family keeps, made on the spot: a worksheet photo, an IEP PDF, a saved email.

The demo family (``reports.demo``) and the tests use them so that reports show exhibits: a photo of
a worksheet handed out without the word bank the IEP requires, the IEP document itself, and an email
from the school. The images are typeset by Typst (already a dependency) rather than drawn with an
imaging library; a source string is compiled directly, without any user text in it.
"""

from __future__ import annotations

from datetime import date

import typst

WORKSHEET = b"""
#set page(width: 5in, height: 3.6in, margin: 0.3in, fill: rgb("#fbfaf4"))
#set text(font: "DejaVu Sans", size: 10pt)
#text(size: 13pt, weight: "bold")[Science quiz: the water cycle] #h(1fr) Name: #box(width: 1.2in, stroke: (bottom: 0.5pt))
#v(4pt)
#text(size: 8.5pt, fill: rgb("#555"))[Fill in each blank. 10 minutes. No notes.]
#v(6pt)
1. Water turns into vapor by #box(width: 1.1in, stroke: (bottom: 0.5pt)). \\
2. Vapor cools into clouds by #box(width: 1.1in, stroke: (bottom: 0.5pt)). \\
3. Rain, snow and hail are called #box(width: 1.1in, stroke: (bottom: 0.5pt)). \\
4. Water that gathers in lakes is called #box(width: 1.1in, stroke: (bottom: 0.5pt)).
#v(8pt)
#rect(width: 100%, stroke: (paint: rgb("#b3261e"), dash: "dashed"), inset: 6pt)[
  #text(fill: rgb("#b3261e"))[Word bank: (none printed on this copy)]
]
#place(bottom + right, text(size: 8pt, fill: rgb("#777"))[Photo taken at pick-up])
"""


def worksheet_png() -> bytes:
    """A photo-like PNG of a quiz handed out without its word bank (the accommodation skipped)."""
    return bytes(typst.compile(WORKSHEET, format="png", ppi=110))


def iep_pdf(child_name: str, school: str, effective_from: date) -> bytes:
    """A short IEP document as a PDF (the names are the demo's own, never user input)."""
    safe = "".join(c for c in f"{child_name} {school}" if c.isalnum() or c in " .,'-")
    source = f"""
#set page(paper: "us-letter", margin: 0.8in)
#set text(font: "DejaVu Serif", size: 10.5pt)
#align(center, text(size: 15pt, weight: "bold")[Individualized Education Program])
#align(center)[{safe}]
#v(6pt)
Effective from {effective_from.isoformat()}. Annual review within one year.
== Accommodations
- Extended time (1.5x) on tests, quizzes and in-class assignments.
- Word bank provided on fill-in-the-blank assessments.
- Preferential seating near instruction.
== Services
- Speech-language therapy, 60 minutes per week, individual, in the speech room.
- Occupational therapy, 120 minutes per month.
""".encode()
    return bytes(typst.compile(source, pdf_standards=["a-2b"]))


def school_email(child_first_name: str, day: date) -> bytes:
    """A saved email (.eml) from the school about a missed session."""
    when = day.strftime("%a, %d %b %Y 15:42:00 -0500")
    return (
        "From: Ms. Patel <patel@school.example>\r\n"
        "To: Parent <parent@example.com>\r\n"
        f"Subject: Speech today for {child_first_name}\r\n"
        f"Date: {when}\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        f"Hello, the speech therapist was out today, so {child_first_name} did not have speech.\r\n"
        "We are not able to schedule a make-up session this week.\r\n"
        "Ms. Patel\r\n"
    ).encode()
