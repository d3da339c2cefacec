"""The evidence report's chronology over several pages: one tagged table whose header row is repeated
on every page, rows that stay whole on one page, every entry present in order (issue 17: its layout
was measured and changed for speed; these say what any change must keep)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import time_machine

from logbook.models import MissReason, Status
from reports.services import generate_report
from reports.storage import read_report
from tests.base import BaseTestCase
from tests.pdfcheck import flat, page_texts, pdf_text, structure_tables
from tests.reports_support import TempFiles, log

START, END = date(2026, 9, 1), date(2026, 10, 30)
HEADER = ("Date", "Provision and IEP wording", "What happened", "First recorded")


def school_days() -> list[date]:
    days, day = [], START
    while day <= END:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


class ChronologyLayoutTests(TempFiles, BaseTestCase):
    """Given a miss of extended time on each of the 44 school days of September and October, each
    with a five-line note that starts "start-N" and ends "end-N", the chronology runs over several
    pages."""

    report: bytes
    days: list[date]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.days = school_days()
        with time_machine.travel(datetime(2026, 10, 30, 22, 0, tzinfo=UTC), tick=False):
            for n, day in enumerate(cls.days):
                note = "\n".join([f"start-{n}", "The quiz was handed out", "with no extra time,", "again.", f"end-{n}"])
                log(
                    cls.child, cls.extended_time, day, Status.MISSED, cls.alice, reason=MissReason.SUBSTITUTE, note=note
                )
        report = generate_report(
            cls.child, user=cls.alice, kind="evidence", start=START, end=END, bates_prefix="RIVERA-"
        )
        cls.report = read_report(report.sha256)

    def chronology_pages(self) -> list[str]:
        pages = page_texts(self.report)
        # Both headings are in the contents on the first page too: the chronology's own pages come later.
        first = next(i for i, page in enumerate(pages) if "Every entry logged as missed" in page)
        last = max(i for i, page in enumerate(pages) if "Appendix: entries withdrawn" in page)
        return pages[first : last + 1]

    def test_the_header_row_is_repeated_on_every_page_of_the_chronology(self) -> None:
        pages = [page for page in self.chronology_pages() if "start-" in page or "end-" in page]
        assert len(pages) >= 3
        for page in pages:
            text = flat(page)
            assert all(cell in text for cell in HEADER), text[:300]

    def test_a_row_with_a_short_note_stays_whole_on_one_page(self) -> None:
        pages = self.chronology_pages()
        for n in range(len(self.days)):
            starts = [i for i, page in enumerate(pages) if re.search(rf"start-{n}(?!\d)", page)]
            ends = [i for i, page in enumerate(pages) if re.search(rf"end-{n}(?!\d)", page)]
            assert len(starts) == 1 and starts == ends, (n, starts, ends)

    def test_every_entry_is_printed_once_oldest_first(self) -> None:
        text = flat(pdf_text(self.report))
        positions = [text.index(f"start-{n} ") for n in range(len(self.days))]
        assert positions == sorted(positions)
        assert all(text.count(f"start-{n} ") == 1 for n in range(len(self.days)))
        assert f"oldest first ({len(self.days)} entries)" in text

    def test_the_chronology_is_one_tagged_table_with_header_cells_and_a_row_per_entry(self) -> None:
        tables = structure_tables(self.report)
        chronology = max(tables, key=lambda kinds: kinds["/TR"])
        assert chronology["/TH"] == len(HEADER)  # the header once in the structure; its repeats are artifacts
        assert chronology["/TR"] == len(self.days) + 1
        assert chronology["/TD"] == len(HEADER) * len(self.days)
