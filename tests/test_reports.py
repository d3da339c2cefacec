"""Meeting summary and evidence report: the numbers, the wording, Bates numbers, PDF/A, the attached ledger."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Any
from unittest import mock

from django import forms
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from evidence.models import EvidenceRecord
from evidence.verify import verify_child
from insights.compliance import compute_compliance
from logbook.models import MissReason, Source, Status
from reports import render
from reports.models import GeneratedReport
from reports.services import generate_report
from reports.storage import read_report
from tests.base import BaseTestCase, ViewerTestCase
from tests.pdfcheck import archival_markers, attachments, flat, page_texts, pdf_text
from tests.reports_support import TempFiles, attach, log

NOTE = "Sub said #no *speech* today_ $5 @room <b> ] \\ [see] // =x"
START, END = date(2026, 9, 1), date(2026, 9, 30)


def groups_of_8(digest: str) -> str:
    """A hash as the reports print it: groups of 8 hex digits separated by spaces."""
    return " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))


def verify_ledger_file(content: bytes, head: str) -> str:
    """Run the standalone verifier (tools/verify_ledger_export.py) on an extracted ledger file."""
    tool = Path(settings.BASE_DIR) / "tools" / "verify_ledger_export.py"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger-records.json"
        path.write_bytes(content)
        done = subprocess.run(
            [sys.executable, str(tool), str(path), "--expect-head", head], capture_output=True, text=True
        )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class ReportTests(TempFiles, ViewerTestCase):
    def setUp(self) -> None:
        for day in (date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3), date(2026, 9, 4)):
            log(self.child, self.extended_time, day, Status.DELIVERED, self.alice)
        log(self.child, self.extended_time, date(2026, 9, 8), Status.MISSED, self.alice, reason=MissReason.SUBSTITUTE)
        log(self.child, self.speech, date(2026, 9, 1), Status.DELIVERED, self.alice, minutes=30)
        self.miss = log(
            self.child,
            self.speech,
            date(2026, 9, 3),
            Status.MISSED,
            self.bob,
            minutes=0,
            reason=MissReason.PROVIDER_ABSENT,
            source=Source.TEACHER_SAID,
            reported_by="Ms. Lee",
            note=NOTE,
        )
        self.sample = attach(self.child, self.bob, "speech-log-photo.txt", b"the provider log", self.miss)
        log(self.child, self.speech, date(2026, 9, 10), Status.PARTIAL, self.alice, minutes=15)

    def make(self, kind: str, **options: object) -> tuple[GeneratedReport, bytes]:
        defaults: dict[str, object] = {"start": START, "end": END, "bates_prefix": "RIVERA-"}
        report = generate_report(self.child, user=self.alice, kind=kind, **{**defaults, **options})  # type: ignore[arg-type]
        return report, read_report(report.sha256)

    def test_the_evidence_report_prints_the_numbers_of_compute_compliance(self) -> None:
        numbers = compute_compliance(self.child, START, END)
        _report, pdf = self.make("evidence")
        text = flat(pdf_text(pdf))
        assert f"{numbers.totals.delivery_percent}%" in text
        assert f"delivered on {numbers.totals.delivered}, partly delivered on {numbers.totals.partial}" in text
        assert f"missed on {numbers.totals.missed}" in text
        speech = next(p for p in numbers.provisions if p.label == "Speech therapy")
        assert speech.service is not None
        assert f"required {speech.service.required:,}, delivered {speech.service.delivered:,}" in text
        assert f"documented shortfall {speech.service.shortfall:,}" in text
        extended = next(p for p in numbers.provisions if p.label == "Extended time")
        row = f"Extended time {extended.days.expected} {extended.days.delivered} {extended.days.partial} {extended.days.missed}"
        assert row in flat(" ".join(page_texts(pdf)))

    def test_the_evidence_report_quotes_the_exact_wording_of_missed_provisions_and_every_miss(self) -> None:
        _report, pdf = self.make("evidence")
        text = flat(pdf_text(pdf))
        assert self.speech.wording in text
        assert self.extended_time.wording in text
        assert "Chronology of every miss" in text
        assert "Provider or staff absent (school-caused)" in text
        assert "reported by Ms. Lee" in text
        assert "speech-log-photo.txt" in text
        assert groups_of_8(self.sample.sha256) in text

    def test_every_page_has_its_bates_number_and_page_x_of_y(self) -> None:
        """Given a household whose first report took pages 1 to n, when it makes an evidence report,
        then that report's pages carry n+1 onwards (one counter per household: numbers never repeat)."""
        first, _pdf = self.make("summary")
        taken = first.pages
        report, pdf = self.make("evidence")
        pages = page_texts(pdf)
        assert len(pages) == report.pages > 3
        for number, page in enumerate(pages, start=1):
            assert f"RIVERA-{taken + number:06d}" in page
            assert f"Page {number} of {len(pages)}" in page
        assert first.bates_first == "RIVERA-000001"
        assert report.bates_first == f"RIVERA-{taken + 1:06d}"
        assert report.bates_last == f"RIVERA-{taken + len(pages):06d}"

    def test_both_reports_are_pdfa_3b_and_pdfua_1_with_title_and_language(self) -> None:
        for kind in ("summary", "evidence"):
            _report, pdf = self.make(kind)
            markers = archival_markers(pdf)
            assert (markers["pdfa_part"], markers["pdfa_conformance"], markers["pdfua_part"]) == ("3", "B", "1")
            assert markers["output_intent"] is True
            assert markers["lang"] == "en-US"
            assert markers["struct_tree"] is True
            assert "Maya Rivera" in str(markers["title"])

    def test_the_attached_ledger_verifies_with_the_head_printed_on_the_cover(self) -> None:
        report, pdf = self.make("evidence")
        files = attachments(pdf)
        # The ledger, and the file kept with the miss (a text file: carried inside, not shown as a photo).
        assert sorted(files) == ["exhibit-01-speech-log-photo.txt", "ledger-records.json"]
        assert files["exhibit-01-speech-log-photo.txt"] == b"the provider log"
        document = json.loads(files["ledger-records.json"])
        assert document["format"] == "iepright-ledger"
        assert document["head_hash"] == report.ledger_head
        # The chain holds everything the report relied on, then the report's own record.
        count = EvidenceRecord.objects.filter(child=self.child).count() - 1
        assert len(document["records"]) == report.ledger_count == count > 9
        output = verify_ledger_file(files["ledger-records.json"], report.ledger_head)
        assert f"OK: {count} records verified. Head hash: {report.ledger_head}" in output
        assert groups_of_8(report.ledger_head) in flat(pdf_text(pdf))
        assert archival_markers(pdf)["associated_files"] == 2

    def test_the_head_hash_copied_from_the_cover_verifies_as_the_report_says(self) -> None:
        """Given the cover's text exactly as pdftotext gives it back (groups of 8, wrapped as printed),
        when it is handed to tools/verify_ledger_export.py --expect-head, quoted or pasted as words,
        then the attached records verify: no false tamper alarm."""
        _report, pdf = self.make("evidence")
        cover = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        found = re.search(r"(?<![0-9a-f])((?:[0-9a-f]{8}\s+){7}[0-9a-f]{8})(?![0-9a-f])", cover)
        assert found, cover
        copied = found.group(1)
        ledger_file = attachments(pdf)["ledger-records.json"]
        output = verify_ledger_file(ledger_file, copied)
        assert "nothing up to it has changed" in output
        tool = Path(settings.BASE_DIR) / "tools" / "verify_ledger_export.py"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "ledger-records.json"
            path.write_bytes(ledger_file)
            pasted = subprocess.run(
                [sys.executable, str(tool), str(path), "--expect-head", *copied.split()], capture_output=True, text=True
            )
        assert pasted.returncode == 0, pasted.stdout
        assert "BROKEN" not in pasted.stdout

    def test_each_report_is_recorded_in_the_chain_right_after_the_head_it_states(self) -> None:
        """Given a generated report, then the next ledger record is its "report.generated" record,
        linked to the head the report prints and carrying the file's SHA-256; and a report row
        changed behind the ledger's back fails verification."""
        report, pdf = self.make("summary")
        record = EvidenceRecord.objects.filter(child=self.child).order_by("-seq").first()
        assert record is not None and (record.kind, record.object_id) == ("report.generated", str(report.pk))
        assert record.prev_hash == report.ledger_head and record.seq == report.ledger_count + 1
        payload = json.loads(record.payload)
        assert payload["sha256"] == report.sha256 == hashlib.sha256(pdf).hexdigest()
        assert verify_child(self.child.pk).ok
        GeneratedReport.objects.filter(pk=report.pk).update(bates_first="OTHER-000001")
        problem = verify_child(self.child.pk).problem
        assert problem is not None and problem.object_type == "report"

    def test_user_text_with_typst_markup_prints_literally(self) -> None:
        _report, pdf = self.make("evidence")
        assert NOTE in flat(pdf_text(pdf))
        ask = "Please #set a *make-up* plan: $300 @ 2x <now> ] [soon] \\ // _all_"
        _report, pdf = self.make("summary", ask=ask)
        assert ask in flat(pdf_text(pdf))

    def test_the_meeting_summary_is_short_and_has_the_headline_the_misses_and_the_ask(self) -> None:
        numbers = compute_compliance(self.child, START, END)
        report, pdf = self.make("summary", ask="A make-up plan for the missed speech sessions.")
        text = flat(pdf_text(pdf))
        assert report.pages <= 2
        assert f"{numbers.totals.delivery_percent}%" in text
        assert "School-caused misses by provision" in text  # issue 10: replaces "Provisions most often missed"
        assert self.speech.wording in text
        assert f"{numbers.minutes.shortfall:,}" in text
        assert "A make-up plan for the missed speech sessions." in text
        assert "Annual IEP review due" in text
        assert "not legal advice" in text
        assert attachments(pdf) == {}

    def test_a_range_with_nothing_expected_says_so(self) -> None:
        for kind in ("summary", "evidence"):
            _report, pdf = self.make(kind, start=date(2026, 7, 1), end=date(2026, 7, 31))
            assert "Nothing to count in this range" in flat(pdf_text(pdf))

    def test_the_report_is_recorded_and_downloads_again_unchanged(self) -> None:
        report, pdf = self.make("evidence", ask="x")
        assert report.sha256 == hashlib.sha256(pdf).hexdigest()
        assert report.generated_by == self.alice
        assert report.parameters["start"] == "2026-09-01"
        url = reverse("reports:report_download", args=[self.child.pk, report.pk])
        for person in (self.alice, self.bob, self.dave):
            self.client.force_login(person)
            response = self.client.get(url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == pdf  # type: ignore[attr-defined]
        self.client.force_login(self.charlie)
        assert self.client.get(url).status_code == 404

    def test_owner_editor_and_viewer_may_make_reports_and_an_outsider_gets_404(self) -> None:
        url = reverse("reports:report_list", args=[self.child.pk])
        form = {
            "kind": "summary",
            "start": "2026-09-01",
            "end": "2026-09-30",
            "bates_prefix": "rivera-",
        }
        next_number = 1
        for person in (self.alice, self.bob, self.dave):
            self.client.force_login(person)
            response = self.client.post(url, form)
            assert response.status_code == 302
            made = GeneratedReport.objects.filter(child=self.child, generated_by=person).get()
            # One counter per household: each report continues where the one before stopped.
            assert made.bates_first == f"RIVERA-{next_number:06d}"
            next_number += made.pages
            page = self.client.get(url)
            assert page.status_code == 200
            assert reverse("reports:report_download", args=[self.child.pk, made.pk]) in page.content.decode()
            pages = f"{made.pages} page" + ("" if made.pages == 1 else "s")
            assert f"Your meeting summary is ready ({pages}). It is listed below." in page.content.decode()
        self.client.force_login(self.charlie)
        assert self.client.get(url).status_code == 404
        assert self.client.post(url, form).status_code == 404
        assert GeneratedReport.objects.filter(generated_by=self.charlie).count() == 0

    def test_an_invalid_form_answers_422_with_its_message_and_makes_nothing(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("reports:report_list", args=[self.child.pk])
        response = self.client.post(url, {"kind": "evidence", "start": "2026-09-30", "end": "2026-09-01"})
        assert response.status_code == 422
        assert "The end date is before the start date." in response.content.decode()
        assert GeneratedReport.objects.count() == 0

    def test_a_render_that_fails_answers_422_in_plain_words_and_makes_nothing(self) -> None:
        """Given a render that is stopped for time, finds the server busy, or fails to typeset, when a
        parent asks for a report, then the page says so calmly, keeps the form, and nothing is made."""
        self.client.force_login(self.alice)
        url = reverse("reports:report_list", args=[self.child.pk])
        form = {"kind": "summary", "start": "2026-09-01", "end": "2026-09-30"}
        records = EvidenceRecord.objects.filter(child=self.child).count()
        slow = [
            mock.patch.object(render.sys, "executable", "/bin/sleep"),
            mock.patch.object(render, "WORKER", "5"),
        ]
        busy = threading.BoundedSemaphore(1)
        busy.acquire()  # every render slot of this process taken
        cases: list[tuple[list[Any], dict[str, float], str]] = [
            (slow, {"REPORT_RENDER_TIMEOUT": 0.5}, "The report took longer than 1 second and was stopped."),
            (
                [mock.patch.object(render, "_render_slots", lambda: busy)],
                {"REPORT_RENDER_TIMEOUT": 0.2},
                "Another report is being made. Please try again in a minute.",
            ),
            (
                [mock.patch.object(render.Worker, "answer", side_effect=render.RenderError("typst: unknown variable"))],
                {},
                "The PDF could not be made, and nothing was saved.",
            ),
        ]
        for patches, limits, said in cases:
            with self.subTest(said=said), override_settings(**limits), contextlib.ExitStack() as stack:
                for patch in patches:
                    stack.enter_context(patch)
                with (
                    self.assertLogs("reports.render", "ERROR")
                    if "could not be made" in said
                    else contextlib.nullcontext()
                ):
                    response = self.client.post(url, form)
            page = response.content.decode()
            assert response.status_code == 422
            assert said in page and "unknown variable" not in page
            assert 'value="2026-09-30"' in page
        assert GeneratedReport.objects.count() == 0
        assert EvidenceRecord.objects.filter(child=self.child).count() == records

    def test_the_command_line_writes_the_same_kind_of_report(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "evidence.pdf"
            out = io.StringIO()
            call_command(
                "report",
                child=self.child.pk,
                kind="evidence",
                start="2026-09-01",
                end="2026-09-30",
                output=str(target),
                bates_prefix="maya-",
                stdout=out,
            )
            pdf = target.read_bytes()
        report = GeneratedReport.objects.get()
        assert report.sha256 == hashlib.sha256(pdf).hexdigest()
        assert report.generated_by is None
        assert report.generated_by_name == "IEP Right (command line)"
        assert f"SHA-256 {report.sha256}" in out.getvalue()
        assert "MAYA-000001" in page_texts(pdf)[0]


def test_charts_split_at_summers_and_keep_short_breaks() -> None:
    """Given weeks with a one-week break and a ten-week summer, the summer splits the chart, the break stays."""
    from reports.data import segments

    weeks = ["w"] * 5 + [""] + ["w"] * 3 + [""] * 10 + ["w"] * 4
    parts = segments(weeks, lambda w: w == "", gap=4)
    assert [len(p) for p in parts] == [9, 4]
    assert parts[0][5] == ""


class AmendedIepReportTests(TempFiles, BaseTestCase):
    def test_an_iep_amended_mid_range_shows_both_versions_and_their_wording(self) -> None:
        # Amended through the services, with their ledger records: a report is made only from a chain
        # that verifies against the current rows.
        from plans.services import amend_iep, save_provision

        amended = amend_iep(self.iep, date(2026, 9, 15), self.alice, "More speech")
        new_speech = amended.provisions.get(lineage=self.speech.lineage)
        new_speech.wording = "Speech-language therapy, 90 minutes per week, individual."
        new_speech.weekdays = 0b0001010
        new_speech.minutes = 90
        new_speech.session_minutes = 45
        save_provision(new_speech, user=self.alice)
        log(
            self.child,
            self.speech,
            date(2026, 9, 3),
            Status.MISSED,
            self.alice,
            minutes=0,
            reason=MissReason.SCHEDULING,
        )
        report = generate_report(self.child, user=self.alice, kind="evidence", start=START, end=END)
        text = flat(pdf_text(read_report(report.sha256)))
        assert "IEP version 1: in effect from Sep 1, 2026 to Sep 14, 2026" in text
        assert "IEP version 2: in effect from Sep 15, 2026 (current version)" in text
        assert self.speech.wording in text
        assert "Speech-language therapy, 90 minutes per week, individual." in text
        assert "2 IEP versions in this range" in text

    def test_the_form_offers_each_provision_once_across_versions_and_a_choice_covers_its_history(self) -> None:
        """Given speech amended mid-range, the form lists it once (its latest version), and choosing it
        gives the report both versions' days."""
        from plans.models import Iep, Provision
        from reports.forms import ReportForm

        Iep.objects.filter(pk=self.iep.pk).update(effective_to=date(2026, 9, 14), status=Iep.Status.SUPERSEDED)
        amended = Iep.objects.create(child=self.child, effective_from=date(2026, 9, 15), amends=self.iep)
        new_speech = Provision.objects.create(
            iep=amended,
            lineage=self.speech.lineage,
            position=2,
            kind=Provision.Kind.SERVICE,
            label="Speech therapy",
            wording="Speech-language therapy, 90 minutes per week, individual.",
            minutes=90,
            period=Provision.Period.WEEK,
        )
        field = ReportForm(self.child).fields["provisions"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        assert field.queryset is not None
        choices = [(p.pk, field.label_from_instance(p)) for p in field.queryset]
        assert choices == [(self.extended_time.pk, "Extended time"), (new_speech.pk, "Speech therapy")]
        numbers = compute_compliance(self.child, START, END, provision_ids=[new_speech.pk])
        assert [p.label for p in numbers.provisions] == ["Speech therapy"]
        assert len(numbers.provisions[0].versions) == 2


class BareChildReportTests(TempFiles, BaseTestCase):
    def test_a_child_without_calendar_iep_or_records_gets_reports_that_say_so(self) -> None:
        from plans.models import Child

        bare = Child.objects.create(household=self.household, name="Leo Rivera")
        summary = generate_report(bare, user=self.bob, kind="summary", start=START, end=END)
        assert "Nothing to count in this range" in flat(pdf_text(read_report(summary.sha256)))
        assert (summary.ledger_count, summary.ledger_head) == (0, "0" * 64)
        # The only record the evidence report can rely on is the summary's own "report.generated".
        evidence = generate_report(bare, user=self.bob, kind="evidence", start=START, end=END)
        assert "Nothing to count in this range" in flat(pdf_text(read_report(evidence.sha256)))
        only = EvidenceRecord.objects.get(child=bare, kind="report.generated", object_id=str(summary.pk))
        assert (evidence.ledger_count, evidence.ledger_head) == (1, only.hash)


class DemoReportTests(TempFiles, BaseTestCase):
    def test_the_demo_family_comes_with_a_meeting_summary(self) -> None:
        """And an evidence report whose exhibits are the IEP PDF (Exhibit 1), a quiz photo and an email."""
        import io

        from accounts.models import Household

        call_command("seed_demo", today=date(2026, 11, 28), stdout=io.StringIO())
        home = Household.objects.get(name="Okafor family")
        report = GeneratedReport.objects.get(child__household=home, kind="summary")
        assert report.bates_first == "OKAFOR-000001"
        text = flat(pdf_text(read_report(report.sha256)))
        assert "A written make-up plan for the missed service sessions" in text
        evidence = GeneratedReport.objects.get(child__household=home, kind="evidence")
        assert evidence.bates_first == f"OKAFOR-{report.pages + 1:06d}"
        pdf = read_report(evidence.sha256)
        text = flat(pdf_text(pdf))
        assert "Exhibit 1 IEP.pdf" in text
        assert "Exhibit 2: quiz-photo.png" in text
        assert "email-from-school.eml" in text
        assert sorted(attachments(pdf)) == [
            "exhibit-01-IEP.pdf",
            "exhibit-03-email-from-school.eml",
            "ledger-records.json",
        ]


class FullYearReportTests(TempFiles, BaseTestCase):
    def test_every_provision_row_and_service_total_matches_compute_compliance(self) -> None:
        """Given a demo-like year (15 provisions), then each provision's row and each service's minutes in
        the evidence report are the numbers compute_compliance returns for the same range."""
        from tests.reports_support import build_demo_child

        child = build_demo_child(self.household, self.alice)
        start, end = date(2026, 8, 24), date(2027, 6, 4)
        numbers = compute_compliance(child, start, end)
        report = generate_report(child, user=self.alice, kind="evidence", start=start, end=end, bates_prefix="X-")
        pdf = read_report(report.sha256)
        rows = flat(" ".join(page_texts(pdf)))
        text = flat(pdf_text(pdf))
        assert len(numbers.provisions) == 15
        for p in numbers.provisions:
            d = p.days
            row = f"{p.label} {d.expected} {d.delivered} {d.partial} {d.missed} {d.not_logged} {d.delivery_percent}%"
            assert row in rows, row
            if p.service is not None:
                s = p.service
                assert (
                    f"required {s.required:,}, delivered {s.delivered:,} (make-up {s.makeup_minutes:,}), "
                    f"documented shortfall {s.shortfall:,}"
                ) in text
        assert f"{numbers.totals.delivery_percent}%" in text
        misses = numbers.totals.missed + numbers.totals.partial
        assert f"oldest first ({misses} entries)" in text
        pages = page_texts(pdf)
        assert all(f"X-{n:06d}" in page for n, page in enumerate(pages, start=1))
