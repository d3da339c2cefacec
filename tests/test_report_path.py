"""The report path (issue 17): the chain read once, no write lock while a report reads or renders,
the head it states checked again under the lock, the Bates counter read alone, the anchor and the
receipt after the response."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any
from unittest import mock

from django.core import mail
from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Household, User
from evidence import timestamps
from evidence.ledger import append
from evidence.models import Anchor, EvidenceRecord
from evidence.timestamps import anchor_head
from evidence.verify import verify_child, verify_since
from logbook.models import Status
from logbook.services import record_entry
from plans.models import Child, Provision
from reports import bates, receipts
from reports import data as report_data_module
from reports.data import ChainBroken
from reports.ledger_copy import export_folder, ledger_head
from reports.models import BatesCounter, GeneratedReport
from reports.render import Worker
from reports.services import generate_report, report_payload
from reports.snapshot import read_snapshot
from reports.storage import read_report, store_report
from tests.base import BaseTestCase, make_family, make_user
from tests.pdfcheck import attachments
from tests.reports_support import TempFiles, log
from tests.test_anchors import cut_tail
from tests.tsa import LocalTsa

START, END = date(2026, 9, 1), date(2026, 9, 30)
RECORDS = EvidenceRecord._meta.db_table


def log_days(test: BaseTestCase, days: int) -> None:
    """``days`` school days of September with an entry for each of Maya's two provisions."""
    day = START
    logged = 0
    while logged < days:
        if day.weekday() < 5:
            log(test.child, test.extended_time, day, Status.MISSED, test.alice, note=f"Missed on {day}")
            log(test.child, test.speech, day, Status.DELIVERED, test.alice, minutes=30)
            logged += 1
        day = date.fromordinal(day.toordinal() + 1)


def chain_reads(queries: list[dict[str, Any]]) -> list[str]:
    """The queries that read a child's records from the start of its chain (no sequence bound)."""
    return [
        q["sql"]
        for q in queries
        if f'FROM "{RECORDS}"' in q["sql"] and '"seq" >' not in q["sql"] and "DESC" not in q["sql"]
        and "INSERT" not in q["sql"] and '"seq" IN' not in q["sql"] and '"seq" =' not in q["sql"]
    ]  # fmt: skip


def overlaps_the_render(module: Any, name: str, make: Callable[[], Any]) -> list[bool]:
    """Run ``make`` with ``module.name`` and the wait for the worker's PDF each waiting (up to 5 s) for
    the other to have started: both see the other (``[True, True]``) only if they overlap."""
    started, rendering = threading.Event(), threading.Event()
    real, real_render = getattr(module, name), Worker.answer
    overlapped: list[bool] = []

    def check(*args: Any, **kwargs: Any) -> Any:
        started.set()
        overlapped.append(rendering.wait(timeout=5))
        return real(*args, **kwargs)

    def render(*args: Any, **kwargs: Any) -> Any:
        rendering.set()
        overlapped.append(started.wait(timeout=5))
        return real_render(*args, **kwargs)

    with mock.patch.object(module, name, check), mock.patch.object(Worker, "answer", render):
        make()
    return overlapped


class ReportReadsTests(TempFiles, BaseTestCase):
    def setUp(self) -> None:
        shutil.rmtree(export_folder(), ignore_errors=True)  # another test's kept export of Maya's chain

    def make(self, kind: str = "evidence") -> tuple[GeneratedReport, list[dict[str, Any]]]:
        with CaptureQueriesContext(connection) as queries:
            report = generate_report(self.child, user=self.alice, kind=kind, start=START, end=END)
        return report, queries.captured_queries

    def test_an_evidence_report_reads_the_chain_once(self) -> None:
        """Given a month of entries, when an evidence report is made, then one query reads the chain
        (verification, the facts it prints and its export share it), and the queries do not grow with the
        entries."""
        self.make("summary")  # the household's first report makes its Bates counter
        log_days(self, 5)
        report, few = self.make()
        assert len(chain_reads(few)) == 1, chain_reads(few)
        log_days(self, 15)
        _report, many = self.make()
        assert len(chain_reads(many)) == 1
        assert len(many) == len(few), [q["sql"] for q in many]
        # What it carries is still every record, verified: the export and the chronology come from that read.
        inside = attachments(read_report(_report.sha256))["ledger-records.json"]
        assert (
            inside.count(b'"seq": ')
            == _report.ledger_count
            == EvidenceRecord.objects.filter(child=self.child).count() - 1
        )
        assert _report.ledger_count == report.ledger_count + 1 + 20  # 10 new school days, 2 entries each
        assert verify_child(self.child.pk).ok

    def test_a_meeting_summary_reads_the_chain_once_too(self) -> None:
        log_days(self, 3)
        _report, queries = self.make("summary")
        assert len(chain_reads(queries)) == 1

    def test_the_provision_rows_are_built_once(self) -> None:
        log_days(self, 3)
        with mock.patch.object(report_data_module, "_provision", wraps=report_data_module._provision) as rows:
            generate_report(self.child, user=self.alice, kind="summary", start=START, end=END)
        assert rows.call_count == 2  # Maya's two provisions, though three lists show them

    def test_a_kept_export_this_chain_does_not_continue_is_replaced_by_a_fresh_one(self) -> None:
        """Given a kept export whose head is not this chain's, when a report is made, then it carries
        every record of the chain, not the stray file's."""
        log_days(self, 2)
        folder = export_folder()
        folder.mkdir(parents=True, exist_ok=True)
        stray = folder / f"{self.child.pk}-3-{'f' * 64}.json"
        stray.write_bytes(b'{"format": "iepright-ledger", "records": [{"bogus": 1}], "anchors": []}')
        report, _queries = self.make()
        assert not stray.exists()
        inside = attachments(read_report(report.sha256))["ledger-records.json"]
        assert b"bogus" not in inside and inside.count(b'"seq": ') == report.ledger_count

    def test_a_kept_export_cut_short_is_replaced_by_a_fresh_one(self) -> None:
        log_days(self, 2)
        first, _queries = self.make()
        kept = export_folder() / f"{self.child.pk}-{first.ledger_count}-{first.ledger_head}.json"
        assert kept.exists()
        kept.chmod(0o640)
        kept.write_bytes(kept.read_bytes()[:100])  # as a crash in the middle of a copy might leave it
        second, _queries = self.make()
        inside = attachments(read_report(second.sha256))["ledger-records.json"]
        assert inside.count(b'"seq": ') == second.ledger_count == first.ledger_count + 1

    def test_the_bates_counter_is_read_alone_once_it_exists(self) -> None:
        """Given a household whose counter exists, then the next number comes from the counter alone."""
        generate_report(self.child, user=self.alice, kind="summary", start=START, end=END)
        with CaptureQueriesContext(connection) as queries:
            number = bates.peek(self.household)
        assert len(queries) == 1 and GeneratedReport._meta.db_table not in queries[0]["sql"]
        assert number == BatesCounter.objects.get(household=self.household).next_number

    def test_a_restored_household_continues_after_the_pages_of_its_reports(self) -> None:
        """Given a household restored with reports that took pages 1 to 40 and no counter, when it makes
        its first report here, then that report starts at page 41."""
        head, count = ledger_head(self.child)
        restored = GeneratedReport.objects.create(
            child=self.child, kind="summary", title="Restored", parameters={"bates_start": 1}, pages=40,
            generated_at=timezone.now(), generated_by_name="Alice Rivera", sha256=store_report(b"%PDF restored"),
            size=13, bates_first="R-000001", bates_last="R-000040", ledger_head=head, ledger_count=count,
        )  # fmt: skip
        append(
            child_id=self.child.pk, kind="report.generated", object_type="report", object_id=restored.pk,
            payload=report_payload(restored), user=self.alice,
        )  # fmt: skip
        assert not BatesCounter.objects.exists()
        assert bates.peek(self.household) == 41
        report = generate_report(self.child, user=self.alice, kind="summary", start=START, end=END, bates_prefix="R-")
        assert report.bates_first == "R-000041"
        assert BatesCounter.objects.get(household=self.household).next_number == 41 + report.pages

    def test_the_rows_files_and_anchors_are_checked_while_the_worker_renders(self) -> None:
        overlapped = overlaps_the_render(
            report_data_module,
            "finish_check",
            lambda: generate_report(self.child, user=self.alice, kind="summary", start=START, end=END),
        )
        assert overlapped == [True, True]

    def test_an_anchor_token_found_good_is_not_checked_again(self) -> None:
        with LocalTsa() as tsa, override_settings(TSA_URL=tsa.url, TSA_CA_FILE=tsa.ca_file):
            first = anchor_head(self.child.pk, reason="manual")
            with mock.patch("evidence.timestamps.token_problem", wraps=timestamps.token_problem) as checked:
                assert verify_child(self.child.pk).anchors_checked == 1
                assert verify_child(self.child.pk).anchors_checked == 1
            assert checked.call_count == 1
            # Another head's token stored for the first head (anchors can only be added): checked, and refused.
            log(self.child, self.extended_time, START, Status.MISSED, self.alice)
            other = anchor_head(self.child.pk, reason="manual")
            assert first is not None and other is not None
            Anchor.objects.create(
                child_id=self.child.pk, seq=first.seq, head_hash=first.head_hash, tsa_url=other.tsa_url,
                token=other.token, gen_time=other.gen_time, reason="manual",
            )  # fmt: skip
            problem = verify_child(self.child.pk).problem
            assert problem is not None and "stamps a different fingerprint" in problem.message


class ChainSinceTests(BaseTestCase):
    def note(self, n: int = 1) -> list[EvidenceRecord]:
        return [
            append(child_id=self.child.pk, kind="note.created", object_type="note", object_id=i, payload={})
            for i in range(n)
        ]

    def test_records_appended_since_the_check_are_checked_alone(self) -> None:
        checked = verify_child(self.child.pk)
        self.note(3)
        with CaptureQueriesContext(connection) as queries:
            since = verify_since(self.child.pk, checked)
        assert since.ok and since.record_count == checked.record_count + 3
        assert len(queries) == 1 and f'"seq" >= {checked.record_count}' in queries[0]["sql"].replace("%s", "")

    def test_a_report_record_appended_since_must_state_a_head_in_the_chain(self) -> None:
        """Given another report recorded meanwhile, then its stated head is looked up and checked."""
        checked = verify_child(self.child.pk)
        self.note()
        head = EvidenceRecord.objects.get(child=self.child, seq=checked.record_count)
        report = {"ledger_count": head.seq, "ledger_head": head.hash}
        append(child_id=self.child.pk, kind="report.generated", object_type="report", object_id=1, payload=report)
        assert verify_since(self.child.pk, checked).report_heads_checked == 1
        forged = {"ledger_count": head.seq, "ledger_head": "e" * 64}
        append(child_id=self.child.pk, kind="report.generated", object_type="report", object_id=2, payload=forged)
        problem = verify_since(self.child.pk, checked).problem
        assert problem is not None and "the records before the report were changed" in problem.message

    def test_a_chain_cut_below_the_checked_head_is_refused(self) -> None:
        self.note(3)
        checked = verify_child(self.child.pk)
        cut_tail(self.child, checked.record_count - 2)
        self.note(3)  # a forged tail of the same length
        problem = verify_since(self.child.pk, checked).problem
        assert problem is not None and problem.seq == checked.record_count
        assert "no longer the record that was checked" in problem.message


class ReportLockTests(TempFiles, TransactionTestCase):
    """Real transactions on the suite's database, threads for the other people writing."""

    alice: User
    bob: User
    child: Child
    extended_time: Provision
    fixture_seq: int

    def setUp(self) -> None:
        BaseTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]  # Maya's family, committed
        self.other_household = make_family(make_user("olu@example.com", "Olu Okafor"), "Okafor household")

    def other_write(self, done: threading.Event, errors: list[BaseException]) -> None:
        """Another household's parent adds a child and its first ledger record."""
        try:
            with transaction.atomic():
                child = Child.objects.create(household=self.other_household, name=f"Ada {uuid.uuid4().hex[:4]}")
                append(child_id=child.pk, kind="note.created", object_type="note", object_id=1, payload={})
            done.set()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def test_another_households_write_does_not_wait_while_a_report_reads_or_renders(self) -> None:
        """Given a report paused while it reads the chain and again while its worker renders, when another
        household writes at those moments, then each write is committed before the report goes on."""
        log(self.child, self.extended_time, START, Status.MISSED, self.alice)
        waited: dict[str, bool] = {}
        errors: list[BaseException] = []

        def pause(stage: str) -> None:
            done = threading.Event()
            writer = threading.Thread(target=self.other_write, args=(done, errors))
            writer.start()
            waited[stage] = done.wait(timeout=8)  # the old path held the write lock here: the writer waited
            writer.join()

        real_compliance = report_data_module.compute_compliance
        real_render = Worker.answer

        def reading(*args: Any, **kwargs: Any) -> Any:
            pause("read")
            return real_compliance(*args, **kwargs)

        def rendering(*args: Any, **kwargs: Any) -> Any:
            pause("render")
            return real_render(*args, **kwargs)

        with (
            mock.patch.object(report_data_module, "compute_compliance", reading),
            mock.patch.object(Worker, "answer", rendering),
        ):
            report = generate_report(self.child, user=self.alice, kind="evidence", start=START, end=END)
        assert errors == []
        assert waited == {"read": True, "render": True}
        assert EvidenceRecord.objects.filter(child__household=self.other_household).count() == 2
        assert verify_child(self.child.pk).ok and report.ledger_count == self.fixture_seq + 1

    def test_a_day_logged_while_the_report_renders_comes_before_its_record_and_the_report_states_its_read(
        self,
    ) -> None:
        """Given a parent who logs a day while the report renders, then the report states the head it was
        read at, its own record follows the parent's, and the chain verifies."""
        real_render = Worker.answer

        def rendering(*args: Any, **kwargs: Any) -> Any:
            writer = threading.Thread(target=self.log_meanwhile)
            writer.start()
            writer.join()
            return real_render(*args, **kwargs)

        with mock.patch.object(Worker, "answer", rendering):
            report = generate_report(self.child, user=self.alice, kind="evidence", start=START, end=END)
        records = list(EvidenceRecord.objects.filter(child=self.child).order_by("seq"))
        assert report.ledger_count == self.fixture_seq and report.ledger_head == records[self.fixture_seq - 1].hash
        assert [r.kind for r in records[self.fixture_seq :]] == ["log_entry.created", "report.generated"]
        assert verify_child(self.child.pk).ok

    def log_meanwhile(self) -> None:
        try:
            record_entry(
                self.child, START, self.extended_time, status=Status.DELIVERED, user=self.bob, client_id=uuid.uuid4()
            )
        finally:
            connection.close()

    def test_a_chain_cut_while_the_report_renders_leaves_nothing_made(self) -> None:
        for n in range(3):
            append(child_id=self.child.pk, kind="note.created", object_type="note", object_id=n, payload={})
        real_render = Worker.answer

        def rendering(*args: Any, **kwargs: Any) -> Any:
            cut_tail(self.child, self.fixture_seq + 1)
            return real_render(*args, **kwargs)

        with (
            mock.patch.object(Worker, "answer", rendering),
            self.assertRaisesMessage(ChainBroken, "no longer the record that was checked"),
        ):
            generate_report(self.child, user=self.alice, kind="summary", start=START, end=END)
        assert not GeneratedReport.objects.exists() and not BatesCounter.objects.exists()

    def test_the_snapshot_refuses_to_write(self) -> None:
        with self.assertRaises(Exception), read_snapshot():  # noqa: B017 - SQLite and PostgreSQL word it differently
            Household.objects.create(name="Not here")
        assert not Household.objects.filter(name="Not here").exists()
        Household.objects.create(name="Afterwards")  # the connection writes again once the snapshot ends

    @override_settings(REPORT_AFTER_REPORT_IN_THREAD=True)
    def test_the_anchor_and_the_receipt_come_after_the_response_in_a_thread_of_their_own(self) -> None:
        """Given an authority that answers slowly, when a report is made, then generate_report returns
        before the anchor is stored, and the thread then stores it and sends the receipt."""
        released = threading.Event()
        with LocalTsa() as tsa, override_settings(TSA_URL=tsa.url, TSA_CA_FILE=tsa.ca_file):
            real_request = receipts.anchor_head

            def slow(*args: Any, **kwargs: Any) -> Any:
                released.wait(timeout=10)
                return real_request(*args, **kwargs)

            with mock.patch.object(receipts, "anchor_head", slow):
                report = generate_report(self.child, user=self.alice, kind="summary", start=START, end=END)
                assert not Anchor.objects.exists() and mail.outbox == []
                released.set()
                receipts.wait_for_after_reports()
        anchor = Anchor.objects.get()
        head = EvidenceRecord.objects.filter(child=self.child).order_by("-seq").first()
        assert head is not None and (anchor.reason, anchor.head_hash, head.kind) == (
            "report",
            head.hash,
            "report.generated",
        )
        [message] = mail.outbox
        assert report.sha256 in message.body and message.to == ["alice@example.com"]
