"""External anchoring (issue 8): RFC 3161 tokens from a local authority (``openssl ts`` on loopback).

Truncating a chain, or cutting it and appending a forged tail, verifies from the inside; with an
anchored head it fails loudly. Tokens are taken daily by ``anchor_ledger`` and after every report,
and the owner gets an integrity receipt.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

from evidence import timestamps
from evidence.export import ledger_export
from evidence.ledger import append
from evidence.models import Anchor, EvidenceRecord, PurgeAuthorization
from evidence.verify import verify_child
from plans.models import Child
from reports.services import generate_report
from reports.storage import read_report
from tests.base import BaseTestCase
from tests.pdfcheck import attachments, flat, pdf_text
from tests.reports_support import TempFiles
from tests.tsa import LocalTsa

TABLE = EvidenceRecord._meta.db_table
TOOL = Path(__file__).resolve().parent.parent / "tools" / "verify_ledger_export.py"


def note(child: Child, n: int = 1) -> list[EvidenceRecord]:
    """Records of a kind no current-state loader checks, so a test can cut them cleanly."""
    return [
        append(child_id=child.pk, kind="note.created", object_type="note", object_id=i, payload={"n": i})
        for i in range(n)
    ]


def cut_tail(child: Child, after_seq: int) -> None:
    """What an operator with full SQL access can do: authorize a purge, delete the newest records, and
    tidy up behind it, dropping and re-creating the guard that keeps a partial purge's permission in place."""
    purge_table = PurgeAuthorization._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        authorization = PurgeAuthorization.objects.create(child_id=child.pk)
        cursor.execute(f"DELETE FROM {TABLE} WHERE child_id = %s AND seq > %s", [child.pk, after_seq])
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'evidence_purge_whole_chain'")
            (create,) = cursor.fetchone()
            cursor.execute("DROP TRIGGER evidence_purge_whole_chain")
            PurgeAuthorization.objects.filter(pk=authorization.pk).delete()
            cursor.execute(create)
        else:
            cursor.execute(f"ALTER TABLE {purge_table} DISABLE TRIGGER USER")
            PurgeAuthorization.objects.filter(pk=authorization.pk).delete()
            cursor.execute(f"ALTER TABLE {purge_table} ENABLE TRIGGER USER")


class AnchorTests(TempFiles, BaseTestCase):
    tsa: LocalTsa
    _tsa_settings: Any

    @classmethod
    def setUpClass(cls) -> None:
        cls.tsa = LocalTsa().__enter__()
        cls._tsa_settings = override_settings(TSA_URL=cls.tsa.url, TSA_CA_FILE=cls.tsa.ca_file)
        cls._tsa_settings.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._tsa_settings.disable()
        cls.tsa.__exit__(None, None, None)

    def test_a_head_is_anchored_by_the_local_authority_and_verifies(self) -> None:
        """Round trip: request, signed token, stored anchor, verification checks it against the root."""
        [record] = note(self.child)
        anchor = timestamps.anchor_head(self.child.pk, reason="manual")
        assert anchor is not None
        assert (anchor.seq, anchor.head_hash, anchor.tsa_url) == (record.seq, record.hash, self.tsa.url)
        assert abs(anchor.gen_time - datetime.now(UTC)) < timedelta(minutes=2)
        assert timestamps.token_problem(bytes(anchor.token), record.hash) is None
        report = verify_child(self.child.pk)
        assert report.ok, str(report.problem)
        assert report.anchors_checked == 1
        assert report.latest_anchor == anchor

    def test_cutting_the_newest_records_is_caught_by_the_anchor(self) -> None:
        """Given an anchored head, when the newest records are deleted through a forged purge, then
        verification names the anchored record that is gone (the chain itself still links)."""
        note(self.child, 3)
        anchor = timestamps.anchor_head(self.child.pk, reason="daily")
        assert anchor is not None
        cut_tail(self.child, anchor.seq - 2)
        assert verify_child(self.child.pk, check_anchors=False).ok  # invisible from inside
        problem = verify_child(self.child.pk).problem
        assert problem is not None
        assert problem.seq == anchor.seq
        assert "records were cut from the end of the chain" in problem.message

    def test_a_forged_tail_is_caught_by_the_anchor(self) -> None:
        """Given an anchored head, when the tail is cut and rewritten with valid hashes, then the anchored
        record is not the one the authority stamped."""
        note(self.child, 2)
        anchor = timestamps.anchor_head(self.child.pk, reason="daily")
        assert anchor is not None
        cut_tail(self.child, anchor.seq - 1)
        append(child_id=self.child.pk, kind="note.created", object_type="note", object_id=9, payload={})
        assert verify_child(self.child.pk, check_anchors=False).ok
        problem = verify_child(self.child.pk).problem
        assert problem is not None and problem.seq == anchor.seq
        assert "the chain was rewritten from there on" in problem.message

    def test_a_record_backdated_before_the_anchor_but_after_it_in_the_chain_is_flagged(self) -> None:
        leo = Child.objects.create(household=self.household, name="Leo Rivera")
        start = datetime.now(UTC) - timedelta(hours=2)
        with time_machine.travel(start, tick=False):
            note(leo)
        anchor = timestamps.anchor_head(leo.pk, reason="daily")  # the authority's real time: now
        assert anchor is not None
        with time_machine.travel(start + timedelta(minutes=30), tick=False):
            note(leo)
        assert verify_child(leo.pk, check_anchors=False).ok
        problem = verify_child(leo.pk).problem
        assert problem is not None and problem.seq == anchor.seq + 1
        assert "it was backdated" in problem.message

    def test_a_token_from_another_authority_does_not_check_out(self) -> None:
        note(self.child)
        with LocalTsa() as other:
            with self.assertRaisesMessage(timestamps.TimestampError, "does not check out"):
                timestamps.anchor_head(self.child.pk, reason="manual", url=other.url)
            with override_settings(TSA_CA_FILE=other.ca_file):  # the operator switched authorities
                anchor = timestamps.anchor_head(self.child.pk, reason="manual", url=other.url)
        assert anchor is not None
        problem = verify_child(self.child.pk).problem
        assert problem is not None and "does not check out against the authority's certificate" in problem.message

    def test_an_answer_that_stamps_another_head_is_refused(self) -> None:
        [record] = note(self.child)
        token = timestamps.request_token("f" * 64)
        assert (
            timestamps.token_problem(token.der, record.hash) == "it stamps a different fingerprint than this chain head"
        )

    def test_an_authority_that_is_down_leaves_no_anchor(self) -> None:
        note(self.child)
        self.tsa.refuse = True
        try:
            with self.assertRaisesMessage(timestamps.TimestampError, "could not be reached"):
                timestamps.anchor_head(self.child.pk, reason="daily")
        finally:
            self.tsa.refuse = False
        assert not Anchor.objects.exists()

    def test_anchors_are_append_only_in_the_database(self) -> None:
        note(self.child)
        anchor = timestamps.anchor_head(self.child.pk, reason="manual")
        assert anchor is not None
        table = Anchor._meta.db_table
        for sql in (f"UPDATE {table} SET seq = 1", f"DELETE FROM {table}"):
            with (
                self.assertRaisesMessage(Exception, "Anchors are append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        assert Anchor.objects.get().seq == anchor.seq

    def test_the_daily_command_anchors_changed_chains_only(self) -> None:
        leo = Child.objects.create(household=self.household, name="Leo Rivera")
        note(leo)
        out = io.StringIO()
        call_command("anchor_ledger", stdout=out)
        assert "Anchored 2 of 2 changed chains." in out.getvalue()
        assert set(Anchor.objects.values_list("child_id", "reason")) == {(self.child.pk, "daily"), (leo.pk, "daily")}
        out = io.StringIO()
        call_command("anchor_ledger", stdout=out)
        assert "Anchored 0 of 0 changed chains." in out.getvalue()
        note(leo)
        call_command("anchor_ledger", stdout=io.StringIO())
        assert Anchor.objects.filter(child_id=leo.pk).count() == 2

    def test_every_report_is_anchored_receipted_and_prints_the_anchors_before_it(self) -> None:
        """Given an anchored chain, when an evidence report is made, then the PDF prints the anchor, the
        new head (with the report's record) is anchored, and the owner gets a receipt with the file hash."""
        call_command("anchor_ledger", stdout=io.StringIO())
        earlier = Anchor.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            report = generate_report(
                self.child, user=self.alice, kind="evidence", start=datetime(2026, 9, 1).date(),
                end=datetime(2026, 9, 30).date(),
            )  # fmt: skip
        pdf = read_report(report.sha256)
        text = flat(pdf_text(pdf))
        assert "Time-stamps from outside this server" in text
        assert "1 time-stamps cover this chain" in text or "1 time-stamp" in text
        assert earlier.head_hash[:8] in text.replace("\u200b", "").replace(" ", "")
        latest = Anchor.objects.order_by("-pk").first()
        assert latest is not None and latest.reason == "report"
        record = EvidenceRecord.objects.filter(child_id=self.child.pk).order_by("-seq").first()
        assert record is not None and (record.kind, latest.head_hash) == ("report.generated", record.hash)
        [message] = mail.outbox
        assert message.to == ["alice@example.com"]
        assert report.sha256 in message.body
        assert record.hash in message.body
        assert verify_child(self.child.pk).anchors_checked == 2
        # The chain inside the PDF carries the anchors before it, for the standalone verifier.
        inside = json.loads(attachments(pdf)["ledger-records.json"])
        assert [a["seq"] for a in inside["anchors"]] == [earlier.seq]

    def test_the_weekly_receipt_goes_to_the_owner_with_every_head(self) -> None:
        note(self.child)
        call_command("anchor_ledger", stdout=io.StringIO())
        out = io.StringIO()
        call_command("send_integrity_receipts", stdout=out)
        assert "Sent 1 integrity receipt(s)." in out.getvalue()
        [message] = mail.outbox
        assert message.to == ["alice@example.com"]
        head = EvidenceRecord.objects.filter(child_id=self.child.pk).order_by("-seq").first()
        assert head is not None
        assert f"Maya Rivera (child {self.child.pk}): {head.seq} records" in message.body
        assert f"Head: {head.hash}" in message.body
        assert f"Time-stamped: record {head.seq}" in message.body
        assert "Integrity receipt" in message.subject

    def test_the_standalone_verifier_checks_the_anchors_in_an_export(self) -> None:
        note(self.child, 2)
        anchor = timestamps.anchor_head(self.child.pk, reason="manual")
        assert anchor is not None
        document = ledger_export(self.child.pk)
        assert document["anchors"][0]["head"] == anchor.head_hash
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "records.json"
            path.write_text(json.dumps(document))
            ok = run_tool(path)
            assert ok.returncode == 0, ok.stdout
            assert "1 time-stamp" in ok.stdout
            # The file cut at the end, as a server operator would hand it over: the anchor gives it away.
            cut: dict[str, Any] = {**document, "records": document["records"][:-1]}
            cut.pop("record_count")
            cut.pop("head_hash")
            path.write_text(json.dumps(cut))
            broken = run_tool(path)
            assert broken.returncode == 1
            assert f"Record {anchor.seq} was time-stamped" in broken.stdout and "cut from the end" in broken.stdout


def run_tool(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOL), str(path)], capture_output=True, text=True, timeout=60)
