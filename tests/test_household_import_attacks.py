"""A household import tried as a hostile examiner would (issue 8): every crafted archive is refused whole.

Each test crafts a zip from a real export, recomputes the manifest's hashes where an attacker would,
and checks the one clear message and that nothing was written: no rows, no ledger records, no files.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import override_settings

from accounts.models import Household, Membership, Role
from evidence.attachments import attachment_path
from evidence.models import Attachment, EvidenceRecord
from logbook.models import LogEntry, MissReason, Status
from logbook.services import save_day_note
from plans.models import Absence, Child
from plans.services import add_absence
from reports import household as hh
from tests.base import BaseTestCase, make_user
from tests.reports_support import TempFiles, attach, log, stored_report
from tests.test_household_export import wipe

Edit = Callable[[dict[str, bytes], dict[str, Any]], None]


def craft(data: bytes, edit: Edit, *, fix_manifest: bool = True) -> bytes:
    """The archive ``data`` changed by ``edit(files, manifest)``, its manifest recomputed like an attacker would."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        files = {name: source.read(name) for name in source.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    edit(files, manifest)
    if fix_manifest:
        manifest["files"] = {
            name: {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
            for name, content in sorted(files.items())
        }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, content in files.items():
            target.writestr(name, content)
        target.writestr("manifest.json", json.dumps(manifest))
    return out.getvalue()


def rows(files: dict[str, bytes], name: str) -> list[dict[str, Any]]:
    return json.loads(files[name])


def put(files: dict[str, bytes], name: str, value: Any) -> None:
    files[name] = json.dumps(value).encode()


class ArchiveTestCase(TempFiles, BaseTestCase):
    """An export of the Rivera household (then erased) and another family that must stay untouched."""

    def setUp(self) -> None:
        add_absence(Absence(child=self.child, date=date(2026, 9, 15), reason="Flu"), user=self.alice)
        save_day_note(
            self.child, date(2026, 9, 10), tags=["substitute"], note="Sub", user=self.alice, client_id=uuid.uuid4()
        )
        self.entry = log(
            self.child, self.speech, date(2026, 9, 3), Status.MISSED, self.bob, minutes=0,
            reason=MissReason.CANCELLED_BY_SCHOOL,
        )  # fmt: skip
        self.photo = attach(self.child, self.alice, "email.txt", b"Speech was cancelled today.", self.entry)
        stored_report(self.child, self.bob)
        buffer = io.BytesIO()
        hh.export_household(self.household, buffer)
        self.data = buffer.getvalue()
        self.ledger_name = f"ledger/child-{self.child.pk}.json"
        self.household_id = self.household.pk
        wipe(self.household)
        # Another family that must stay untouched.
        self.carol = make_user("carol@example.com", "Carol Other")
        other = Household.objects.create(name="Other family")
        Membership.objects.create(user=self.carol, household=other, role=Role.OWNER)
        self.other_child = Child.objects.create(household=other, name="Noah Other")
        self.other_file = attach(self.other_child, self.carol, "school.txt", b"The school says: MISSED.")
        self.before = self.snapshot()

    def snapshot(self) -> dict[str, Any]:
        files = sorted(
            (str(p), p.read_bytes())
            for root in (settings.ATTACHMENT_ROOT, settings.REPORT_ROOT)
            for p in Path(root).rglob("*")
            if p.is_file()
        )
        return {
            "records": list(EvidenceRecord.objects.values_list("child_id", "seq", "hash")),
            "households": Household.objects.count(),
            "entries": LogEntry.objects.count(),
            "attachments": Attachment.objects.count(),
            "files": files,
        }

    def refused(self, data: bytes, message: str) -> None:
        with self.assertRaisesMessage(hh.ImportRefused, message):
            hh.import_household(io.BytesIO(data))
        assert self.snapshot() == self.before


class ImportAttackTests(ArchiveTestCase):
    def test_the_untouched_archive_imports_and_verifies(self) -> None:
        """The control: without an attack, the same archive imports."""
        summary = hh.import_household(io.BytesIO(self.data))
        assert summary.counts["log_entries"] == 1
        assert Household.objects.filter(pk=self.household_id).exists()

    def test_a_broken_chain_is_refused_even_when_the_manifest_leaves_its_head_out(self) -> None:
        """Given a changed ledger record and a manifest listing no head for that child, the import is refused."""

        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            records = rows(files, self.ledger_name)
            records[2]["payload"] = records[2]["payload"].replace('"', '"', 1) + " "
            put(files, self.ledger_name, records)
            manifest["ledger_heads"] = {}

        self.refused(craft(self.data, edit), "must state the chain head of every child")

    def test_a_broken_chain_is_refused_with_the_first_broken_record(self) -> None:
        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            records = rows(files, self.ledger_name)
            payload = json.loads(records[2]["payload"])
            payload["label"] = "Changed"
            records[2]["payload"] = json.dumps(payload, sort_keys=True, separators=(",", ":"))
            put(files, self.ledger_name, records)

        self.refused(craft(self.data, edit), "does not verify: Record 3 was changed after it was written")

    def test_a_record_of_a_kind_this_server_does_not_know_is_refused(self) -> None:
        """Kinds are stored as numbers from evidence.codes: a kind that is not there cannot be stored."""

        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            records = rows(files, self.ledger_name)
            records[2]["kind"] = "iep.whispered"
            put(files, self.ledger_name, records)

        self.refused(craft(self.data, edit), "is not in the ledger's table of kinds (evidence.codes)")

    def test_a_chain_cut_at_the_end_is_refused_when_the_manifest_says_otherwise(self) -> None:
        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            put(files, self.ledger_name, rows(files, self.ledger_name)[:-1])

        self.refused(craft(self.data, edit), "not where the manifest says: records were cut or added")

    def test_an_altered_log_entry_is_refused_although_the_manifest_was_recomputed(self) -> None:
        """Given log_entries.json changed to read "delivered" and a matching manifest, then the rows do not
        match their latest ledger records and nothing is imported."""

        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            entries = rows(files, "records/log_entries.json")
            entries[0]["status"] = "delivered"
            put(files, "records/log_entries.json", entries)

        self.refused(craft(self.data, edit), "does not match its latest record")

    def test_rows_pointing_at_another_familys_child_are_refused(self) -> None:
        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            entries = rows(files, "records/log_entries.json")
            entries[0]["child_id"] = self.other_child.pk
            put(files, "records/log_entries.json", entries)

        self.refused(craft(self.data, edit), f"points at plans.Child {self.other_child.pk}, which is not part of")

    def test_a_child_of_another_household_is_refused(self) -> None:
        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            children = rows(files, "records/children.json")
            children[0]["household_id"] = self.other_child.household_id
            put(files, "records/children.json", children)

        self.refused(craft(self.data, edit), "points at accounts.Household")

    def test_a_ledger_for_an_existing_child_of_another_family_is_refused(self) -> None:
        """The attack that broke another child's chain for good: a ledger file for an existing child."""

        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            files[f"ledger/child-{self.other_child.pk}.json"] = files[self.ledger_name]
            manifest["ledger_heads"][str(self.other_child.pk)] = manifest["ledger_heads"][str(self.child.pk)]

        self.refused(craft(self.data, edit), "ledger files do not match its children")

    def test_a_file_named_after_another_familys_file_with_other_bytes_is_refused(self) -> None:
        """Given attachments/<hash of another family's file> holding "DELIVERED", the stored file is untouched."""
        target = self.other_file.sha256

        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            del files[f"attachments/{self.photo.sha256}"]
            files[f"attachments/{target}"] = b"The school says: DELIVERED."
            attachments = rows(files, "records/attachments.json")
            attachments[0]["sha256"] = target
            put(files, "records/attachments.json", attachments)

        self.refused(craft(self.data, edit), f"attachments/{target} is not the file its name says")
        assert attachment_path(target).read_bytes() == b"The school says: MISSED."

    def test_a_file_no_record_refers_to_is_refused(self) -> None:
        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            extra = b"planted"
            files[f"attachments/{hashlib.sha256(extra).hexdigest()}"] = extra

        self.refused(craft(self.data, edit), "which no record of the household refers to")

    def test_path_traversal_names_are_refused_with_one_clear_message(self) -> None:
        for name in ("attachments/../../evil", "/etc/passwd-copy", "records/../x.json", "attachments\\..\\x"):
            with self.subTest(name=name):

                def edit(files: dict[str, bytes], manifest: dict[str, Any], name: str = name) -> None:
                    files[name] = b"x"

                self.refused(craft(self.data, edit), f"The archive holds a file named {name!r}, which an IEP Right")

    @override_settings(IMPORT_MAX_MEMBER_BYTES=4 * 1024 * 1024)
    def test_a_member_larger_than_the_limit_is_refused_before_it_is_read(self) -> None:
        """A few-KB zip whose member expands to 8 MiB (the 2.5 GiB bomb, scaled down) writes nothing."""
        big = b"\0" * (8 * 1024 * 1024)

        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            files[f"attachments/{hashlib.sha256(big).hexdigest()}"] = big

        data = craft(self.data, edit)
        assert len(data) < 100_000
        self.refused(data, "would expand to 8,388,608 bytes, more than the 4,194,304")

    def test_a_member_that_expands_like_a_zip_bomb_is_refused(self) -> None:
        big = b"\0" * (16 * 1024 * 1024)

        def edit(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            files[f"attachments/{hashlib.sha256(big).hexdigest()}"] = big

        self.refused(craft(self.data, edit), "times its packed size, which no export does")

    def test_a_huge_manifest_is_refused_before_it_is_read(self) -> None:
        """The 2.5 GiB manifest (scaled down to 17 MiB) is refused by its declared size, not read into memory."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
            target.writestr("manifest.json", b" " * (17 * 1024 * 1024))
        self.refused(out.getvalue(), "manifest.json would expand to 17,825,792 bytes")

    def test_an_identical_existing_file_is_kept_not_rewritten(self) -> None:
        path = attachment_path(self.photo.sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"Speech was cancelled today.")
        inode = path.stat().st_ino
        hh.import_household(io.BytesIO(self.data))
        assert path.stat().st_ino == inode


class StandaloneArchiveVerifierTests(ArchiveTestCase):
    """tools/verify_ledger_export.py checks a household archive without the app (docs/verification.md)."""

    def run_tool(self, data: bytes, *extra: str) -> Any:
        import subprocess
        import sys
        import tempfile

        tool = Path(__file__).resolve().parent.parent / "tools" / "verify_ledger_export.py"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "household.zip"
            path.write_bytes(data)
            return subprocess.run(
                [sys.executable, str(tool), str(path), *extra], capture_output=True, text=True, timeout=60
            )

    def test_an_untouched_archive_verifies_with_its_heads(self) -> None:
        result = self.run_tool(self.data)
        manifest = json.loads(zipfile.ZipFile(io.BytesIO(self.data)).read("manifest.json"))
        head = manifest["ledger_heads"][str(self.child.pk)]
        assert result.returncode == 0, result.stdout
        assert f"Child {self.child.pk}: {head['count']} records, head {head['head']}" in result.stdout
        assert "OK: household archive verified (1 chains)." in result.stdout

    def test_an_expected_head_is_refused_for_an_archive_rather_than_ignored(self) -> None:
        """Given an archive and --expect-head, then the tool says it cannot check that and never prints OK."""
        result = self.run_tool(self.data, "--expect-head", "0" * 64)
        assert result.returncode == 2
        assert "OK" not in result.stdout and "not an archive" in result.stderr

    def test_a_changed_record_or_a_swapped_file_is_broken(self) -> None:
        def change(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            records = rows(files, self.ledger_name)
            records[1]["recorded_by_name"] = "Someone else"
            put(files, self.ledger_name, records)

        def swap(files: dict[str, bytes], manifest: dict[str, Any]) -> None:
            files[f"attachments/{self.photo.sha256}"] = b"The school says: DELIVERED."

        changed = self.run_tool(craft(self.data, change))
        assert changed.returncode == 1 and "Record 2 was changed after it was written" in changed.stdout
        swapped = self.run_tool(craft(self.data, swap))
        assert swapped.returncode == 1 and "is not the file its name says" in swapped.stdout
