"""The reports' words: none in the Typst templates, all from reports/words.py through gettext.

A scan of the templates fails on an English word placed as content or as a string to print; a render
with the words module's gettext functions marking every message shows the marks on the pages and no
sentence of the templates left unmarked.
"""

from __future__ import annotations

import re
import uuid
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import time_machine
from django.conf import settings

from correspondence.services import create_communication
from insights import method, numbers
from logbook.models import MissReason, Status
from plans import models as plans_models
from reports import communications, data, texts, words
from reports.services import generate_report
from reports.storage import read_report
from tests.base import BaseTestCase
from tests.pdfcheck import flat, pdf_text
from tests.reports_support import TempFiles, log
from tests.translation_support import marking

TYPST = Path(settings.BASE_DIR) / "reports" / "typst"
# probe.typ is the renderer's test page (tests and benches only), never shown to a person.
TEMPLATES = sorted(path for path in TYPST.glob("*.typ") if path.name != "probe.typ")

# Strings the templates may hold: data keys and values they compare with, Typst's own option values,
# file paths, and names that stay as they are in every language. Anything else with a letter is a
# word to print, and must come from reports/words.py.
KEYS = {
    "photo", "logged", "not_logged", "none", "off", "communications",  # data keys and values
    "bold", "italic", "contain", "dotted", "us-letter", "a-3b", "ua-1",  # Typst option values
    "/exhibits/", "lib.typ", "communications.typ", "sections.typ", "file",  # paths, sys.inputs keys
    ")s", "%(",  # the placeholder lib.typ's fill looks for
    "", "b", "i", "k", "m", "h", "path", "data",  # the styles of lib.typ's rich, keys of sys.inputs
    "Typst ",  # the compiler's name, before its version (typst-version)
}  # fmt: skip
# Words of Typst code that are not printed: keywords, the built-in functions and values the
# templates use, units. Names the templates define (let, parameters) are found by the scan itself.
CODE = {
    "let", "if", "else", "for", "in", "not", "and", "or", "while", "return", "set", "show", "import", "context",
    "none", "auto", "true", "false", "it", "data", "fonts", "sys", "inputs", "json", "bytes", "str", "calc",
    "range", "table", "grid", "text", "box", "block", "stack", "rect", "line", "place", "align", "image", "figure",
    "heading", "outline", "counter", "page", "document", "par", "enum", "pdf", "read", "raw", "strong", "emph",
    "upper", "rgb", "luma", "left", "right", "center", "top", "bottom", "horizon", "btt", "white", "pagebreak",
    "linebreak", "v", "h", "where", "with", "pt", "fr", "em", "cell", "header", "hline",
}  # fmt: skip
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
COLOR = re.compile(r"#[0-9a-f]{6}")
COMMENT = re.compile(r"//[^\n]*")
DEFINED = re.compile(r"\blet\s+\(?([\w\s,-]+?)\)?\s*[=(]|\bfor\s+\(?([\w\s,-]+?)\)?\s+in\b|\(?([\w\s,-]+?)\)?\s*=>")
PARAMS = re.compile(r"\blet\s+[\w-]+\(([^)]*)\)")
# A word of markup: not an identifier after # or ., not a call, a field, a named argument or a unit.
WORD = re.compile(r"(?<![\w#.\-\d])([A-Za-z][A-Za-z]*(?:-[A-Za-z]+)*)(?![\w(.:\-])")


def defined_names(source: str) -> set[str]:
    """The names a template defines (let, parameters, loop and closure variables)."""
    code = STRING.sub('""', COMMENT.sub("", source))
    names = set()
    for match in DEFINED.finditer(code):
        for group in match.groups():
            names.update(re.findall(r"[\w-]+", group or ""))
    for match in PARAMS.finditer(code):
        names.update(re.findall(r"([\w-]+)\s*(?::|,|$)", match.group(1)))
    return names


# Names every template may use: those lib.typ and the other templates define (and import).
DEFINED_NAMES = set().union(*(defined_names(path.read_text()) for path in TYPST.glob("*.typ")))


def unmarked_words(source: str) -> list[str]:
    """The English a template would print itself: strings to print, and words written as markup."""
    text = COMMENT.sub("", source)
    found = []
    for literal in STRING.findall(text):
        plain = re.sub(r"\\.", "", literal)
        if re.search(r"[A-Za-z]", plain) and literal not in KEYS and not COLOR.fullmatch(literal):
            found.append(f'"{literal}"')
    code = STRING.sub('""', text)
    names = CODE | DEFINED_NAMES | defined_names(source)
    found += [word for word in WORD.findall(code) if word not in names]
    return found


def test_no_template_prints_a_word_of_its_own() -> None:
    """Given the report and letter templates, then none holds a word to print: a string with a letter
    is a key of the data, an option of Typst or a name (KEYS), and no markup word is left."""
    found = {path.name: unmarked_words(path.read_text()) for path in TEMPLATES}
    assert {name: words for name, words in found.items() if words} == {}
    assert len(TEMPLATES) == 6


def test_the_scan_catches_what_the_templates_used_to_hold() -> None:
    """The scan would fail on the English the templates held before their words moved to Python."""
    samples = {
        "[Page #n of #total]": ["Page", "of"],
        "= Summary": ["Summary"],
        "table.header[Date][Who, how][Answer]": ["Date", "Who", "how", "Answer"],
        'alt: "Bar chart of " + s.label,': ['"Bar chart of "'],
        "#text(size: 8pt, fill: muted, [delivery rate])": ["delivery", "rate"],
        '#let f(r) = if r.state == "logged" { "not logged (gap)" }': ['"not logged (gap)"'],
        "#if d.exhibits.len() == 0 [None] else [#n files]": ["None", "files"],
    }
    for source, expected in samples.items():
        assert unmarked_words(source) == expected, source
    assert unmarked_words("#let w = d.words\n= #w.heading\n#table(columns: (1fr, 0.9in), ..w.head.map(strong))") == []


def marked() -> AbstractContextManager[None]:
    """Every message of reports/words.py wrapped in «», as a translation would replace it, and those
    the other modules that make a report's texts translate when it is made (reports.texts, reports.data,
    reports.communications, insights.method and .numbers, the plans' session wording). Choice labels
    (lazy) are left as they are."""
    return marking(words, texts, data, communications, method, numbers, plans_models)


# Sentences and labels the templates held in English, and the reports' texts made in Python
# (reports.texts, reports.data, reports.communications, the method): each must now be inside a mark.
TEMPLATE_ENGLISH = [
    "Evidence report ·",
    "Chain of custody",
    "How to verify this report",
    "Time-stamps from outside this server",
    "Contents",
    "Delivery by provision",
    "Rate: delivered days divided by delivered",
    "The IEP provisions in force",
    "Provision by provision",
    "Reasons for misses:",
    "Delivery month by month",
    "Every school day at a glance",
    "Chronology of every missed or partly delivered entry",
    "How known:",
    "Not logged",
    "Communications with the school",
    "Appendix: entries withdrawn",
    "Exhibits",
    "Please note",
    "Declaration of the record-keeping process",
    "Signature of",
    "City and state (or country) where signed",
    "Page 1 of",
    "Meeting summary",
    "Service minutes: the documented shortfall",
    "What we are asking for",
    "The whole log in numbers",
    "About these numbers.",
    "(Fisher exact test, p",
    "partly delivered on",
    "provision-days with a logged outcome",
    "records in the child\u2019s hash chain",
    "(make-up",
    "How the numbers are computed",
    "This report is general information, not legal advice.",
    "ledger-records.json. Open the attachments panel",
    "A miss counts against the school unless",
    "I am a parent or guardian of",
    "I declare under penalty of perjury",
    "An attended school day is a weekday",
    "School days",
    "Recording lag",
    "Every school day the child attends",
    "minutes per week (sessions of 30 min)",
    "Parent to school",
    "No answer recorded",
    "Week of",
]


def outside_marks(text: str) -> str:
    """The text with every marked message taken out (innermost first: a message can hold others)."""
    while True:
        shorter = re.sub(r"«[^«»]*»", "·", text)
        if shorter == text:
            return text
        text = shorter


class MarkedWordsTests(TempFiles, BaseTestCase):
    def setUp(self) -> None:
        with time_machine.travel(datetime(2026, 9, 3, 20, 0, tzinfo=UTC), tick=False):
            for day in (date(2026, 9, 1), date(2026, 9, 2)):
                log(self.child, self.extended_time, day, Status.DELIVERED, self.alice)
            log(
                self.child, self.speech, date(2026, 9, 3), Status.MISSED, self.alice, minutes=0,
                reason=MissReason.PROVIDER_ABSENT, note="No speech today.",
            )  # fmt: skip
            create_communication(
                self.child, user=self.alice, client_id=uuid.uuid4(), date=date(2026, 9, 3), channel="email",
                direction="sent", subject="Speech",
            )  # fmt: skip

    def make(self, kind: str) -> str:
        with marked(), time_machine.travel(datetime(2026, 9, 20, 20, 0, tzinfo=UTC), tick=True):
            report = generate_report(
                self.child, user=self.alice, kind=kind, start=date(2026, 9, 1), end=date(2026, 9, 30), ask="Make-up."
            )
        return flat(pdf_text(read_report(report.sha256)))

    def test_the_evidence_reports_words_are_the_translated_ones(self) -> None:
        """Given every message marked, then the evidence report prints the marked headers, labels, the
        page footer, a count in the singular (one missed entry) and in the plural (its records), and no
        sentence of the template stays outside a mark."""
        text = self.make("evidence")
        for marked_words in (
            "«Chain of custody»",
            "«Provision and IEP wording»",
            "«Expected»",
            "«School-caused»",
            "«Page 1 of ",
            "«Evidence report · Alice",
            "(1 entry), as the ledger records it.",  # singular
            "records in the child\u2019s hash chain at generation»",  # plural
            "«How known: Not stated.»",
            "«Declaration of the record-keeping process»",
            # The reports' texts made in Python: a disclaimer, the declaration, the method, a schedule,
            # a communication's direction and status, a service period.
            "«This report is general information, not legal advice.",
            "«I declare under penalty of perjury that the foregoing is true and correct.»",
            "«School days»",
            "«Every school day the child attends»",
            "«60 minutes per week» (sessions of 30 min)»",
            "«Parent to school»",
            "«No answer recorded»",
            "«Week of ",
        ):
            assert marked_words.replace("Alice", self.child.name) in text, marked_words
        assert "(1 entries)" not in text
        left = outside_marks(text)
        assert [s for s in TEMPLATE_ENGLISH if s in left and s not in self.child.name] == []

    def test_the_meeting_summarys_words_are_the_translated_ones(self) -> None:
        """Given every message marked, then the summary prints its marked headers and sentences, with a
        count in the plural (three entries), and no sentence of the template outside a mark."""
        text = self.make("summary")
        for marked_words in (
            "«Meeting summary · ",
            "«What we are asking for»",
            "«The whole log in numbers»",
            "provision-days with a logged outcome",
            "«About these numbers.",
            "records).»",
        ):
            assert marked_words in text, marked_words
        left = outside_marks(text)
        assert [s for s in TEMPLATE_ENGLISH if s in left] == []

    def test_a_letters_page_numbers_are_the_translated_words(self) -> None:
        from advocacy.models import Letter
        from advocacy.pdf import letter_pdf

        letter = Letter(child=self.child, kind="records_request", subject="Records", body="Dear Ms. Patel,\n\nPlease.")
        with marked():
            text = flat(pdf_text(letter_pdf(letter, "Alice Rivera")))
        assert "«1 of 1»" in text


def test_rich_cuts_the_message_before_the_values_go_in() -> None:
    """A value that looks like a mark (a note typed by a parent) is printed as it is, never as a style."""
    runs: Any = words.rich("<b>%(label)s</b>: said %(note)s", {"label": "Speech", "note": "<b>not bold</b> 100%"})
    assert runs == [["Speech", "b"], [": said <b>not bold</b> 100%", ""]]
