"""The ledger export an evidence report carries: kept between reports and extended, never different."""

from __future__ import annotations

import json
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evidence.export import ledger_export
from evidence.ledger import append
from evidence.models import Anchor
from reports.erase import erase_child
from reports.ledger_copy import export_folder, ledger_export_file, ledger_export_text
from reports.services import generate_report
from reports.storage import read_report
from tests.base import BaseTestCase
from tests.pdfcheck import attachments
from tests.reports_support import TempFiles


def without_time(text: str) -> dict:
    document = json.loads(text)
    assert document.pop("exported_at").endswith("Z")
    return document


class LedgerExportCacheTests(TempFiles, BaseTestCase):
    def note(self, n: int) -> None:
        append(
            child_id=self.child.pk,
            kind="note.created",
            object_type="note",
            object_id=n,
            payload={"text": f"note {n} with ünïcode"},
            user=self.alice,
        )

    def test_the_file_is_the_same_text_as_a_fresh_export_byte_for_byte(self) -> None:
        path, head, count = ledger_export_file(self.child)
        fresh, fresh_head, fresh_count = ledger_export_text(self.child)
        kept = path.read_text(encoding="utf-8")
        stamp = json.loads(kept)["exported_at"]
        assert kept == fresh.replace(json.loads(fresh)["exported_at"], stamp)
        assert (head, count) == (fresh_head, fresh_count) == (fresh_head, self.fixture_seq)
        assert path.name == f"{self.child.pk}-{count}-{head}.json"

    def test_new_records_extend_the_kept_export_and_only_they_are_read(self) -> None:
        first, head, count = ledger_export_file(self.child)
        Anchor.objects.create(
            child_id=self.child.pk,
            seq=count,
            head_hash=head,
            tsa_url="https://tsa.example",
            token=b"\x30\x03token",
            gen_time=timezone.now(),
            reason="report",
        )
        for n in range(3):
            self.note(n)
        with CaptureQueriesContext(connection) as queries:
            second, head, new_count = ledger_export_file(self.child)
        assert new_count == count + 3
        assert not first.exists()  # one kept file per child
        assert sorted(p.name for p in export_folder().iterdir() if not p.name.startswith(".")) == [second.name]
        reads = [q["sql"] for q in queries.captured_queries if '"seq" >' in q["sql"]]
        assert len(reads) == 1 and str(count) in reads[0]
        document = without_time(second.read_text(encoding="utf-8"))
        assert document == without_time(json.dumps(ledger_export(self.child.pk), ensure_ascii=False))
        assert document["head_hash"] == head and len(document["records"]) == new_count
        assert [a["seq"] for a in document["anchors"]] == [count]

    def test_the_same_head_reuses_the_file_without_reading_records(self) -> None:
        first, _head, _count = ledger_export_file(self.child)
        with CaptureQueriesContext(connection) as queries:
            again, _head, _count = ledger_export_file(self.child)
        assert again == first
        assert len(queries) == 1  # the head only

    def test_a_kept_file_that_no_longer_matches_the_chain_is_not_used(self) -> None:
        """A file named for a head this child's chain does not have is ignored and replaced."""
        export_folder().mkdir(parents=True, exist_ok=True)
        stray = export_folder() / f"{self.child.pk}-2-{'0' * 64}.json"
        stray.write_text('{"format": "iepright-ledger", "records": [{"bogus": 1}]}', encoding="utf-8")
        path, _head, count = ledger_export_file(self.child)
        assert not stray.exists()
        assert len(json.loads(path.read_text(encoding="utf-8"))["records"]) == count

    def test_an_evidence_report_carries_the_kept_export_and_erasing_the_child_removes_it(self) -> None:
        report = generate_report(
            self.child, user=self.alice, kind="evidence", start=date(2026, 9, 1), end=date(2026, 9, 30)
        )
        carried = attachments(read_report(report.sha256))["ledger-records.json"]
        kept = export_folder() / f"{self.child.pk}-{report.ledger_count}-{report.ledger_head}.json"
        assert carried == kept.read_bytes()
        # The next report reuses it and adds the first report's own record.
        second = generate_report(
            self.child, user=self.alice, kind="evidence", start=date(2026, 9, 1), end=date(2026, 9, 30)
        )
        assert second.ledger_count == report.ledger_count + 1
        with self.captureOnCommitCallbacks(execute=True):
            erase_child(self.child, self.alice)
        assert list(export_folder().glob("*.json")) == []
