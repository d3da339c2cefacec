"""Finding provisions and dates in an IEP's pages.

The rules, in the order they apply:

- A *heading* is a short line (at most 9 words, no closing period, no bullet) naming a section. A
  provision heading sets the kind of what follows ("Testing Accommodations" -> accommodation,
  "Special Education and Related Services" -> service); any other known IEP heading ("Annual
  Goals", "Placement", ...) ends the provision section, so goals are never taken for provisions.
- In a provision section, each bullet or numbered line starts a candidate; a line without a bullet
  continues the one before when that one has not ended (no closing period) or the line starts in
  lower case, else it is a candidate of its own. Introductions ending in a colon are skipped.
- A table whose first row names its columns (Service, Location / Setting, Frequency, Duration,
  Provider, Start, End ...) gives one candidate per row, the wording from the service or
  accommodation column. A table without such a row continues the previous table when it has as many
  columns (a services grid running over a page break).
- The wording is kept exactly as printed (whitespace joined), never rewritten; the schedule and
  minutes come from ``parse_frequency`` over the row's frequency and duration text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plans.iep_import.frequency import parse_frequency
from plans.iep_import.pdf import Page, Table, join_wrapped, read_document, tesseract_available

# Heading words -> provision kind, first match wins (testing before plain accommodations).
KIND_HEADINGS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"supplementary aids?", re.I), "supplementary_aid"),
    (re.compile(r"modification", re.I), "modification"),
    (re.compile(r"accommodation", re.I), "accommodation"),
    (re.compile(r"assistive technology", re.I), "assistive_technology"),
    (re.compile(r"behaviou?r (support|intervention)|positive behaviou?r", re.I), "behavior_support"),
    (re.compile(r"(support|training)s? for (school )?(personnel|staff)|program supports", re.I), "staff_support"),
    (re.compile(r"\bservices?\b|service delivery", re.I), "service"),
]
OTHER_HEADINGS = re.compile(
    r"goals?\b|present levels?|transition|placement|least restrictive|signatures?|participants|team members|"
    r"eligibility|consent|prior written notice|progress report|strengths|concerns|student information|"
    r"evaluation results|extended school year|measurable|benchmarks|objectives|participation in|"
    r"(state|district)(wide)? assessments?$",
    re.I,
)
# Bullets as printed, and as OCR misreads a round bullet ("«", "©", "¢", "®").
BULLET = re.compile(r"^\s*(?:[•●◦▪▫■□◆‣∙·*\-\u2013\u2014«»©¢®]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
NOISE = re.compile(r"^(page \d+( of \d+)?|\d+|continued|\(continued\))$", re.I)

COLUMN_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("start", re.compile(r"\b(start|begin|initiation|from)\b", re.I)),
    ("end", re.compile(r"\b(end|ending|through|stop|expires?)\b", re.I)),
    ("type", re.compile(r"^(type|category|kind)$", re.I)),  # one table of several kinds: the row says which
    ("frequency", re.compile(r"frequency|how often|sessions", re.I)),
    ("duration", re.compile(r"duration|amount|minutes|length|time", re.I)),
    ("setting", re.compile(r"location|setting|where", re.I)),
    ("provider", re.compile(r"provider|responsible|staff|by whom|person", re.I)),
    (
        "wording",
        re.compile(r"service|accommodation|modification|description|support|aid|item|technology|strateg", re.I),
    ),
]

FIELDS = [
    "wording",
    "kind",
    "label",
    "schedule",
    "weekdays",
    "minutes",
    "period",
    "sessions",
    "session_minutes",
    "frequency",
    "provider",
    "setting",
    "start",
    "end",
    "page",
    "section",
]


@dataclass
class Extraction:
    """What was found in one document: candidates (plain dicts), dates, and how the text was read."""

    candidates: list[dict[str, Any]] = field(default_factory=list)
    dates: dict[str, str] = field(default_factory=dict)  # field name -> ISO date
    pages: int = 0
    scanned_pages: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)

    @property
    def needs_ocr(self) -> bool:
        """Scanned pages that OCR could not read (Tesseract is not installed)."""
        return len(self.scanned_pages) > len(self.ocr_pages)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "scanned_pages": self.scanned_pages,
            "ocr_pages": self.ocr_pages,
            "ocr_available": tesseract_available(),
            "dates": self.dates,
            "candidates": self.candidates,
        }


LABEL_STOPWORDS = {
    "a",
    "an",
    "and",
    "or",
    "the",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "with",
    "near",
    "from",
    "by",
    "when",
}


def short_label(wording: str) -> str:
    """A few words to tap when logging: the wording up to its first comma, colon or parenthesis."""
    first = re.split(r"[,:;(]| - | \u2013 ", wording, maxsplit=1)[0].strip().rstrip(".")
    words = first.split()[:4]
    while len(words) > 1 and words[-1].lower() in LABEL_STOPWORDS:
        words.pop()
    label = " ".join(words)
    return label[:80] or wording[:80]


def _candidate(wording: str, kind: str, page: int, section: str, **columns: str) -> dict[str, Any]:
    frequency_text = " ".join(part for part in (columns.get("frequency", ""), columns.get("duration", "")) if part)
    parsed = parse_frequency(frequency_text or wording)
    if kind == "service" and not frequency_text and parsed["minutes"] is None:
        parsed = parse_frequency(wording)
    if kind != "service" and parsed["minutes"] is None and not frequency_text:
        # An accommodation's own words ("breaks of 5 minutes as needed") say when, not a session plan.
        parsed.update(sessions=None, session_minutes=None, period="")
        # "As needed" for an accommodation means available every school day, not a provider's choice.
        parsed["schedule"] = "weekdays" if parsed["schedule"] == "weekdays" else "every_day"
    candidate: dict[str, Any] = dict.fromkeys(FIELDS, "")
    candidate.update(parsed)
    candidate.update(
        wording=wording,
        kind=kind,
        label=short_label(wording),
        frequency=frequency_text,
        provider=columns.get("provider", ""),
        setting=columns.get("setting", ""),
        start=columns.get("start", ""),
        end=columns.get("end", ""),
        page=page,
        section=section,
    )
    if not candidate["schedule"]:
        candidate["schedule"] = "flexible" if kind == "service" else "every_day"
    return candidate


def _looks_like_heading(line: str, words: list[str]) -> bool:
    """Capitals, a closing colon or a section number: "Testing Accommodations", "5. SERVICES"."""
    if line.isupper() or line.endswith(":") or re.match(r"^(section|part)?\s*[\dIVXA-H]+[.):]\s", line, re.I):
        return True
    long_words = [word for word in words if len(word) >= 4]
    capitalised = [word for word in long_words if word[:1].isupper()]
    return bool(long_words) and len(capitalised) / len(long_words) >= 0.6


def _heading_kind(line: str) -> tuple[bool, str]:
    """Is the line a heading, and the kind it starts ("" for a section that is not provisions)."""
    words = line.split()
    if not words or len(words) > 9 or BULLET.match(line) or line.rstrip().endswith((".", ",", ";")):
        return False, ""
    if re.search(r"\d{1,2}/\d{1,2}/\d{2,4}|\d+\s*(min|minutes|x)\b", line, re.I):
        return False, ""  # a line with a date or an amount is content, not a heading
    if not _looks_like_heading(line, words):
        return False, ""
    for pattern, kind in KIND_HEADINGS:
        if pattern.search(line):
            return True, kind
    if OTHER_HEADINGS.search(line):
        return True, ""
    return False, ""


def _kind_named(text: str) -> str:
    """The provision kind a cell names ("Modification", "Related service"), or ""."""
    for pattern, kind in KIND_HEADINGS:
        if text and pattern.search(text):
            return kind
    return ""


def _column_roles(row: list[str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for index, cell in enumerate(row):
        if not cell or len(cell) > 40:
            continue
        for role, pattern in COLUMN_ROLES:
            if pattern.search(cell) and role not in roles.values():
                roles[index] = role
                break
    return roles if "wording" in roles.values() and len(roles) >= 2 else {}


def _kind_from_header(row: list[str], roles: dict[int, str], section_kind: str) -> str:
    if section_kind:
        return section_kind
    wording_header = next((row[i] for i, role in roles.items() if role == "wording"), "")
    for pattern, kind in KIND_HEADINGS:
        if pattern.search(wording_header):
            return kind
    return "service" if {"frequency", "duration"} & set(roles.values()) else "accommodation"


class _Reader:
    """Walks the pages' blocks once, keeping the current section and the last table's columns."""

    def __init__(self, default_kind: str = "") -> None:
        self.kind = default_kind
        self.section = ""
        self.candidates: list[dict[str, Any]] = []
        self.open_item: dict[str, Any] | None = None
        self.table_roles: dict[int, str] = {}
        self.table_width = 0
        self.table_kind = ""
        self.table_header: list[str] = []
        self.bullets_seen = False

    def line(self, text: str, page: int) -> None:
        text = " ".join(text.split())
        if not text or NOISE.match(text):
            return
        is_heading, kind = _heading_kind(text)
        if is_heading:
            self.kind, self.section = kind, text if kind else ""
            self.open_item, self.bullets_seen = None, False
            return
        if not self.kind:
            return
        bullet = BULLET.match(text)
        if bullet:
            self.bullets_seen = True
            self._start(text[bullet.end() :].strip(), page)
            return
        if text.endswith(":"):
            self.open_item = None  # "The following accommodations will be provided:"
            return
        previous = self.open_item
        unfinished = previous is not None and not previous["wording"].endswith((".", ")"))
        if previous is not None and (text[:1].islower() or (unfinished and self.bullets_seen)):
            previous["wording"] = join_wrapped(previous["wording"], text)
            refreshed = _candidate(previous["wording"], previous["kind"], previous["page"], previous["section"])
            previous.update({k: refreshed[k] for k in ("label", "schedule", "weekdays", "minutes", "period")})
            previous.update({k: refreshed[k] for k in ("sessions", "session_minutes")})
            return
        self._start(text, page)

    def _start(self, wording: str, page: int) -> None:
        if len(wording) < 3:
            return
        candidate = _candidate(wording, self.kind, page, self.section)  # the section's kind, minutes or not
        self.candidates.append(candidate)
        self.open_item = candidate

    def table(self, rows: Table, page: int) -> None:
        self.open_item = None
        roles = _column_roles(rows[0])
        if roles:
            self.table_roles, self.table_width, self.table_header = roles, len(rows[0]), rows[0]
            self.table_kind = _kind_from_header(rows[0], roles, self.kind)
            body = rows[1:]
        elif self.table_roles and len(rows[0]) == self.table_width:
            body = rows  # the same table continued on a new page
        else:
            for row in rows:  # a table that is not a grid of provisions: a cover page of dates
                self.line(" ".join(cell for cell in row if cell), page)
            return
        for row in body:
            if row == self.table_header:
                continue  # the header repeated on a continued page
            cells = {role: row[i] for i, role in self.table_roles.items() if i < len(row)}
            wording = cells.pop("wording", "")
            if len(wording) < 3:
                continue
            kind = _kind_named(cells.pop("type", "")) or self.table_kind
            self.candidates.append(_candidate(wording, kind, page, self.section, **cells))


def find_candidates(pages: list[Page], default_kind: str = "") -> list[dict[str, Any]]:
    """The provisions found in the pages, in document order, as plain dicts (see ``FIELDS``)."""
    reader = _Reader(default_kind)
    for page in pages:
        for block in page.blocks:
            if isinstance(block, str):
                reader.line(block, page.number)
            else:
                reader.table(block, page.number)
    return reader.candidates


# --- Dates ------------------------------------------------------------------------------------

DATE_LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("meeting_date", re.compile(r"(?:IEP )?meeting date|date of (?:the )?(?:IEP )?meeting|conference date", re.I)),
    (
        "annual_review_due",
        re.compile(r"(?:next )?annual (?:IEP )?review(?: date| due(?: date)?| by)?", re.I),
    ),
    (
        "reevaluation_due",
        re.compile(r"(?:next )?re-?evaluation(?: date| due(?: date)?)?|triennial(?: evaluation)?(?: due)?", re.I),
    ),
    ("range", re.compile(r"IEP dates|duration of (?:the )?IEP|IEP (?:in effect|period)", re.I)),
    (
        "effective_from",
        re.compile(r"(?:IEP )?(?:start|begin(?:ning)?|initiation|effective|implementation) date|IEP begins", re.I),
    ),
    ("effective_to", re.compile(r"(?:IEP )?(?:end|ending|expiration|projected end) date|IEP ends", re.I)),
]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DATE_VALUE = re.compile(
    r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b|\b(\d{4})-(\d{2})-(\d{2})\b|"
    r"\b(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b",
    re.I,
)


def _date_value(match: re.Match[str]) -> date | None:
    groups = match.groups()
    try:
        if groups[0]:
            year = int(groups[2]) + (2000 if len(groups[2]) == 2 else 0)
            return date(year, int(groups[0]), int(groups[1]))
        if groups[3]:
            return date(int(groups[3]), int(groups[4]), int(groups[5]))
        month = [m[:3] for m in MONTHS].index(groups[6][:3].lower()) + 1
        return date(int(groups[8]), month, int(groups[7]))
    except ValueError:
        return None


def _lines_for_dates(pages: list[Page]) -> list[str]:
    lines: list[str] = []
    for page in pages:
        for block in page.blocks:
            if isinstance(block, str):
                lines.append(block)
            else:
                lines.extend(" ".join(cell for cell in row if cell) for row in block)
    return lines


def find_dates(pages: list[Page]) -> dict[str, str]:
    """The IEP's dates by field name (ISO), the first found for each label."""
    found: dict[str, str] = {}
    for line in _lines_for_dates(pages):
        labels = sorted(
            ((m.start(), m.end(), name) for name, pattern in DATE_LABELS for m in pattern.finditer(line)),
            key=lambda item: item[0],
        )
        # Drop a label inside a longer one ("IEP start date" matching twice).
        kept: list[tuple[int, int, str]] = []
        for start, end, name in labels:
            if kept and start < kept[-1][1]:
                continue
            kept.append((start, end, name))
        values = [(m.start(), _date_value(m)) for m in DATE_VALUE.finditer(line)]
        for index, (_, end, name) in enumerate(kept):
            limit = kept[index + 1][0] if index + 1 < len(kept) else len(line)
            between = [value for position, value in values if end <= position < limit and value is not None]
            if not between:
                continue
            if name == "range":
                found.setdefault("effective_from", between[0].isoformat())
                if len(between) > 1:
                    found.setdefault("effective_to", between[1].isoformat())
            else:
                found.setdefault(name, between[0].isoformat())
    return found


# --- Whole documents and pasted text ----------------------------------------------------------


def extract(data: bytes, *, ocr: bool = True) -> Extraction:
    """Everything the import needs from one PDF: the page and ``manage.py import_iep`` call this."""
    pages = read_document(data, ocr=ocr)
    return Extraction(
        candidates=find_candidates(pages),
        dates=find_dates(pages),
        pages=len(pages),
        scanned_pages=[page.number for page in pages if page.scanned],
        ocr_pages=[page.number for page in pages if page.ocr],
    )


def candidates_from_paste(text: str, default_kind: str = "accommodation") -> list[dict[str, Any]]:
    """Pasted text: one provision per line or bullet, under ``default_kind`` until a heading says else.

    Without any bullet, every line is one provision (wrapped lines are joined only when they start
    in lower case); with bullets, a line without one continues the item before it.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    page = Page(number=1, blocks=list(lines))
    candidates = find_candidates([page], default_kind=default_kind)
    for candidate in candidates:
        if candidate["kind"] == default_kind and candidate["minutes"] is not None and candidate["period"]:
            candidate["kind"] = "service"
    return candidates
