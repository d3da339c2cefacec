"""Verification beyond the chain (issue 8): stored files re-hashed, report heads, a clock that runs back."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import time_machine
from django.test import override_settings

from evidence.attachments import attachment_path
from evidence.ledger import append
from evidence.verify import verify_child
from logbook.models import Status
from reports.storage import report_path
from tests.base import BaseTestCase
from tests.reports_support import attach, log, stored_report


def overwrite(path: os.PathLike[str], content: bytes) -> None:
    """What the examiner did: replace a stored file's bytes in place (it is read-only to the app)."""
    os.chmod(path, 0o640)
    with open(path, "wb") as handle:
        handle.write(content)


class StoredFileTests(BaseTestCase):
    def setUp(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="iepright-verify-"))
        self.addCleanup(shutil.rmtree, folder, True)
        files = override_settings(ATTACHMENT_ROOT=folder / "attachments", REPORT_ROOT=folder / "reports")
        files.enable()
        self.addCleanup(files.disable)
        entry = log(self.child, self.speech, date(2026, 9, 3), Status.MISSED, self.alice, minutes=0)
        self.email = attach(self.child, self.alice, "school.txt", b"The school says: MISSED.", entry)
        self.report = stored_report(self.child, self.bob)

    def test_every_stored_file_is_re_hashed_and_counted(self) -> None:
        report = verify_child(self.child.pk)
        assert report.ok, str(report.problem)
        assert report.files_checked == 2
        assert report.bytes_hashed == len(b"The school says: MISSED.") + len(b"%PDF-1.7 a stored report")
        assert report.report_heads_checked == 1

    def test_an_attachment_whose_bytes_were_replaced_is_caught(self) -> None:
        """Given a school email stored by its hash, when its bytes are replaced to read DELIVERED, then
        verification names the attachment and its record (it said OK before issue 8)."""
        overwrite(attachment_path(self.email.sha256), b"The school says: DELIVERED")
        problem = verify_child(self.child.pk).problem
        assert problem is not None
        assert f"The stored file of attachment {self.email.pk}" in problem.message
        assert "its bytes no longer match the fingerprint" in problem.message

    def test_a_missing_attachment_file_is_caught(self) -> None:
        attachment_path(self.email.sha256).unlink()
        problem = verify_child(self.child.pk).problem
        assert problem is not None and f"The stored file of attachment {self.email.pk}" in problem.message
        assert "is missing" in problem.message

    def test_a_report_pdf_whose_bytes_were_replaced_is_caught(self) -> None:
        overwrite(report_path(self.report.sha256), b"%PDF-1.7 another report")
        problem = verify_child(self.child.pk).problem
        assert problem is not None and f"The stored file of report {self.report.pk}" in problem.message


class ReportHeadAndClockTests(BaseTestCase):
    def test_a_report_record_whose_stated_head_is_not_the_record_before_is_caught(self) -> None:
        """Given a "report.generated" record stating a head that is not the hash of record ledger_count,
        then the records before the report were changed (or the record lies) and verification says so."""
        record = append(
            child_id=self.child.pk,
            kind="report.generated",
            object_type="note",
            object_id=1,
            payload={"ledger_count": self.fixture_seq, "ledger_head": "a" * 64},
        )
        problem = verify_child(self.child.pk).problem
        assert problem is not None and problem.seq == record.seq
        assert f"made from the chain up to record {self.fixture_seq} with head aaaaaaaa" in problem.message

    def test_a_report_record_claiming_records_after_it_is_caught(self) -> None:
        record = append(
            child_id=self.child.pk,
            kind="report.generated",
            object_type="note",
            object_id=1,
            payload={"ledger_count": self.fixture_seq + 5, "ledger_head": "a" * 64},
        )
        problem = verify_child(self.child.pk).problem
        assert problem is not None and problem.seq == record.seq
        assert "which cannot come before it" in problem.message

    def test_a_clock_that_runs_backwards_is_flagged(self) -> None:
        """Given records written now, when a later record says it was recorded a day earlier, then
        verification names it: the clock ran backwards or the record was backdated."""
        append(child_id=self.child.pk, kind="note.created", object_type="note", object_id=0, payload={})
        with time_machine.travel(datetime.now(UTC) - timedelta(days=1)):
            record = append(child_id=self.child.pk, kind="note.created", object_type="note", object_id=1, payload={})
        problem = verify_child(self.child.pk).problem
        assert problem is not None and problem.seq == record.seq
        assert "the clock ran backwards or the record was backdated" in problem.message


class TsaSettingsCheckTests(BaseTestCase):
    def test_an_authority_without_its_root_certificate_warns_and_a_missing_file_is_an_error(self) -> None:
        from evidence.checks import tsa_settings

        with override_settings(TSA_URL="https://tsa.example/", TSA_CA_FILE=""):
            assert [m.id for m in tsa_settings()] == ["evidence.W001"]
        with override_settings(TSA_URL="https://tsa.example/", TSA_CA_FILE="/nonexistent/root.pem"):
            assert [m.id for m in tsa_settings()] == ["evidence.E001"]
        with override_settings(TSA_URL="", TSA_CA_FILE=""):
            assert tsa_settings() == []
