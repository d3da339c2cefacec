"""Smaller report PDFs (issue 17): Typst's uncompressed objects packed into compressed object streams.

The file that is stored, hashed, Bates-numbered and recorded in the ledger is the recompressed one;
these tests compare it with the same document as Typst wrote it and check that nothing a reader, a
screen reader or a PDF/A validator relies on was lost.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from threading import BoundedSemaphore
from typing import Any
from unittest import mock

import pikepdf
import pikepdf.pdfa
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.models import EvidenceRecord
from logbook.models import MissReason, Status
from plans.services import update_iep
from reports import render, render_worker
from reports.models import GeneratedReport
from reports.sample_files import iep_pdf, school_email, worksheet_png
from reports.services import generate_report
from reports.storage import read_report
from tests.base import BaseTestCase
from tests.pdfcheck import archival_markers, attachments, page_texts, pdf_text
from tests.reports_support import TempFiles, attach, log
from tests.test_reports import verify_ledger_file

STAMP = datetime(2026, 9, 30, 18, 0, tzinfo=UTC)
START, END = date(2026, 9, 1), date(2026, 9, 30)


def probe(recompress: bool = True, **kwargs: Any) -> render.Rendered:
    data = {"title": "Probe document", "text": "plain", "prefix": "TEST-", "generated": {"by": "Alice Rivera"}}
    ledger = render.Attachment("ledger.json", '{"records": [1, 2, 3]}', "The ledger")
    return render.render_pdf("probe", data, attachments=[ledger], timestamp=STAMP, recompress=recompress, **kwargs)


def object_streams(pdf: bytes) -> int:
    """How many compressed object streams (/Type /ObjStm) the file has."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return sum(
            1
            for obj in document.objects
            if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Type") == pikepdf.Name.ObjStm
        )


def structure(pdf: bytes) -> list[str]:
    """The structure tree (the tags) in document order: each element's type, depth first."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        found: list[str] = []
        stack: list[Any] = [document.Root.StructTreeRoot.K]
        while stack:
            item = stack.pop()
            if isinstance(item, pikepdf.Array):
                stack.extend(reversed(list(item)))
            elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
                found.append(str(item.S))
                if "/K" in item:
                    stack.append(item.K)
        return found


def metadata_filter(pdf: bytes) -> object:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return document.Root.Metadata.stream_dict.get("/Filter")


def document_id(pdf: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [bytes(part) for part in document.trailer.ID]


def pdfa_findings(pdf: bytes) -> Counter[tuple[str, str, str]]:
    """What pikepdf's PDF/A-3b validator finds in the file: (rule, violation or unsupported, message).

    The validator is an allowlist (it approves only what it knows conforms) and flags some of what
    Typst writes that it does not admit (the XMP extension schema declaring pdfuaid, CFF fonts, an
    outline /Dest by reference): the same findings before and after recompression. Object numbers
    differ between the two files, so where it found them is left out.
    """
    report = pikepdf.pdfa.validate_written(io.BytesIO(pdf), "3b")
    return Counter((f.rule, f.kind, re.sub(r"\b\d+ 0 R\b", "N 0 R", f.message)) for f in report.findings)


def outline_titles(pdf: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document, document.open_outline() as outline:
        titles: list[str] = []
        stack = list(reversed(outline.root))
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(reversed(item.children))
        return titles


def page_images(pdf: bytes) -> list[bytes]:
    """Every page drawn by poppler (pdftoppm, 20 dpi) as PNG bytes; empty without pdftoppm."""
    if not shutil.which("pdftoppm"):
        return []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", "20", "-png", "-", f"{folder}/page"], input=pdf, check=True)
        return [path.read_bytes() for path in sorted(Path(folder).glob("page-*.png"))]


def assert_same_document(small: bytes, typst_file: bytes) -> None:
    """Everything a reader, a screen reader and a verifier use is the same in both files."""
    assert pdf_text(small) == pdf_text(typst_file)
    assert page_texts(small) == page_texts(typst_file)
    assert attachments(small) == attachments(typst_file)
    assert archival_markers(small) == archival_markers(typst_file)
    assert structure(small) == structure(typst_file)
    assert outline_titles(small) == outline_titles(typst_file)
    assert page_images(small) == page_images(typst_file)  # every page looks the same, pixel for pixel
    assert document_id(small)[0] == document_id(typst_file)[0]  # Typst's own first half of the ID
    assert small[:8] == typst_file[:8] == b"%PDF-1.7"  # PDF/A-3 is PDF 1.7; object streams need 1.5
    assert metadata_filter(small) is None  # PDF/A: the XMP metadata stream carries no /Filter
    assert b"<pdfaid:part>3</pdfaid:part>" in small or b'pdfaid:part="3"' in small  # readable as is
    # Recompressing adds no PDF/A-3b finding (pikepdf's validator).
    assert not pdfa_findings(small) - pdfa_findings(typst_file), pdfa_findings(small) - pdfa_findings(typst_file)


def test_the_worker_packs_typsts_objects_into_compressed_object_streams() -> None:
    """Given the same document rendered with and without recompression, then the recompressed file
    has object streams, an xref stream instead of a table, and fewer bytes; the worker says how many
    bytes Typst wrote."""
    small, typst_file = probe(), probe(recompress=False)
    assert object_streams(small.pdf) >= 1
    assert object_streams(typst_file.pdf) == 0
    assert b"/Type /XRef" in small.pdf or b"/Type/XRef" in small.pdf
    assert len(small.pdf) < len(typst_file.pdf) * 0.9
    assert small.typst_size == typst_file.typst_size == len(typst_file.pdf)
    assert small.pages == typst_file.pages == 1


def test_recompressing_loses_nothing_a_reader_or_a_validator_relies_on() -> None:
    small, typst_file = probe(), probe(recompress=False)
    assert_same_document(small.pdf, typst_file.pdf)
    # Not a vacuous comparison: the validator did read both files (and flags the same in each).
    assert pdfa_findings(small.pdf) == pdfa_findings(typst_file.pdf) != Counter()


def test_the_same_document_gives_the_same_bytes() -> None:
    """Given one document rendered twice with the same creation time, then both files are identical
    byte for byte (the ID's second half is computed from the content, not from the clock)."""
    first, second = probe(), probe()
    assert first.pdf == second.pdf
    assert first.pdf != probe(recompress=False).pdf


def test_the_save_options_are_those_pikepdf_pins_for_pdfa_3b() -> None:
    """The worker saves with what pikepdf's PDF/A support requires of a PDF/A-3b file (no encryption,
    the XMP packet untouched, no content normalisation...), object streams on, a content-made ID."""
    pinned = pikepdf.pdfa.resolve_save_kwargs("3b", deterministic_id=True)
    pinned.pop("progress")
    assert render_worker.save_options() == pinned
    assert pinned["object_stream_mode"] == pikepdf.ObjectStreamMode.generate


def test_a_page_count_comes_from_the_worker_even_with_pages_inside_object_streams() -> None:
    """Page objects now sit in compressed object streams, where no byte scan finds them."""
    small = probe()
    assert b"/Type /Page" not in small.pdf and b"/Type/Page" not in small.pdf
    with pikepdf.open(io.BytesIO(small.pdf)) as document:
        assert small.pages == len(document.pages) == 1


class StoredReportTests(TempFiles, BaseTestCase):
    def setUp(self) -> None:
        for day in (date(2026, 9, 1), date(2026, 9, 2)):
            log(self.child, self.extended_time, day, Status.DELIVERED, self.alice)
        self.miss = log(
            self.child, self.speech, date(2026, 9, 3), Status.MISSED, self.alice, minutes=0,
            reason=MissReason.PROVIDER_ABSENT, note="No speech today.",
        )  # fmt: skip
        other = log(self.child, self.extended_time, date(2026, 9, 3), Status.MISSED, self.alice)
        attach(self.child, self.alice, "quiz.png", worksheet_png(), other)
        attach(self.child, self.alice, "speech.eml", school_email("Maya", date(2026, 9, 3)), self.miss)
        # The IEP as a PDF (Exhibit 1): Typst embeds a PDF unfiltered, the rewrite compresses it.
        self.iep_file = iep_pdf(self.child.name, self.child.school, self.iep.effective_from)
        update_iep(self.iep, user=self.alice, document=SimpleUploadedFile("IEP.pdf", self.iep_file, "application/pdf"))

    def make(self, kind: str) -> tuple[GeneratedReport, bytes, bytes]:
        """A report through generate_report; also the same render as Typst wrote it."""
        real = render.Worker.hand_over
        typst_files: list[bytes] = []

        def both(worker: render.Worker, data: dict[str, Any], **kwargs: Any) -> None:
            # A started worker renders once: the extra render as Typst wrote it starts its own.
            with render.start_worker(Path(worker.source).stem) as extra:
                real(extra, data, **{**kwargs, "recompress": False})
                typst_files.append(extra.answer().pdf)
            real(worker, data, **kwargs)

        # The report's own worker holds this process's render slot meanwhile: a second slot for the extra render.
        with (
            mock.patch.object(render.Worker, "hand_over", both),
            mock.patch.object(render, "_slots", BoundedSemaphore(2)),
        ):
            report = generate_report(
                self.child, user=self.alice, kind=kind, start=START, end=END, bates_prefix="RIVERA-"
            )
        return report, read_report(report.sha256), typst_files[-1]

    def test_the_stored_evidence_report_is_the_smaller_file_and_loses_nothing(self) -> None:
        """Given an evidence report with a photo page, an embedded email and the ledger, then the file
        stored, hashed and recorded in the chain has object streams, is smaller than Typst's, and keeps
        its pages, Bates numbers, text, tags, attachments and PDF/A-3b + PDF/UA-1 markers."""
        report, pdf, typst_file = self.make("evidence")
        assert object_streams(pdf) >= 1
        assert report.size == len(pdf) < len(typst_file)
        record = EvidenceRecord.objects.filter(child=self.child, kind="report.generated").latest("seq")
        assert (json.loads(record.payload)["sha256"], json.loads(record.payload)["size"]) == (report.sha256, len(pdf))
        assert report.sha256 == hashlib.sha256(pdf).hexdigest()
        assert_same_document(pdf, typst_file)
        pages = page_texts(pdf)
        assert report.pages == len(pages) > 3
        for number, page in enumerate(pages, start=1):
            assert f"RIVERA-{number:06d}" in page
        assert report.bates_last == f"RIVERA-{len(pages):06d}"
        files = attachments(pdf)
        names = sorted(files)
        assert (
            names[0] == "exhibit-01-IEP.pdf" and names[1].endswith("-speech.eml") and names[2] == "ledger-records.json"
        )
        assert files["exhibit-01-IEP.pdf"] == self.iep_file
        output = verify_ledger_file(files["ledger-records.json"], report.ledger_head)
        assert f"OK: {report.ledger_count} records verified. Head hash: {report.ledger_head}" in output

    def test_the_stored_meeting_summary_is_the_smaller_file_and_loses_nothing(self) -> None:
        report, pdf, typst_file = self.make("summary")
        assert object_streams(pdf) >= 1
        assert report.size == len(pdf) < len(typst_file)
        assert_same_document(pdf, typst_file)
        assert report.pages == len(page_texts(pdf)) <= 2
