"""Reports a school cannot spin: facts from the ledger, edits and withdrawals shown, exhibits, Bates
ranges, a refusal on a broken chain, text that never breaks the layout, the declaration, the summary."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime

import pypdf
import time_machine
from django.urls import reverse

from evidence.models import EvidenceRecord
from logbook.models import LogEntry, MissReason, Status
from logbook.services import retract_entry
from reports.data import ChainBroken
from reports.models import GeneratedReport
from reports.sample_files import school_email, worksheet_png
from reports.services import generate_report
from reports.storage import read_report
from reports.texts import SCHOOL_CAUSED_WHY
from tests.base import BaseTestCase
from tests.pdfcheck import attachments, flat, page_texts, pdf_text, structure_tables
from tests.reports_support import TempFiles, attach, log

START, END = date(2026, 9, 1), date(2026, 9, 30)


def groups_of_8(digest: str) -> str:
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))


class EvidenceFactsTests(TempFiles, BaseTestCase):
    def setUp(self) -> None:
        # Every record is written on a clock that runs forward, as verification requires.
        with time_machine.travel(datetime(2026, 9, 2, 20, 0, tzinfo=UTC), tick=False):
            for day in (date(2026, 9, 1), date(2026, 9, 2)):
                log(self.child, self.extended_time, day, Status.DELIVERED, self.alice)
        with time_machine.travel(datetime(2026, 9, 3, 20, 0, tzinfo=UTC), tick=False):
            self.miss = log(
                self.child, self.speech, date(2026, 9, 3), Status.MISSED, self.alice, minutes=0,
                reason=MissReason.PROVIDER_ABSENT, note="No speech today.",
            )  # fmt: skip
            self.other = log(self.child, self.extended_time, date(2026, 9, 3), Status.MISSED, self.alice)

    def make(self, kind: str = "evidence", ask: str = "") -> tuple[GeneratedReport, bytes]:
        report = generate_report(
            self.child, user=self.alice, kind=kind, start=START, end=END, bates_prefix="RIVERA-", ask=ask
        )
        return report, read_report(report.sha256)

    def test_an_edit_shows_when_it_was_made_how_long_after_the_school_day_and_why(self) -> None:
        """Given a miss recorded on Sep 3 and rewritten on Dec 15 with a reason, then the chronology
        shows it first recorded Sep 3 and "Edited on Dec 15, 2026 (103 days after the school day)"."""
        from logbook.services import record_entry

        with time_machine.travel(datetime(2026, 12, 15, 20, 0, tzinfo=UTC), tick=False):
            record_entry(
                self.child, date(2026, 9, 3), self.speech, status=Status.MISSED, user=self.bob,
                client_id="6f1c2a0e-0000-4000-8000-000000000001", minutes_delivered=0,
                miss_reason=MissReason.CANCELLED_BY_SCHOOL, note="Cancelled, the office said.",
                edit_reason="The office told me the real reason.",
            )  # fmt: skip
        _report, pdf = self.make()
        text = flat(pdf_text(pdf))
        assert "Sep 3, 2026 same day by Alice Rivera" in text
        assert (
            "Edited on Dec 15, 2026 (103 days after the school day) by Bob Rivera: The office told me the real reason."
        ) in text
        assert "Cancelled, the office said." in text

    def test_who_and_when_come_from_the_ledger_not_from_the_rows_columns(self) -> None:
        """Given the row's created_at and created_by changed behind the app's back (not part of the
        record's payload), then the report still prints the ledger's first record: Sep 3 by Alice."""
        LogEntry.objects.filter(pk=self.miss.pk).update(created_at="2026-01-01T12:00:00Z", created_by=self.bob)
        _report, pdf = self.make()
        text = flat(pdf_text(pdf))
        assert "Sep 3, 2026 same day by Alice Rivera" in text
        assert "Jan 1, 2026" not in text

    def test_withdrawn_entries_are_listed_in_an_appendix_with_their_reason(self) -> None:
        retract_entry(self.other, self.alice, "Logged for the wrong child.")
        _report, pdf = self.make()
        text = flat(pdf_text(pdf))
        assert "Appendix: entries withdrawn" in text
        assert "Reason for withdrawing: Logged for the wrong child." in text
        chronology = text.split("Chronology of every miss")[-1].split("Appendix: entries withdrawn")[0]
        assert "Extended time" not in chronology.split("Every entry logged")[-1]

    def test_a_chain_that_does_not_verify_refuses_the_report_and_names_the_first_problem(self) -> None:
        """Given a log entry changed without a record, then no report is made (page: 422, message)."""
        LogEntry.objects.filter(pk=self.miss.pk).update(note="Changed quietly.")
        before = GeneratedReport.objects.count(), EvidenceRecord.objects.count()
        with self.assertRaisesMessage(ChainBroken, "does not match its latest record"):
            self.make()
        self.client.force_login(self.alice)
        url = reverse("reports:report_list", args=[self.child.pk])
        response = self.client.post(url, {"kind": "summary", "start": "2026-09-01", "end": "2026-09-30"})
        assert response.status_code == 422
        assert "records do not verify" in response.content.decode()
        assert (GeneratedReport.objects.count(), EvidenceRecord.objects.count()) == before

    def test_photos_are_exhibits_with_a_page_each_and_emails_ride_inside_the_pdf(self) -> None:
        png = worksheet_png()
        photo = attach(self.child, self.alice, "quiz.png", png, self.other)
        mail = attach(self.child, self.alice, "speech.eml", school_email("Maya", date(2026, 9, 3)), self.miss)
        report, pdf = self.make()
        pages = page_texts(pdf)
        text = flat(pdf_text(pdf))
        assert "Exhibit 1: quiz.png" in text or "Exhibit 2: quiz.png" in text
        photo_pages = [n for n, page in enumerate(pages, start=1) if "quiz.png" in page and "This page" in page]
        assert len(photo_pages) == 1
        page = flat(pages[photo_pages[0] - 1])
        assert groups_of_8(photo.sha256) in page
        assert f"RIVERA-{photo_pages[0]:06d}" in page
        files = attachments(pdf)
        carried = [name for name in files if name.endswith("speech.eml")]
        assert len(carried) == 1 and files[carried[0]] == school_email("Maya", date(2026, 9, 3))
        assert all(group in text for group in groups_of_8(mail.sha256).split())  # a narrow column: wrapped
        assert re.search(r"Exhibit [12]: speech\.eml, Saved email \(\.eml\)", text)
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        images = sum(len(p.images) for p in reader.pages)
        assert images >= 2  # the thumbnail in the chronology and the full page
        assert report.pages == len(pages)

    def test_a_heic_photo_is_listed_with_why_it_is_not_shown_and_carried_inside(self) -> None:
        heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
        attach(self.child, self.alice, "IMG_0001.HEIC", heic, self.miss)
        _report, pdf = self.make()
        text = flat(pdf_text(pdf))
        assert "IMG_0001.HEIC" in text
        assert "HEIC photos (the iPhone's format) cannot be placed on a PDF page" in text
        assert any(name.endswith("IMG_0001.HEIC") for name in attachments(pdf))

    def test_text_never_breaks_the_layout_and_nothing_is_lost(self) -> None:
        """A bell character, a right-to-left override, a 300-character word and a 999-line note:
        the report is made, the controls show as code points, and every line of the note prints."""
        long_note = "\n".join(str(n) for n in range(1, 1000))  # 999 lines, under the 5,000-character limit
        note = "dessim\u202eton \x07 " + "x" * 300
        with time_machine.travel(datetime(2026, 9, 8, 20, 0, tzinfo=UTC), tick=False):
            log(self.child, self.speech, date(2026, 9, 8), Status.MISSED, self.alice, minutes=0, note=long_note)
            log(self.child, self.extended_time, date(2026, 9, 8), Status.MISSED, self.alice, note=note)
        report, pdf = self.make()
        text = pdf_text(pdf)
        assert "dessim[U+202E]ton [U+0007]" in flat(text)
        assert "x" * 20 in text
        numbers = [int(found) for found in re.findall(r"(?<![\d.,])\d{1,3}(?![\d.,])", text)]
        printed = [n for n in numbers if 1 <= n <= 999]
        # Every line of the note, in order, nothing lost over the footer.
        position = 0
        for n in range(1, 1000):
            position = printed.index(n, position) + 1
        for number, page in enumerate(page_texts(pdf), start=1):
            assert f"RIVERA-{number:06d}" in page
        assert report.pages >= 8

    def test_every_table_has_header_cells(self) -> None:
        for kind in ("summary", "evidence"):
            _report, pdf = self.make(kind)
            tables = structure_tables(pdf)
            assert tables, kind
            assert all("/TH" in kinds for kinds in tables), (kind, tables)

    def test_the_declaration_is_for_the_parent_to_sign_never_signed_for_them(self) -> None:
        _report, pdf = self.make()
        pages = page_texts(pdf)
        text = flat(pages[-1])
        assert "Declaration of the record-keeping process" in text
        assert "I, Alice Rivera, declare:" in text
        assert "I declare under penalty of perjury that the foregoing is true and correct." in text
        assert "Signature of Alice Rivera" in text
        assert "/s/" not in text
        assert "902(11)" in text and "902(14)" in text

    def test_the_page_says_the_attached_json_is_the_whole_chain_and_why(self) -> None:
        report, pdf = self.make()
        text = flat(pdf_text(pdf))
        assert f"The whole chain, all {report.ledger_count} records, whatever date range this report covers" in text
        assert "A chain can only be checked whole" in text
        document = json.loads(attachments(pdf)["ledger-records.json"])
        assert document["record_count"] == report.ledger_count

    def test_the_printed_typst_version_is_the_compilers_own_and_the_packages(self) -> None:
        from importlib import metadata

        _report, pdf = self.make()
        info = pypdf.PdfReader(io.BytesIO(pdf)).metadata
        creator = str(info.get("/Creator", "")) if info else ""
        assert creator.startswith("Typst ")
        text = flat(pdf_text(pdf))
        assert f"typeset with {creator} (Python package typst {metadata.version('typst')})" in text

    def test_the_bates_range_is_in_the_reports_ledger_record_and_listed_on_the_page(self) -> None:
        first, _pdf = self.make("summary")
        second, _pdf = self.make()
        record = EvidenceRecord.objects.filter(object_type="report", object_id=str(second.pk)).get()
        payload = json.loads(record.payload)
        assert payload["bates_first"] == f"RIVERA-{first.pages + 1:06d}"
        assert payload["bates_last"] == f"RIVERA-{first.pages + second.pages:06d}"
        self.client.force_login(self.alice)
        page = self.client.get(reverse("reports:report_list", args=[self.child.pk])).content.decode()
        assert "Page numbers issued" in page
        assert f"RIVERA-000001 to RIVERA-{first.pages:06d}" in page
        assert f"{second.bates_first} to {second.bates_last}" in page

    def test_the_meeting_summary_leads_with_the_shortfall_then_school_caused_misses_then_the_ask(self) -> None:
        _report, pdf = self.make("summary", ask="A make-up plan for speech.")
        text = flat(pdf_text(pdf))
        order = [
            "Service minutes: the documented shortfall",
            "School-caused misses by provision",
            "What we are asking for",
            "The whole log in numbers",
        ]
        positions = [text.index(heading) for heading in order]
        assert positions == sorted(positions)
        assert "delivery rate" not in text[: positions[2]]
        assert flat(SCHOOL_CAUSED_WHY)[:80] in text
        assert "A make-up plan for speech." in text
