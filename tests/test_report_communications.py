"""The evidence report's communications section: what was asked, when, whether and when the school answered."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import time_machine

from correspondence import services
from reports.communications import communications_data
from reports.services import generate_report
from reports.storage import report_path
from tests.base import BaseTestCase
from tests.logbook_base import NOW
from tests.pdfcheck import flat, pdf_text
from tests.reports_support import TempFiles


@time_machine.travel(NOW, tick=False)
class ReportCommunicationsTests(TempFiles, BaseTestCase):
    def add(self, **values: Any) -> Any:
        values.setdefault("channel", "email")
        return services.create_communication(self.child, user=self.alice, client_id=uuid.uuid4(), **values)

    def thread(self) -> None:
        asked = self.add(
            date=date(2026, 9, 14), direction="sent", counterpart_name="Ms. Patel", subject="Speech missed"
        )
        self.add(
            date=date(2026, 9, 17),
            direction="received",
            counterpart_name="Ms. Patel",
            subject="Re: Speech missed",
            in_reply_to=asked.pk,
        )
        self.add(
            date=date(2026, 10, 1), direction="sent", subject="Where is the OT log?", follow_up_due=date(2026, 10, 8)
        )
        gone = self.add(date=date(2026, 10, 2), direction="sent", subject="Sent to the wrong school")
        services.retract_communication(gone, user=self.alice, reason="wrong school")

    def test_rows_say_what_was_asked_and_whether_and_when_it_was_answered(self) -> None:
        self.thread()
        data = communications_data(self.child, date(2026, 9, 1), date(2026, 10, 31))
        assert (data["asked"], data["answered"], data["unanswered"]) == (2, 1, 1)
        statuses = [(row["date"], row["subject"], row["status"]) for row in data["rows"]]
        assert statuses == [
            ("Sep 14, 2026", "Speech missed", "Answered Sep 17, 2026 (3 days)"),
            ("Sep 17, 2026", "Re: Speech missed", "Received"),
            ("Oct 1, 2026", "Where is the OT log?", "No answer recorded (asked by Oct 8, 2026)"),
        ]

    def test_the_section_reads_the_ledger_not_the_table(self) -> None:
        """Given a communication edited through the service, the report shows the latest recorded version."""
        comm = self.add(date=date(2026, 9, 14), direction="sent", subject="First subject")
        services.edit_communication(
            comm, user=self.alice, client_id=uuid.uuid4(), edit_reason="typo", subject="Fixed subject"
        )
        rows = communications_data(self.child, date(2026, 9, 1), date(2026, 9, 30))["rows"]
        assert [row["subject"] for row in rows] == ["Fixed subject"]

    def test_the_evidence_report_prints_the_section(self) -> None:
        self.thread()
        report = generate_report(
            self.child, user=self.alice, kind="evidence", start=date(2026, 9, 1), end=date(2026, 10, 31)
        )
        text = flat(pdf_text(report_path(report.sha256).read_bytes()))
        assert "Communications with the school" in text
        assert "2 times in this period; 1 of these have an answer recorded and 1 do not" in text
        assert "Where is the OT log?" in text
        assert "Sent to the wrong school" not in text
