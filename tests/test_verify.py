"""Verification catches every kind of tampering and names the first broken record."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.models import Field
from django.test import override_settings
from django.urls import reverse

from accounts.models import AccessLog
from evidence import verify as verify_module
from evidence.attachments import store_attachment
from evidence.export import ledger_export
from evidence.ledger import GENESIS_HASH, append, canonical_json
from evidence.models import Attachment, EvidenceRecord, PurgeAuthorization
from evidence.verify import (
    Problem,
    database_problem,
    register_current_state,
    unregister_current_state,
    verify_child,
)
from plans import services as plan_services
from plans.models import Absence, Provision
from tests.base import BaseTestCase

TABLE = EvidenceRecord._meta.db_table


def stored(column: str, value: str) -> Any:
    """``value`` (hex hash or payload text) as the column stores it: what someone with SQL access would write."""
    field = EvidenceRecord._meta.get_field(column)
    assert isinstance(field, Field)
    return field.get_db_prep_value(value, connection)


SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "verify_ledger_export.py"


@contextmanager
def triggers_off() -> Iterator[Any]:
    """Let a test tamper with the ledger table as an attacker with database access could.

    DDL is transactional on SQLite and PostgreSQL, so the test's rollback restores the triggers.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS evidence_record_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS evidence_record_no_delete")
        else:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


class VerifyTestCase(BaseTestCase):
    current: dict[str, dict[str, Any]]

    def setUp(self) -> None:
        super().setUp()
        # A stand-in for the logbook's loader: what the "current table" says each entry is now.
        self.current = {}
        real_loader = verify_module._LOADERS.get("log_entry")  # the logbook's, registered at start-up
        register_current_state("log_entry", lambda child_id: dict(self.current) if child_id == self.child.pk else {})
        if real_loader is not None:
            self.addCleanup(register_current_state, "log_entry", real_loader)
        else:
            self.addCleanup(unregister_current_state, "log_entry")
        for n in range(1, 6):
            self.log(str(n), {"status": "delivered", "n": n})

    def seq(self, n: int) -> int:
        """The sequence number of the n-th record this test case appended after the fixture's plan records."""
        return self.fixture_seq + n

    def log(self, entry_id: str, payload: dict[str, Any], action: str = "created") -> EvidenceRecord:
        record = append(
            child_id=self.child.pk,
            kind=f"log_entry.{action}",
            object_type="log_entry",
            object_id=entry_id,
            payload=payload,
            user=self.alice,
        )
        self.current[entry_id] = payload
        return record

    def tamper(self, sql: str, params: list[Any]) -> None:
        with triggers_off() as cursor:
            cursor.execute(sql, params)

    def problem(self) -> tuple[int | None, str]:
        report = verify_child(self.child.pk)
        assert report.problem is not None, "verification should have failed"
        return report.problem.seq, report.problem.message


class ChainVerificationTests(VerifyTestCase):
    def test_an_untouched_chain_verifies_with_its_count_head_and_times(self) -> None:
        report = verify_child(self.child.pk)
        last = EvidenceRecord.objects.filter(child_id=self.child.pk).last()
        assert last is not None
        assert report.ok
        assert (report.record_count, report.head_hash) == (self.seq(5), last.hash)
        assert report.first_recorded_at is not None and report.last_recorded_at == last.recorded_at
        assert {"attachment", "log_entry"} <= set(report.checked_types)

    def test_an_empty_chain_verifies_with_the_genesis_hash(self) -> None:
        report = verify_child(999)
        assert report.ok and report.record_count == 0 and report.head_hash == GENESIS_HASH

    def test_a_changed_payload_is_named(self) -> None:
        self.tamper(
            f"UPDATE {TABLE} SET payload = %s WHERE seq = %s",
            [stored("payload", '{"n":3,"status":"missed"}'), self.seq(3)],
        )
        assert self.problem() == (
            self.seq(3),
            f"Record {self.seq(3)} was changed after it was written: "
            "its content no longer matches its fingerprint (hash).",
        )

    def test_a_payload_rewritten_in_another_form_is_named(self) -> None:
        self.tamper(
            f"UPDATE {TABLE} SET payload = %s WHERE seq = %s",
            [stored("payload", '{"status": "delivered", "n": 2}'), self.seq(2)],
        )
        assert self.problem() == (
            self.seq(2),
            f"Record {self.seq(2)}'s content is not stored in its standard form: it was changed outside the app.",
        )

    def test_a_changed_hash_is_named(self) -> None:
        self.tamper(f"UPDATE {TABLE} SET hash = %s WHERE seq = %s", [stored("hash", "f" * 64), self.seq(4)])
        seq, message = self.problem()
        assert seq == self.seq(4)
        assert "changed after it was written" in message

    def test_swapped_records_are_named_as_out_of_order(self) -> None:
        self.tamper(f"UPDATE {TABLE} SET seq = 0 WHERE seq = %s", [self.seq(2)])
        self.tamper(f"UPDATE {TABLE} SET seq = %s WHERE seq = %s", [self.seq(2), self.seq(3)])
        self.tamper(f"UPDATE {TABLE} SET seq = %s WHERE seq = 0", [self.seq(3)])
        assert self.problem() == (
            self.seq(2),
            f"Record {self.seq(2)} does not link to record {self.seq(1)} before it: "
            "records were removed, added or put in a different order.",
        )

    def test_a_deleted_record_is_named_as_missing(self) -> None:
        self.tamper(f"DELETE FROM {TABLE} WHERE seq = %s", [self.seq(4)])
        assert self.problem() == (
            self.seq(5),
            f"Record {self.seq(4)} is missing: the records jump from {self.seq(3)} to {self.seq(5)}.",
        )

    def test_a_record_rewritten_with_a_valid_hash_still_breaks_the_next_link(self) -> None:
        record = EvidenceRecord.objects.get(child_id=self.child.pk, seq=self.seq(2))
        record.payload = canonical_json({"n": 2, "status": "missed"})
        from evidence.ledger import compute_hash

        self.tamper(
            f"UPDATE {TABLE} SET payload = %s, hash = %s WHERE seq = %s",
            [stored("payload", record.payload), stored("hash", compute_hash(record)), self.seq(2)],
        )
        seq, message = self.problem()
        assert seq == self.seq(3)
        assert f"does not link to record {self.seq(2)}" in message


class CurrentStateVerificationTests(VerifyTestCase):
    def test_a_current_row_changed_without_a_record_is_named_with_its_latest_record(self) -> None:
        self.log("2", {"status": "partial", "n": 2}, action="edited")  # the 6th record after the fixture's
        self.current["2"] = {"status": "missed", "n": 2}
        assert self.problem() == (
            self.seq(6),
            f"The current log entry 2 does not match its latest record ({self.seq(6)}): it was changed without a record.",
        )

    def test_a_current_row_without_any_record_is_named(self) -> None:
        self.current["99"] = {"status": "missed"}
        assert self.problem() == (
            None,
            "The current log entry 99 has no record in the ledger: it was added without one.",
        )

    def test_a_row_deleted_without_a_record_is_named_but_a_retraction_is_fine(self) -> None:
        self.log("4", {"status": "delivered", "n": 4, "retracted": True}, action="retracted")
        del self.current["4"]
        assert verify_child(self.child.pk).ok
        del self.current["1"]
        assert self.problem() == (
            self.seq(1),
            f"The log entry 1 of record {self.seq(1)} is missing from the current data, "
            "but no record says it was removed.",
        )

    def test_the_lowest_record_number_is_named_first(self) -> None:
        self.current["5"] = {"changed": True}
        self.current["2"] = {"changed": True}
        assert self.problem()[0] == self.seq(2)

    def test_an_attachment_row_changed_behind_the_ledgers_back_is_named(self) -> None:
        with tempfile.TemporaryDirectory() as root, override_settings(ATTACHMENT_ROOT=root):
            att = store_attachment(
                child_id=self.child.pk, uploaded_file=SimpleUploadedFile("iep.pdf", b"%PDF-1.4 x"), user=self.alice
            )
            assert verify_child(self.child.pk).ok
            Attachment.objects.filter(pk=att.pk).update(original_name="other.pdf")
            assert self.problem() == (
                self.seq(6),
                f"The current attachment {att.pk} does not match its latest record ({self.seq(6)}): "
                "it was changed without a record.",
            )


class PlanCurrentStateTests(BaseTestCase):
    """The plans app registers its loaders at start-up: IEPs, items, calendars and absences are checked."""

    def test_the_fixture_verifies_and_plan_rows_changed_or_added_without_a_record_are_named(self) -> None:
        report = verify_child(self.child.pk)
        assert report.ok and report.record_count == self.fixture_seq
        assert {"iep", "provision", "calendar", "absence"} <= set(report.checked_types)
        self.speech.minutes = 90
        plan_services.save_provision(self.speech, user=self.bob)
        latest = self.new_records().get()
        assert (latest.kind, latest.object_id) == ("provision.edited", str(self.speech.pk))
        assert verify_child(self.child.pk).ok

        Provision.objects.filter(pk=self.speech.pk).update(wording="Speech-language therapy, 30 minutes per week.")
        assert verify_child(self.child.pk).problem == Problem(
            self.child.pk,
            latest.seq,
            f"The current provision {self.speech.pk} does not match its latest record ({latest.seq}): "
            "it was changed without a record.",
            "provision",
            str(self.speech.pk),
        )
        Provision.objects.filter(pk=self.speech.pk).update(wording=self.speech.wording)  # put back as recorded
        assert verify_child(self.child.pk).ok

        absence = Absence.objects.create(child=self.child, date=date(2026, 11, 10), reason="Sick")
        assert verify_child(self.child.pk).problem == Problem(
            self.child.pk,
            None,
            f"The current absence {absence.pk} has no record in the ledger: it was added without one.",
            "absence",
            str(absence.pk),
        )


class DatabaseProtectionTests(VerifyTestCase):
    def test_protection_is_reported_in_place(self) -> None:
        assert database_problem() is None

    def test_missing_triggers_are_reported(self) -> None:
        with triggers_off():
            problem = database_problem()
        assert problem is not None
        assert "switched off" in problem and "evidence_record_no_update" in problem

    def test_a_left_over_purge_authorization_is_reported(self) -> None:
        PurgeAuthorization.objects.create(child_id=self.child.pk)
        assert f"left behind for child {self.child.pk}" in (database_problem() or "")


class VerifyLedgerCommandTests(VerifyTestCase):
    def run_command(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("verify_ledger", *args, stdout=out, stderr=err)
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        return code, out.getvalue(), err.getvalue()

    def test_it_reports_ok_for_every_chain(self) -> None:
        code, out, _ = self.run_command()
        head = EvidenceRecord.objects.filter(child_id=self.child.pk).last()
        assert head is not None
        assert code == 0
        # Every record is the latest of its object here: the fixture's plan objects and the five entries.
        checked = f"{self.seq(5)} records, {self.seq(5)} current items"
        assert f"Child {self.child.pk}: {checked}, 0 files re-hashed (0 bytes), 0 report heads, 0 anchors" in out
        assert f"head {head.hash}: OK" in out
        assert f"Verification OK: 1 chains: {checked}, 0 files re-hashed (0 bytes), 0 report heads, 0 anchors." in out

    def test_it_exits_1_and_names_the_first_broken_record(self) -> None:
        self.tamper(
            f"UPDATE {TABLE} SET payload = %s WHERE seq = %s",
            [stored("payload", '{"n":3,"status":"missed"}'), self.seq(3)],
        )
        code, _, err = self.run_command("--child", str(self.child.pk))
        assert code == 1
        assert (
            f"Child {self.child.pk}, record {self.seq(3)}: Record {self.seq(3)} was changed after it was written" in err
        )
        assert "Verification FAILED" in err

    def test_it_checks_only_the_chosen_child(self) -> None:
        code, out, _ = self.run_command("--child", "999")
        assert code == 0
        assert "Child 999: 0 records" in out
        assert f"Child {self.child.pk}:" not in out


class VerifyPageTests(VerifyTestCase):
    def url(self) -> str:
        return reverse("evidence:verify", kwargs={"child_id": self.child.pk})

    def test_a_member_sees_ok_the_head_hash_and_the_count(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.get(self.url())
        html = response.content.decode()
        head = EvidenceRecord.objects.filter(child_id=self.child.pk).last()
        assert head is not None
        assert response.status_code == 200
        assert "All records check out" in html
        assert f"We recomputed all {self.seq(5)} records" in html
        assert "<span>" + head.hash[:8] + "</span>" in html
        assert f"<dt>Records</dt><dd>{self.seq(5)}</dd>" in html
        assert "fingerprint (a SHA-256 hash)" in html
        assert reverse("evidence:export", kwargs={"child_id": self.child.pk}) in html
        assert AccessLog.objects.filter(action="verify", child_id=self.child.pk, user=self.bob).exists()

    def test_a_broken_chain_is_shown_in_plain_words(self) -> None:
        self.tamper(f"DELETE FROM {TABLE} WHERE seq = %s", [self.seq(2)])
        self.client.force_login(self.alice)
        html = self.client.get(self.url()).content.decode()
        assert "A problem was found" in html
        assert f"Record {self.seq(2)} is missing: the records jump from {self.seq(1)} to {self.seq(3)}." in html
        assert "All records check out" not in html

    def test_an_outsider_gets_404(self) -> None:
        self.client.force_login(self.charlie)
        assert self.client.get(self.url()).status_code == 404
        assert self.client.get(reverse("evidence:export", kwargs={"child_id": self.child.pk})).status_code == 404
        assert AccessLog.objects.count() == 0


class ExportTests(VerifyTestCase):
    def run_script(self, document: dict[str, Any], *args: str) -> subprocess.CompletedProcess[str]:
        """Write ``document`` to a file and run the standalone verifier on it, as a stranger would."""
        with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
        self.addCleanup(Path(handle.name).unlink)
        return subprocess.run(
            [sys.executable, "-I", str(SCRIPT), handle.name, *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def test_the_export_has_the_documented_shape(self) -> None:
        self.log("6", {"note": "Café — sub teacher", "tags": ["substitute"]})
        document = ledger_export(self.child.pk)
        head = EvidenceRecord.objects.filter(child_id=self.child.pk).last()
        assert head is not None
        assert (document["format"], document["version"], document["child"]) == (
            "iepright-ledger",
            1,
            {"id": self.child.pk},
        )
        assert (document["record_count"], document["head_hash"]) == (self.seq(6), head.hash)
        first = document["records"][self.seq(1) - 1]  # the first record this test case wrote
        assert set(first) == {
            *("child", "seq", "kind", "object_type", "object_id", "event_date", "payload"),
            *("recorded_at", "recorded_by", "recorded_by_name", "prev_hash", "hash"),
        }
        assert first["payload"] == {"status": "delivered", "n": 1}
        assert first["recorded_at"].endswith("Z") and len(first["recorded_at"]) == len("2026-09-14T19:30:00.123456Z")

    def test_the_standalone_script_accepts_an_untouched_export(self) -> None:
        self.log("6", {"note": "Café — sub teacher"})
        result = self.run_script(ledger_export(self.child.pk))
        head = EvidenceRecord.objects.filter(child_id=self.child.pk).last()
        assert head is not None
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip() == f"OK: {self.seq(6)} records verified. Head hash: {head.hash}"

    def test_the_standalone_script_names_the_first_tampered_record(self) -> None:
        document = ledger_export(self.child.pk)
        document["records"][self.seq(3) - 1]["payload"]["status"] = "missed"
        result = self.run_script(document)
        assert result.returncode == 1
        assert result.stdout.strip() == (
            f"BROKEN: Record {self.seq(3)} was changed after it was written: its hash does not match its content."
        )

    def test_the_standalone_script_catches_removed_and_truncated_records(self) -> None:
        document = ledger_export(self.child.pk)
        del document["records"][self.seq(2) - 1]
        assert f"Record {self.seq(2)} is missing or out of place" in self.run_script(document).stdout
        document = ledger_export(self.child.pk)
        del document["records"][-1]
        result = self.run_script(document)
        assert result.returncode == 1
        assert f"holds {self.seq(4)}" in result.stdout

    def test_the_script_confirms_an_earlier_head_hash_is_still_in_the_chain(self) -> None:
        earlier = EvidenceRecord.objects.get(child_id=self.child.pk, seq=self.seq(3)).hash
        self.log("6", {"status": "missed"})
        document = ledger_export(self.child.pk)
        for head, code, words in [(earlier, 0, f"is record {self.seq(3)}"), ("ab" * 32, 1, "has changed since")]:
            result = self.run_script(document, "--expect-head", head)
            assert result.returncode == code
            assert words in result.stdout

    def test_a_member_downloads_the_export_as_a_file(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("evidence:export", kwargs={"child_id": self.child.pk}))
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="maya-rivera-records.json"'
        assert json.loads(response.content)["record_count"] == self.seq(5)
        assert AccessLog.objects.filter(action="export", child_id=self.child.pk).exists()


class DocumentedRuleTests(VerifyTestCase):
    def test_the_worked_example_in_docs_verification_md_holds(self) -> None:
        from evidence.ledger import chain_hash

        body = {
            "child": 7,
            "seq": 1,
            "kind": "log_entry.created",
            "object_type": "log_entry",
            "object_id": "42",
            "event_date": "2026-09-15",
            "payload": {
                "date": "2026-09-15",
                "provision": 3,
                "status": "missed",
                "note": "Sub teacher — no extended time",
            },
            "recorded_at": "2026-09-15T19:04:05.123456Z",
            "recorded_by": 1,
            "recorded_by_name": "Alice Rivera",
            "prev_hash": GENESIS_HASH,
        }
        expected = "ffc44e2b5af253bbbad0ede38fce558e7b42ea634c6d8194f5e78c08b09f522c"
        assert chain_hash(GENESIS_HASH, body) == expected
        docs = (SCRIPT.parent.parent / "docs" / "verification.md").read_text(encoding="utf-8")
        assert expected in docs
        assert canonical_json(body) in docs


class VerifyWhatWasCheckedTests(VerifyTestCase):
    def test_the_page_says_what_it_checked_with_counts(self) -> None:
        self.client.force_login(self.bob)
        html = self.client.get(reverse("evidence:verify", kwargs={"child_id": self.child.pk})).content.decode()
        assert "What we checked just now" in html
        assert f"{self.seq(5)} records: each one's place in the chain" in html
        assert f"{self.seq(5)} items the app shows now, compared with their latest record." in html
        assert "0 stored files (attachments and reports, 0\xa0bytes) read again" in html.replace(
            "0 bytes", "0\xa0bytes"
        )
        assert "0 time-stamps from an outside time-stamping authority" in html
