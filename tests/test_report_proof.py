"""The report path after issue 17's last step: the render worker starts before the chain is read, the
report reads the records once as tuples, and the whole proof of the chain (every record re-hashed,
every link, the current rows, stored files and anchors) runs while the worker compiles. A report, and
its kept ledger export, exist only if that proof passed."""

from __future__ import annotations

import gc
import json
import shutil
import threading
from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

from evidence.ledger import GENESIS_HASH, append, compute_hash
from evidence.models import EvidenceRecord
from evidence.verify import RECORD_FIELDS, chain_rows, stored_hash, verify_child
from logbook.models import Status
from reports import data as report_data_module
from reports import services as services_module
from reports.data import ChainBroken
from reports.ledger_copy import export_folder
from reports.models import BatesCounter, GeneratedReport
from reports.render import Worker
from reports.services import collections_paused, generate_report
from reports.storage import read_report
from tests.base import BaseTestCase
from tests.pdfcheck import attachments
from tests.reports_support import TempFiles, log
from tests.test_report_path import overlaps_the_render
from tests.test_verify import TABLE, stored, triggers_off

START, END = date(2026, 9, 1), date(2026, 9, 30)


def files_kept(child_id: int) -> list[str]:
    """Every file of the child's in the export folder: kept exports and pending ones."""
    folder = export_folder()
    return sorted(p.name for p in folder.iterdir() if f"{child_id}-" in p.name) if folder.exists() else []


class StoredHashTests(BaseTestCase):
    def test_the_hash_from_the_stored_payload_text_is_the_hash_of_the_canonical_body(self) -> None:
        """Given records with and without a day, a user, non-ASCII text, nested values and escapes,
        then the hash with the stored payload text spliced in is ``compute_hash``'s, record by record."""
        payloads: list[dict[str, Any]] = [
            {},
            {"note": 'Maestra "sustituta" \u2014 no lleg\u00f3 \\ \u00e9l \U0001f600', "n": 3},
            {"a": [1, {"z": None, "b": True}], "minutes": 0, "when": "2026-09-01"},
        ]
        for number, payload in enumerate(payloads):
            append(
                child_id=self.child.pk, kind="note.created", object_type="note", object_id=number,
                payload=payload, user=self.alice if number % 2 else None,
                event_date=date(2026, 9, 1 + number) if number else None,
            )  # fmt: skip
        rows = list(chain_rows(self.child.pk))
        records = list(EvidenceRecord.objects.filter(child=self.child).order_by("seq"))
        assert len(rows) == len(records) > 3
        for row, record in zip(rows, records, strict=True):
            assert stored_hash(row) == compute_hash(record) == record.hash == row.hash
        assert rows[0]._fields == RECORD_FIELDS


class ProofWhileCompilingTests(TempFiles, BaseTestCase):
    def setUp(self) -> None:
        shutil.rmtree(export_folder(), ignore_errors=True)
        for day in (date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3)):
            log(self.child, self.extended_time, day, Status.MISSED, self.alice, note=f"Missed on {day}")

    def make(self, kind: str = "evidence") -> GeneratedReport:
        return generate_report(self.child, user=self.alice, kind=kind, start=START, end=END)

    def tamper_payload(self, seq: int, text: str) -> None:
        with triggers_off() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET payload = %s WHERE child_id = %s AND seq = %s", [
                stored("payload", text), self.child.pk, seq,
            ])  # fmt: skip

    def test_the_worker_is_started_before_the_chain_is_read(self) -> None:
        order: list[str] = []
        real_start, real_rows = services_module.start_worker, report_data_module.chain_rows

        def start(*args: Any, **kwargs: Any) -> Worker:
            order.append("worker")
            return real_start(*args, **kwargs)

        def rows(*args: Any, **kwargs: Any) -> Any:
            order.append("chain")
            return real_rows(*args, **kwargs)

        with (
            mock.patch.object(services_module, "start_worker", start),
            mock.patch.object(report_data_module, "chain_rows", rows),
        ):
            report = self.make()
        assert order == ["worker", "chain"]
        assert report.ledger_count == EvidenceRecord.objects.filter(child=self.child).count() - 1

    def test_the_data_are_handed_over_whole_from_the_requests_thread_before_the_proof_starts(self) -> None:
        """Handed over from the thread that waits for the PDF, each piece of the data waited for the proof
        to let go of the interpreter lock (0.2 s more for four years): the hand-over comes first, here."""
        events: list[tuple[str, str]] = []
        real_hand_over, real_prove = Worker.hand_over, report_data_module.ChainRead.prove

        def hand_over(worker: Worker, *args: Any, **kwargs: Any) -> None:
            events.append(("hand over", threading.current_thread().name))
            real_hand_over(worker, *args, **kwargs)

        def prove(chain: Any) -> None:
            events.append(("prove", threading.current_thread().name))
            real_prove(chain)

        with (
            mock.patch.object(Worker, "hand_over", hand_over),
            mock.patch.object(report_data_module.ChainRead, "prove", prove),
        ):
            self.make()
        here = threading.current_thread().name
        assert events == [("hand over", here), ("prove", here)]

    def test_the_records_are_re_hashed_while_the_worker_renders(self) -> None:
        assert overlaps_the_render(report_data_module, "walk_chain", self.make) == [True, True]

    def test_a_record_tampered_before_the_report_leaves_nothing_made_and_no_export_kept(self) -> None:
        """Given a kept export from an earlier report and then a record's payload changed in the database
        (the reading does not re-hash it; the proof during the compile does), when a report is asked for,
        then it is refused naming that record, the worker is stopped, and nothing is made: no report row,
        no Bates numbers taken, no stored file, no new or pending export; the earlier export stays as it was."""
        first = self.make()
        kept_before = files_kept(self.child.pk)
        assert kept_before == [f"{self.child.pk}-{first.ledger_count}-{first.ledger_head}.json"]
        counter = BatesCounter.objects.get(household=self.household).next_number
        target = EvidenceRecord.objects.filter(child=self.child, kind="log_entry.created").order_by("seq").first()
        assert target is not None
        changed = json.loads(target.payload) | {"status": "delivered"}
        self.tamper_payload(target.seq, json.dumps(changed, sort_keys=True, separators=(",", ":")))
        workers: list[Worker] = []
        real_start = services_module.start_worker

        def start(*args: Any, **kwargs: Any) -> Worker:
            workers.append(real_start(*args, **kwargs))
            return workers[-1]

        with (
            mock.patch.object(services_module, "start_worker", start),
            self.assertRaisesMessage(ChainBroken, f"record {target.seq}: Record {target.seq} was changed after it"),
        ):
            self.make()
        assert GeneratedReport.objects.filter(child=self.child).count() == 1
        assert BatesCounter.objects.get(household=self.household).next_number == counter
        assert files_kept(self.child.pk) == kept_before
        [worker] = workers
        assert worker.process.returncode is not None and not worker.root.exists()

    def test_a_payload_that_cannot_be_read_is_named_by_the_proof_before_anything_renders(self) -> None:
        target = EvidenceRecord.objects.filter(child=self.child, object_type="log_entry").order_by("seq").first()
        assert target is not None
        self.tamper_payload(target.seq, "{not json")
        with (
            mock.patch.object(Worker, "hand_over") as hand_over,
            self.assertRaisesMessage(ChainBroken, f"Record {target.seq}'s content cannot be read"),
        ):
            self.make()
        hand_over.assert_not_called()
        assert not GeneratedReport.objects.exists() and files_kept(self.child.pk) == []

    def test_a_payload_rewritten_to_upset_the_report_is_named_as_the_chains_problem_not_a_crash(self) -> None:
        """Given an entry's record rewritten (valid JSON, a day that is no date), when a report
        is asked for, then the facts it cannot make are not an error page: the proof names the record."""
        target = EvidenceRecord.objects.filter(child=self.child, object_type="log_entry").order_by("seq").last()
        assert target is not None
        rewritten = {"date": "2026-09-0x", "provision": self.extended_time.pk, "status": "missed"}
        self.tamper_payload(target.seq, json.dumps(rewritten, sort_keys=True, separators=(",", ":")))
        with self.assertRaisesMessage(ChainBroken, f"record {target.seq}: Record {target.seq} was changed after it"):
            self.make()
        assert not GeneratedReport.objects.exists() and files_kept(self.child.pk) == []

    def test_the_export_is_kept_once_the_proof_passed_and_carries_the_chain_it_proved(self) -> None:
        report = self.make()
        assert files_kept(self.child.pk) == [f"{self.child.pk}-{report.ledger_count}-{report.ledger_head}.json"]
        inside = json.loads(attachments(read_report(report.sha256))["ledger-records.json"])
        assert (inside["record_count"], inside["head_hash"]) == (report.ledger_count, report.ledger_head)
        assert [r["seq"] for r in inside["records"]] == list(range(1, report.ledger_count + 1))
        assert verify_child(self.child.pk).ok

    def test_every_report_proves_the_whole_chain_again(self) -> None:
        """No proof is carried from one report to the next: the second report re-hashes every record."""
        self.make()
        with mock.patch("evidence.verify.stored_hash", wraps=stored_hash) as hashed:
            second = self.make()
        assert hashed.call_count == second.ledger_count

    def test_cyclic_collection_is_paused_while_the_report_reads_and_resumes_after_even_on_a_refusal(self) -> None:
        seen: list[bool] = []
        real = report_data_module.compute_compliance

        def numbers(*args: Any, **kwargs: Any) -> Any:
            seen.append(gc.isenabled())
            return real(*args, **kwargs)

        assert gc.isenabled()
        with mock.patch.object(report_data_module, "compute_compliance", numbers):
            self.make()
            assert gc.isenabled()
            self.tamper_payload(1, "{not json")
            with self.assertRaises(ChainBroken):
                self.make()
        assert seen == [False, False] and gc.isenabled()  # both reads paused it

    def test_a_pause_inside_another_and_a_collector_switched_off_before_are_left_as_they_were(self) -> None:
        with collections_paused():
            with collections_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()
        try:
            with collections_paused():
                pass
            assert not gc.isenabled()
        finally:
            gc.enable()

    def test_an_empty_chain_reads_as_the_genesis_head(self) -> None:
        chain = report_data_module.read_chain(self.make_child_without_records(), evidence=False)
        assert (chain.head, chain.count, chain.ledger_file) == (GENESIS_HASH, 0, None)
        chain.prove()
        assert chain.check.record_count == 0

    def make_child_without_records(self) -> Any:
        from plans.models import Child

        return Child.objects.create(household=self.household, name="Noor")


def test_recorded_at_is_hashed_in_utc_whatever_the_zone_it_is_read_in() -> None:
    """A row read with a non-UTC offset hashes as compute_hash does (UTC with microseconds)."""
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    base = {
        "child_id": 1, "seq": 1, "kind": "note.created", "object_type": "note", "object_id": "1",
        "event_date": None, "payload": "{}", "recorded_by_id": None, "recorded_by_name": "system",
        "prev_hash": GENESIS_HASH, "hash": "",
    }  # fmt: skip
    moment = datetime(2026, 9, 1, 12, 30, 0, 5, tzinfo=UTC)
    here = SimpleNamespace(**base, recorded_at=moment.astimezone(ZoneInfo("America/Chicago")))
    there = SimpleNamespace(**base, recorded_at=moment)
    assert stored_hash(here) == stored_hash(there) == compute_hash(there)  # type: ignore[arg-type]


def test_each_distinct_string_is_made_printable_once_per_report() -> None:
    """Given rows that repeat their labels, then every string comes out as ``page_text`` makes it, and
    ``page_text`` runs once per distinct string."""
    from reports import fonts

    row = {"label": "Extended time", "note": "not\u202emissed\r\nagain", "n": 3, "tags": ["sub", "sub"]}
    data = {"rows": [dict(row) for _ in range(50)], "title": "Extended time"}
    with mock.patch.object(fonts, "page_text", wraps=fonts.page_text) as page_text:
        printed = fonts.printable_data(data)
    assert page_text.call_count == 3  # "Extended time", the note and "sub"
    assert printed == {
        "rows": [{"label": "Extended time", "note": "not[U+202E]missed\nagain", "n": 3, "tags": ["sub", "sub"]}] * 50,
        "title": "Extended time",
    }
