"""Realistic IEP documents, generated with Typst, in the layouts seen in US IEPs (issue 14).

Each sample is a Typst source and its truth: the provisions a careful reader would copy (exact
wording, kind, minutes and period). Used by the import tests, ``bench/import_accuracy.py`` (recall
and precision for docs/import.md) and ``bench/setup_timer.py``. The scanned sample is rasterised
with ``pdftoppm`` (or pypdfium2) and saved as an image-only PDF.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Truth:
    wording: str
    kind: str
    minutes: int | None = None
    period: str = ""


@dataclass
class Sample:
    name: str
    layout: str
    source: str
    truth: list[Truth]
    dates: dict[str, str] = field(default_factory=dict)
    scanned: bool = False

    def pdf(self) -> bytes:
        import typst

        pdf = typst.compile(self.source.encode("utf-8"))
        assert isinstance(pdf, bytes)
        return rasterise(pdf) if self.scanned else pdf


def s(text: str) -> str:
    """A Typst string literal (the text printed exactly, no markup)."""
    return json.dumps(text, ensure_ascii=False)


PREAMBLE = """#set page(paper: "us-letter", margin: 0.8in)
#set text(font: "Libertinus Serif", size: 10.5pt)
"""


def cover(dates: dict[str, str], district: str = "Riverside Unified School District") -> str:
    rows = [
        ("Student", "Maya Rivera"),
        ("Date of birth", "03/14/2016"),
        ("School", "Lincoln Elementary"),
        ("IEP meeting date", dates.get("meeting", "")),
        ("IEP start date", dates.get("start", "")),
        ("IEP end date", dates.get("end", "")),
        ("Annual review due", dates.get("review", "")),
        ("Reevaluation due", dates.get("reeval", "")),
    ]
    cells = ", ".join(f"{s(a)}, {s(b)}" for a, b in rows if b)
    return (
        f'#align(center)[#text(size: 14pt, weight: "bold")[{district}] \\ Individualized Education Program]\n\n'
        f"#table(columns: (1.6in, 3in), {cells})\n\n"
    )


def heading(text: str) -> str:
    return f'#text(weight: "bold", size: 12pt)[#{s(text)}]\n\n'


def paragraph(text: str) -> str:
    return f"#{s(text)}\n\n"


def bullets(items: list[str]) -> str:
    return "".join(f"- #{s(item)}\n" for item in items) + "\n"


def table(header: list[str], rows: list[list[str]], widths: str = "", repeat: bool = True) -> str:
    columns = widths or str(len(header))
    head = ", ".join(f"[*#{s(cell)}*]" for cell in header)
    body = ", ".join(s(cell) for row in rows for cell in row)
    header_part = f"table.header(repeat: {'true' if repeat else 'false'}, {head})"
    return f"#table(columns: {columns}, {header_part}, {body})\n\n"


GOALS = heading("Annual Goals") + bullets(
    [
        "By May 2027, Maya will read a grade-level passage at 90 words per minute with 95% accuracy.",
        "Maya will write a five-sentence paragraph with a topic sentence in 4 of 5 trials.",
    ]
)
PRESENT_LEVELS = heading("Present Levels of Academic Achievement and Functional Performance") + paragraph(
    "Maya is a kind and curious student who enjoys science. She reads below grade level and needs "
    "extra time to finish written work."
)
DATES = {"meeting": "08/20/2026", "start": "09/02/2026", "end": "09/01/2027", "review": "08/20/2027"}
DATES_ISO = {
    "meeting_date": "2026-08-20",
    "effective_from": "2026-09-02",
    "effective_to": "2027-09-01",
    "annual_review_due": "2027-08-20",
}

SERVICES = [
    (
        "Specialized academic instruction in reading",
        "Resource room",
        "5 x weekly",
        "45 minutes",
        "Special education teacher",
        225,
        "week",
    ),
    ("Speech and language therapy", "Therapy room", "2 x 30 min weekly", "", "Speech-language pathologist", 60, "week"),
    (
        "Occupational therapy",
        "General education classroom",
        "120 minutes per month",
        "",
        "Occupational therapist",
        120,
        "month",
    ),
    ("Counseling", "Counselor's office", "3x/week for 20 minutes", "", "School counselor", 60, "week"),
]
ACCOMMODATIONS = [
    "Extended time (1.5x) on tests, quizzes and in-class assignments.",
    "Preferential seating near the teacher and away from the door.",
    "Copies of class notes or a guided note sheet provided before each lesson.",
    "Breaks of up to 5 minutes when requested, as needed.",
    "Directions read aloud and repeated, with a check for understanding.",
    "Use of a calculator for math work that is not a calculation skill.",
    "Reduced number of homework problems when the skill is shown.",
    "Visual schedule posted at her desk and reviewed each morning.",
]


def grid_sample() -> Sample:
    """Layout 1: a services grid (Service / Location / Frequency / Duration) and a bulleted list."""
    rows = [[name, where, freq, dur, who, "09/02/2026", "09/01/2027"] for name, where, freq, dur, who, _, _ in SERVICES]
    source = (
        PREAMBLE
        + cover(DATES)
        + PRESENT_LEVELS
        + GOALS
        + heading("Accommodations")
        + paragraph("The following accommodations will be provided in all classes:")
        + bullets(ACCOMMODATIONS[:4])
        + heading("Special Education and Related Services")
        + table(
            ["Service", "Location", "Frequency", "Duration", "Provider", "Start", "End"],
            rows,
            widths="(1.5fr, 1fr, 0.9fr, 0.8fr, 1.1fr, 0.8fr, 0.8fr)",
        )
    )
    truth = [Truth(text, "accommodation") for text in ACCOMMODATIONS[:4]]
    truth += [Truth(name, "service", minutes, period) for name, _, _, _, _, minutes, period in SERVICES]
    return Sample("grid", "Services grid (Service / Location / Frequency / Duration)", source, truth, DATES_ISO)


LONG_ACCOMMODATIONS = [
    "Extended time of one and a half times the standard time on all tests, quizzes and long written "
    "assignments, in the general education classroom and the resource room.",
    "Chunking of long assignments into smaller parts, with a check-in by the teacher after each part "
    "before the next is given.",
    "Access to a quiet, low-distraction space for independent work when the classroom is loud.",
    "Graphic organizers for writing tasks.",
]
MODIFICATIONS = [
    "Spelling tests of 10 words from the grade-level list instead of 20.",
    "Grading of written work on content, not spelling or handwriting.",
]
AIDS = ["Noise-reducing headphones during independent work.", "Slant board for writing tasks."]


def bulleted_sample() -> Sample:
    """Layout 2: accommodations, modifications and aids as bulleted lists with long, wrapping items."""
    source = (
        PREAMBLE
        + cover({"meeting": "May 12, 2026", "start": "May 13, 2026", "end": "May 12, 2027"})
        + PRESENT_LEVELS
        + heading("Program Accommodations")
        + bullets(LONG_ACCOMMODATIONS)
        + heading("Program Modifications")
        + bullets(MODIFICATIONS)
        + heading("Supplementary Aids and Services")
        + bullets(AIDS)
        + GOALS
    )
    truth = [Truth(text, "accommodation") for text in LONG_ACCOMMODATIONS]
    truth += [Truth(text, "modification") for text in MODIFICATIONS]
    truth += [Truth(text, "supplementary_aid") for text in AIDS]
    dates = {"meeting_date": "2026-05-12", "effective_from": "2026-05-13", "effective_to": "2027-05-12"}
    return Sample("bulleted", "Accommodations as bulleted lists", source, truth, dates)


SETTING_ROWS = [
    ("Extended time (1.5x) on tests and quizzes", "All academic classes"),
    ("Preferential seating near point of instruction", "General education classroom"),
    ("Teacher check-in at the start of each independent task", "General education classroom"),
    ("Use of a word processor for written work over one paragraph", "All classes"),
    ("Directions given orally and in writing", "All settings"),
]


def two_column_sample() -> Sample:
    """Layout 3: accommodations as a two-column table with a Setting column."""
    source = (
        PREAMBLE
        + cover(DATES)
        + heading("Accommodations")
        + table(["Accommodation", "Setting"], [list(row) for row in SETTING_ROWS], widths="(2fr, 1fr)")
        + GOALS
    )
    truth = [Truth(text, "accommodation") for text, _ in SETTING_ROWS]
    return Sample("two_column", "Accommodations as a two-column table with Setting", source, truth, DATES_ISO)


TESTING = [
    "Tests administered in a small group setting of no more than 8 students.",
    "Test directions and items read aloud, except on reading comprehension tests.",
    "Extended time (double time) on state and district assessments.",
    "Frequent breaks during testing.",
]


def testing_page_sample() -> Sample:
    """Layout 4: classroom accommodations, then testing accommodations on a page of their own."""
    source = (
        PREAMBLE
        + cover(DATES)
        + heading("Classroom Accommodations")
        + bullets(ACCOMMODATIONS[4:8])
        + "#pagebreak()\n"
        + heading("Testing Accommodations (State and District Assessments)")
        + paragraph("Maya will take the state assessment with the following accommodations:")
        + bullets(TESTING)
        + heading("Participation in State Assessments")
        + paragraph("Maya will take the general state assessment with accommodations.")
    )
    truth = [Truth(text, "accommodation") for text in ACCOMMODATIONS[4:8] + TESTING]
    return Sample("testing_page", "Testing accommodations on their own page", source, truth, DATES_ISO)


MANY_SERVICES = [
    ("Specialized academic instruction: reading", "Resource room", "Daily", "45 minutes", 225, "week"),
    ("Specialized academic instruction: math", "Resource room", "3 times per week", "40 minutes", 120, "week"),
    (
        "Specialized academic instruction: writing",
        "General education classroom",
        "2 x weekly",
        "30 minutes",
        60,
        "week",
    ),
    ("Speech and language therapy", "Therapy room", "Weekly", "60 minutes", 60, "week"),
    ("Occupational therapy", "Therapy room", "Monthly", "120 minutes", 120, "month"),
    ("Physical therapy", "Gym", "2 times per month", "30 minutes", 60, "month"),
    ("Counseling", "Counselor's office", "1 x weekly", "30 minutes", 30, "week"),
    ("Social skills group", "Counselor's office", "Weekly", "45 minutes", 45, "week"),
    ("Adapted physical education", "Gym", "2 x weekly", "30 minutes", 60, "week"),
    ("Assistive technology consultation", "General education classroom", "Monthly", "60 minutes", 60, "month"),
    ("Behavior intervention services", "General education classroom", "Daily", "20 minutes", 100, "week"),
    (
        "Paraprofessional support in science",
        "General education classroom",
        "Tuesdays and Thursdays",
        "50 minutes",
        100,
        "week",
    ),
    ("Reading intervention (Wilson)", "Resource room", "4 x weekly", "30 minutes", 120, "week"),
    ("Audiology consultation", "Therapy room", "Monthly", "30 minutes", 30, "month"),
    ("Vision services", "General education classroom", "2 x monthly", "45 minutes", 90, "month"),
    ("Orientation and mobility", "School campus", "Weekly", "30 minutes", 30, "week"),
    ("Transition services", "Resource room", "Monthly", "60 minutes", 60, "month"),
    ("Nursing services", "Health office", "Daily", "10 minutes", 50, "week"),
]


def multipage_sample() -> Sample:
    """Layout 5: a services grid that runs over three pages without repeating its header."""
    rows = [
        [name, where, freq, dur, "Related service provider", "09/02/2026"]
        for name, where, freq, dur, _, _ in MANY_SERVICES + MANY_SERVICES[:6]
    ]
    # Tall rows push the table over page breaks; the names are made unique by a suffix.
    for index, row in enumerate(rows[len(MANY_SERVICES) :]):
        row[0] = f"{row[0]} (summer plan {index + 1})"
    source = (
        PREAMBLE
        + cover(DATES)
        + PRESENT_LEVELS
        + heading("Special Education Services")
        + "#set table(inset: 9pt)\n"
        + table(["Service", "Location", "Frequency", "Duration", "Provider", "Start date"], rows, repeat=False)
    )
    truth = [
        Truth(row[0], "service", minutes, period)
        for row, (*_, minutes, period) in zip(rows, MANY_SERVICES + MANY_SERVICES[:6], strict=True)
    ]
    return Sample("multipage", "A services table over several pages", source, truth, DATES_ISO)


def scanned_sample() -> Sample:
    """An image-only page (a scan): accommodations as a bulleted list, read by OCR."""
    source = PREAMBLE + "#set text(size: 12pt)\n" + heading("Accommodations") + bullets(ACCOMMODATIONS[:6])
    truth = [Truth(text, "accommodation") for text in ACCOMMODATIONS[:6]]
    return Sample("scanned", "An image-only (scanned) page", source, truth, {}, scanned=True)


def twelve_item_sample() -> Sample:
    """The 12-item IEP of the setup timer: 8 accommodations in a list and 4 services in a grid."""
    rows = [[name, where, freq, dur, who] for name, where, freq, dur, who, _, _ in SERVICES]
    source = (
        PREAMBLE
        + cover(DATES)
        + heading("Accommodations")
        + bullets(ACCOMMODATIONS)
        + heading("Special Education and Related Services")
        + table(["Service", "Location", "Frequency", "Duration", "Provider"], rows)
    )
    truth = [Truth(text, "accommodation") for text in ACCOMMODATIONS]
    truth += [Truth(name, "service", minutes, period) for name, _, _, _, _, minutes, period in SERVICES]
    return Sample("twelve", "12-item IEP", source, truth, DATES_ISO)


def all_samples() -> list[Sample]:
    return [
        grid_sample(),
        bulleted_sample(),
        two_column_sample(),
        testing_page_sample(),
        multipage_sample(),
        scanned_sample(),
    ]


def rasterise(pdf: bytes, dpi: int = 200) -> bytes:
    """The PDF's pages as images only (no text layer), as a scanner would make them."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), f"{folder}/page"], check=True)
            images = [Image.open(path).convert("L") for path in sorted(Path(folder).glob("page*.png"))]
        else:
            import pypdfium2

            document = pypdfium2.PdfDocument(pdf)
            images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
        buffer = io.BytesIO()
        images[0].save(buffer, format="PDF", save_all=True, append_images=images[1:], resolution=dpi)
        return buffer.getvalue()


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").split()).rstrip(".")


def _similar(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, _normal(a), _normal(b)).ratio()


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    matched: int = 0  # candidates whose wording matches a truth item (exactly, or 95% similar after OCR)
    exact: int = 0  # of those, wording identical to the document's
    kind_right: int = 0
    minutes_expected: int = 0
    minutes_found: int = 0  # candidates that state minutes and a period
    minutes_right: int = 0  # matched services whose minutes and period are right
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("expected", "found", "matched", "exact", "kind_right", "minutes_expected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.minutes_found += other.minutes_found
        self.minutes_right += other.minutes_right
        self.missed += other.missed
        self.extra += other.extra


def score(sample: Sample, candidates: list[dict]) -> Score:  # type: ignore[type-arg]
    """Recall and precision counts of one extraction against the sample's truth."""
    result = Score(expected=len(sample.truth), found=len(candidates))
    result.minutes_expected = sum(1 for truth in sample.truth if truth.minutes is not None)
    result.minutes_found = sum(1 for c in candidates if c.get("minutes") is not None and c.get("period"))
    threshold = 0.95 if sample.scanned else 1.0
    unused = list(candidates)
    for truth in sample.truth:
        best = max(unused, key=lambda c: _similar(c["wording"], truth.wording), default=None)
        if best is None or _similar(best["wording"], truth.wording) < threshold:
            result.missed.append(truth.wording)
            continue
        unused.remove(best)
        result.matched += 1
        result.exact += best["wording"] == truth.wording
        result.kind_right += best["kind"] == truth.kind
        if truth.minutes is not None and best.get("minutes") == truth.minutes and best.get("period") == truth.period:
            result.minutes_right += 1
    result.extra = [c["wording"] for c in unused]
    return result


# --- Variations written after the extractor, to measure it on layouts it was not tuned on ---------


def numbered_caps_sample() -> Sample:
    """Capital headings, numbered items, a services list in sentences instead of a grid."""
    accommodations = [
        "Seat near the front of the room, away from windows.",
        "Written copy of all oral directions.",
        "Use of a timer to show time left on tasks.",
    ]
    services = [
        ("Speech-language therapy: 30 minutes, 2 times per week, in the therapy room.", 60, "week"),
        ("Occupational therapy: 60 minutes per month, consult with the classroom teacher.", 60, "month"),
    ]
    source = (
        PREAMBLE
        + cover(DATES)
        + heading("SECTION 6: ACCOMMODATIONS")
        + "".join(f"+ #{s(item)}\n" for item in accommodations)
        + "\n"
        + heading("SECTION 7: SPECIAL EDUCATION SERVICES")
        + "".join(paragraph(text) for text, _, _ in services)
        + heading("SECTION 8: ANNUAL GOALS")
        + paragraph("Maya will improve her reading fluency to 90 words per minute.")
    )
    truth = [Truth(text, "accommodation") for text in accommodations]
    truth += [Truth(text, "service", minutes, period) for text, minutes, period in services]
    return Sample("numbered_caps", "Capital headings, numbered items, services as sentences", source, truth, DATES_ISO)


def combined_column_sample() -> Sample:
    """A services grid with one Frequency / Duration column and other header words."""
    rows = [
        ("Resource specialist program", "Special day class", "60 min/wk", 60, "week"),
        ("Language and speech", "Speech room", "30 min 2x weekly", 60, "week"),
        ("Counseling and guidance", "Counseling office", "4 x 30 min monthly", 120, "month"),
        ("Adapted PE", "Gym", "1 hour per week", 60, "week"),
    ]
    source = (
        PREAMBLE
        + cover(DATES)
        + heading("Offer of FAPE - Services")
        + table(
            ["Type of service", "Setting", "Frequency / Duration", "Provider"],
            [[name, where, amount, "District staff"] for name, where, amount, _, _ in rows],
            widths="(1.6fr, 1fr, 1fr, 1fr)",
        )
    )
    truth = [Truth(name, "service", minutes, period) for name, _, _, minutes, period in rows]
    return Sample("combined_column", "One Frequency / Duration column", source, truth, DATES_ISO)


def mixed_table_sample() -> Sample:
    """Accommodations and modifications in one table with a Type column and a Frequency column."""
    rows = [
        ("Accommodation", "Extended time on tests (time and a half).", "During tests"),
        ("Accommodation", "Use of headphones during independent work.", "Daily"),
        ("Modification", "Shortened spelling list (10 words).", "Weekly"),
        ("Accommodation", "Check for understanding after directions.", "Daily"),
    ]
    source = (
        PREAMBLE
        + cover(DATES)
        + heading("Supplementary Aids, Services, Accommodations and Modifications")
        + table(["Type", "Description", "Frequency"], [list(row) for row in rows], widths="(1fr, 2.5fr, 1fr)")
    )
    truth = [Truth(text, kind.lower()) for kind, text, _ in rows]
    return Sample(
        "mixed_table", "One table of accommodations and modifications with a Type column", source, truth, DATES_ISO
    )


def variation_samples() -> list[Sample]:
    return [numbered_caps_sample(), combined_column_sample(), mixed_table_sample()]
