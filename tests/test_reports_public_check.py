"""The public report check: no account, answers only about the report, never names the child."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import EvidenceRecord
from evidence.purge import purge_child_records
from logbook.models import MissReason, Status
from reports import public_check
from reports.services import generate_report
from reports.storage import read_report
from tests.base import BaseTestCase
from tests.reports_support import TempFiles, log


class PublicCheckTests(TempFiles, BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        log(
            self.child,
            self.speech,
            date(2026, 9, 3),
            Status.MISSED,
            self.alice,
            minutes=0,
            reason=MissReason.SCHEDULING,
        )
        self.report = generate_report(
            self.child, user=self.alice, kind="summary", start=date(2026, 9, 1), end=date(2026, 9, 30),
            bates_prefix="RIVERA-",
        )  # fmt: skip
        self.pdf = read_report(self.report.sha256)
        self.url = reverse("reports:verify_report")

    def upload(self, content: bytes) -> str:
        response = self.client.post(self.url, {"report": SimpleUploadedFile("r.pdf", content)})
        assert response.status_code == 200
        return response.content.decode()

    def test_anyone_without_an_account_can_open_the_page(self) -> None:
        response = self.client.get(self.url)
        assert response.status_code == 200
        assert "Check a report from IEP Right" in response.content.decode()

    def test_an_uploaded_report_is_recognised_with_when_range_and_pages_but_no_child(self) -> None:
        page = self.upload(self.pdf)
        assert "Yes: this server made this exact file." in page
        assert "2026-09-01" in page and "2026-09-30" in page
        assert f"{self.report.bates_first}" in page and f"{self.report.bates_last}" in page
        assert self.report.ledger_head in page
        assert "still holds the records this report states" in page
        for private in ("Maya", "Rivera household", "Lincoln", self.child.school):
            assert private not in page.replace("RIVERA-", "")

    def test_a_changed_file_is_not_recognised(self) -> None:
        page = self.upload(self.pdf + b"\n% changed")
        assert "No: this server has no report like this." in page

    def test_a_report_whose_records_are_gone_says_so_plainly_and_names_no_child(self) -> None:
        """Given a report this server made, when the child's chain no longer holds its head (the
        records were purged, e.g. when the family erased them), then checking the file or its head hash
        says the family's record no longer holds what the report states, and still names no child."""
        purge_child_records(self.child.pk, self.alice)
        assert not EvidenceRecord.objects.filter(child=self.child).exists()
        answer = public_check.check_file(self.report.sha256)
        assert answer.found and not answer.chain_has_head and not answer.chain_has_report
        head = self.report.ledger_head
        pages = [
            self.upload(self.pdf),
            self.client.post(self.url, {"head": " ".join(head[i : i + 8] for i in range(0, 64, 8))}).content.decode(),
        ]
        for page in pages:
            assert "Warning: the family's record no longer holds what this report states." in page
            assert "The records or the report's own record are missing." in page
            assert "still holds the records this report states" not in page
            assert self.report.bates_first in page and "2026-09-01" in page
            for private in ("Maya", "Rivera household", "Lincoln", "Springfield"):
                assert private not in page.replace("RIVERA-", "")

    def test_a_head_hash_copied_in_groups_of_8_is_recognised(self) -> None:
        head = self.report.ledger_head
        typed = " ".join(head[i : i + 8] for i in range(0, 64, 8)).upper().replace(" 0", "\n0")
        response = self.client.post(self.url, {"head": typed})
        assert response.status_code == 200
        assert "Yes: this server made a report with this head hash." in response.content.decode()

    def test_a_malformed_hash_is_refused_with_422(self) -> None:
        response = self.client.post(self.url, {"head": "not a hash"})
        assert response.status_code == 422
        assert "That is not a head hash" in response.content.decode()

    def test_checks_are_rate_limited_per_address(self) -> None:
        for _ in range(public_check.CHECKS_PER_WINDOW):
            assert self.client.post(self.url, {"head": "0" * 64}).status_code == 200
        response = self.client.post(self.url, {"head": "0" * 64})
        assert response.status_code == 429
        assert "Too many checks" in response.content.decode()
