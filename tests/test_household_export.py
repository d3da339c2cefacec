"""The household export (also the backup format) and its import into a fresh instance."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import date
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import Model
from django.test import TestCase
from django.urls import reverse

from accounts.models import AccessLog, Household, Membership, Role, User
from evidence.attachments import attachment_path
from evidence.models import Attachment, EvidenceRecord
from evidence.purge import purge_child_records
from logbook.models import DayNote, LogEntry, MissReason, Status
from logbook.services import save_day_note
from plans.models import Absence, Child, Iep, NonSchoolDay, Provision, SchoolCalendar
from plans.services import add_absence
from reports import bates
from reports import household as hh
from reports.models import BatesCounter, GeneratedReport
from reports.services import generate_report
from tests.base import BaseTestCase
from tests.reports_support import TempFiles, attach, build_demo_child, log, stored_report

COUNTED: dict[str, type[Model]] = {
    "generated_reports": GeneratedReport,
    "households": Household,
    "memberships": Membership,
    "children": Child,
    "ieps": Iep,
    "provisions": Provision,
    "calendars": SchoolCalendar,
    "non_school_days": NonSchoolDay,
    "absences": Absence,
    "log_entries": LogEntry,
    "day_notes": DayNote,
    "attachments": Attachment,
}
START, END = date(2026, 9, 1), date(2026, 9, 30)


def wipe(home: Household, emails: list[str] | None = None) -> None:
    """Remove the household as its owner's erasure would: ledger, files, rows, users."""
    child_ids = list(home.children.values_list("pk", flat=True))
    # As reports/erase.py: an IEP's document (an attachment) is protected while the IEP names it.
    Iep.objects.filter(child_id__in=child_ids).update(amends=None, source_file=None)
    for child_id in child_ids:
        purge_child_records(child_id, None)
    for root in (Path(settings.ATTACHMENT_ROOT), Path(settings.REPORT_ROOT)):
        for path in root.rglob("*"):
            if path.is_file():
                path.unlink()
    LogEntry.objects.filter(child_id__in=child_ids).delete()
    home.delete()
    User.objects.filter(email__in=emails or ["alice@example.com", "bob@example.com"]).delete()


class HouseholdExportTests(TempFiles, BaseTestCase):
    def setUp(self) -> None:
        # Through the services, with their ledger records: an import verifies current rows too.
        add_absence(Absence(child=self.child, date=date(2026, 9, 15), reason="Flu"), user=self.alice)
        save_day_note(
            self.child,
            date(2026, 9, 10),
            tags=["substitute"],
            note="Sub all day",
            user=self.alice,
            client_id=uuid.uuid4(),
        )
        self.entries = [
            log(self.child, self.extended_time, date(2026, 9, 1), Status.DELIVERED, self.alice),
            log(self.child, self.speech, date(2026, 9, 1), Status.DELIVERED, self.alice, minutes=30),
            log(
                self.child,
                self.speech,
                date(2026, 9, 3),
                Status.MISSED,
                self.bob,
                minutes=0,
                reason=MissReason.CANCELLED_BY_SCHOOL,
                note="Ünïcode note with #markup",
            ),
        ]
        self.photo = attach(self.child, self.alice, "worksheet.txt", b"a work sample", self.entries[2])
        AccessLog.objects.create(user=self.alice, household=self.household, child_id=self.child.pk, action="view")
        self.report = stored_report(self.child, self.bob)

    def archive(self) -> bytes:
        buffer = io.BytesIO()
        hh.export_household(self.household, buffer)
        return buffer.getvalue()

    def test_the_archive_has_every_record_the_ledger_the_files_and_a_manifest_of_hashes(self) -> None:
        data = self.archive()
        manifest, files = hh.read_archive(io.BytesIO(data))
        assert manifest["format"] == "iepright-household"
        assert manifest["counts"]["log_entries"] == 3
        assert manifest["counts"]["ledger_records"] == EvidenceRecord.objects.filter(child=self.child).count() > 4
        assert f"attachments/{self.photo.sha256}" in files
        assert files[f"attachments/{self.photo.sha256}"] == b"a work sample"
        ledger_rows = json.loads(files[f"ledger/child-{self.child.pk}.json"])
        stored = EvidenceRecord.objects.filter(child=self.child).order_by("seq")
        assert [r["payload"] for r in ledger_rows] == [r.payload for r in stored]
        assert [r["hash"] for r in ledger_rows] == [r.hash for r in stored]
        # The archive keeps its format whatever the storage: hex hashes, payload text, no household_id.
        assert all(set(r) == set(hh.LEDGER_FIELDS) for r in ledger_rows)
        assert all(len(r["hash"]) == len(r["prev_hash"]) == 64 and isinstance(r["payload"], str) for r in ledger_rows)
        assert manifest["ledger_heads"][str(self.child.pk)] == {"head": stored.last().hash, "count": stored.count()}  # type: ignore[union-attr]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert set(archive.namelist()) == set(manifest["files"]) | {"manifest.json"}

    def test_users_are_exported_without_password_hashes(self) -> None:
        _manifest, files = hh.read_archive(io.BytesIO(self.archive()))
        users = json.loads(files["records/users.json"])
        assert {u["email"] for u in users} == {"alice@example.com", "bob@example.com"}
        assert all("password" not in u for u in users)
        assert b"md5$" not in b"".join(files.values())

    def test_a_round_trip_restores_every_record_and_the_same_chain_heads(self) -> None:
        """Given an export, when the household is erased and the archive imported, then every
        count is equal and each child's chain verifies with the same head."""
        data = self.archive()
        before = {name: model._default_manager.count() for name, model in COUNTED.items()}
        heads = hh.chain_heads([self.child.pk])
        entry_before = LogEntry.objects.get(pk=self.entries[2].pk)
        household_id = self.household.pk
        wipe(self.household)
        assert Child.objects.filter(pk=self.child.pk).count() == 0

        summary = hh.import_household(io.BytesIO(data))

        assert {name: model._default_manager.count() for name, model in COUNTED.items()} == before
        assert hh.chain_heads([self.child.pk]) == heads
        assert summary.heads[str(self.child.pk)]["broken_at"] is None
        assert set(EvidenceRecord.objects.filter(child=self.child).values_list("household_id", flat=True)) == {
            household_id
        }
        restored = LogEntry.objects.get(pk=self.entries[2].pk)
        assert restored.note == "Ünïcode note with #markup"
        assert restored.created_at == entry_before.created_at
        assert restored.updated_at == entry_before.updated_at
        assert attachment_path(self.photo.sha256).read_bytes() == b"a work sample"
        alice = User.objects.get(email="alice@example.com")
        assert alice.is_active is False
        assert alice.has_usable_password() is False
        assert Membership.objects.get(household_id=household_id, user=alice).role == Role.OWNER
        assert sorted(summary.users_created) == ["alice@example.com", "bob@example.com"]
        # New rows after the import get fresh ids (PostgreSQL sequences moved past the imported ones).
        Household.objects.create(name="Another family")
        Child.objects.create(household=Household.objects.get(name="Another family"), name="New child")

    def test_page_numbers_run_on_after_an_import(self) -> None:
        """Given a household whose reports took Bates numbers 1 to n (the counter is not exported:
        reports.household.NOT_EXPORTED), when it is exported, erased and imported into an instance
        without it, then its next report starts at n + 1, never again at 1."""
        first = generate_report(self.child, user=self.alice, kind="summary", start=START, end=END, bates_prefix="RIV-")
        second = generate_report(self.child, user=self.alice, kind="summary", start=START, end=END, bates_prefix="RIV-")
        last = first.pages + second.pages
        assert (first.bates_first, second.bates_last) == ("RIV-000001", f"RIV-{last:06d}")
        data = self.archive()
        household_id, child_id = self.household.pk, self.child.pk
        wipe(self.household)
        assert not BatesCounter.objects.exists()

        hh.import_household(io.BytesIO(data))

        assert bates.peek(Household.objects.get(pk=household_id)) == last + 1
        child = Child.objects.get(pk=child_id)
        alice = User.objects.get(email="alice@example.com")
        after = generate_report(child, user=alice, kind="summary", start=START, end=END, bates_prefix="RIV-")
        assert after.bates_first == f"RIV-{last + 1:06d}"
        assert after.bates_last == f"RIV-{last + after.pages:06d}"

    def test_a_school_year_of_a_demo_child_round_trips_with_the_same_heads(self) -> None:
        demo = build_demo_child(self.household, self.alice)
        data = self.archive()
        before = {name: model._default_manager.count() for name, model in COUNTED.items()}
        heads = hh.chain_heads([self.child.pk, demo.pk])
        assert heads[str(demo.pk)]["count"] > 2000
        wipe(self.household)
        hh.import_household(io.BytesIO(data))
        assert {name: model._default_manager.count() for name, model in COUNTED.items()} == before
        assert hh.chain_heads([self.child.pk, demo.pk]) == heads

    def test_an_existing_user_with_the_same_email_is_linked_not_duplicated(self) -> None:
        data = self.archive()
        household_id = self.household.pk
        wipe(self.household)
        returning = User.objects.create_user(email="alice@example.com", password="another long password")
        summary = hh.import_household(io.BytesIO(data))
        assert summary.users_matched == ["alice@example.com"]
        assert Membership.objects.get(household_id=household_id, role=Role.OWNER).user == returning
        assert hh.chain_heads([self.child.pk])[str(self.child.pk)]["broken_at"] is None

    def test_importing_where_the_ids_are_taken_is_refused_and_writes_nothing(self) -> None:
        data = self.archive()
        counts = {name: model._default_manager.count() for name, model in COUNTED.items()}
        with self.assertRaisesMessage(hh.ImportRefused, "already has a household with id"):
            hh.import_household(io.BytesIO(data))
        assert {name: model._default_manager.count() for name, model in COUNTED.items()} == counts

    def test_a_changed_file_in_the_archive_is_refused(self) -> None:
        source = zipfile.ZipFile(io.BytesIO(self.archive()))
        changed = io.BytesIO()
        with zipfile.ZipFile(changed, "w") as target:
            for name in source.namelist():
                content = source.read(name)
                if name == "records/log_entries.json":
                    content = content.replace(b"cancelled_by_school", b"parent_request")
                target.writestr(name, content)
        with self.assertRaisesMessage(hh.ImportRefused, "records/log_entries.json does not match its SHA-256"):
            hh.import_household(io.BytesIO(changed.getvalue()))

    def test_the_household_page_offers_the_archive_to_the_owner_only(self) -> None:
        url = reverse("reports:household_export", args=[self.household.pk])
        page = reverse("accounts:household", args=[self.household.pk])
        self.client.force_login(self.alice)
        assert url in self.client.get(page).content.decode()
        self.client.force_login(self.bob)
        assert url not in self.client.get(page).content.decode()

    def test_only_the_owner_may_download_the_export(self) -> None:
        url = reverse("reports:household_export", args=[self.household.pk])
        self.client.force_login(self.alice)
        response = self.client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        manifest, _files = hh.read_archive(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
        assert manifest["household"]["id"] == self.household.pk
        assert AccessLog.objects.filter(user=self.alice, action="export", path=url).exists()
        for person in (self.bob, self.charlie):
            self.client.force_login(person)
            assert self.client.get(url).status_code == 404


def test_every_model_of_ours_is_exported_or_deliberately_left_out() -> None:
    """A new model with a household's data must join the export (TABLES) or say why not."""
    root = Path(settings.BASE_DIR)
    ours = [
        model._meta.label
        for model in apps.get_models()
        if Path(apps.get_app_config(model._meta.app_label).path).is_relative_to(root)
        and ".venv" not in Path(apps.get_app_config(model._meta.app_label).path).parts
    ]
    covered = {table.model for table in hh.TABLES} | set(hh.NOT_EXPORTED)
    assert sorted(set(ours) - covered) == []


class HouseholdCommandTests(TempFiles, BaseTestCase):
    def test_the_commands_round_trip_through_a_file(self) -> None:
        import tempfile

        from django.core.management import call_command

        log(self.child, self.speech, date(2026, 9, 1), Status.DELIVERED, self.alice, minutes=30)
        heads = hh.chain_heads([self.child.pk])
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "backup.zip"
            out = io.StringIO()
            call_command("export_household", household=self.household.pk, output=str(target), stdout=out)
            assert "ledger records, head " + heads[str(self.child.pk)]["head"] in out.getvalue()
            wipe(self.household)
            out = io.StringIO()
            call_command("import_household", str(target), stdout=out)
        head = heads[str(self.child.pk)]
        assert f"{head['count']} ledger records verify, head {head['head']}" in out.getvalue()
        assert "inactive and without a password" in out.getvalue()
        assert hh.chain_heads([self.child.pk]) == heads

    def test_a_refused_import_is_a_clear_command_error(self) -> None:
        import tempfile

        from django.core.management import CommandError, call_command

        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "backup.zip"
            call_command("export_household", household=self.household.pk, output=str(target), stdout=io.StringIO())
            with self.assertRaisesMessage(CommandError, "already has a household with id"):
                call_command("import_household", str(target))


class DemoFamilyRoundTripTests(TempFiles, TestCase):
    """The demo family of ``seed_demo``, recorded through the app's own services, round-trips whole."""

    def test_the_demo_family_round_trips_and_verifies_with_current_state_checks(self) -> None:
        """Given the seeded demo family, when it is exported, erased and imported, then every count is
        equal and every chain verifies, current tables included, with the same head."""
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.core.management import call_command

        from evidence.verify import verify_child
        from logbook.services import attach_files

        call_command("seed_demo", stdout=io.StringIO())
        home = Household.objects.get()
        owner = home.memberships.get(role=Role.OWNER).user
        entry = LogEntry.objects.filter(child__household=home, status=Status.MISSED).first()
        assert entry is not None
        upload = SimpleUploadedFile("teacher-email.txt", b"Speech was cancelled today.", content_type="text/plain")
        attach_files(entry, [upload], owner)
        child_ids = list(home.children.values_list("pk", flat=True))
        before = {name: model._default_manager.count() for name, model in COUNTED.items()}
        reports = {str(c): verify_child(c) for c in child_ids}
        assert all(r.ok for r in reports.values()), [str(r.problem) for r in reports.values()]
        assert LogEntry.objects.count() > 100
        assert Attachment.objects.count() >= 1
        buffer = io.BytesIO()
        hh.export_household(home, buffer)
        emails = list(User.objects.filter(memberships__household=home).values_list("email", flat=True))

        wipe(home, emails)
        assert LogEntry.objects.count() == 0
        summary = hh.import_household(io.BytesIO(buffer.getvalue()))

        assert {name: model._default_manager.count() for name, model in COUNTED.items()} == before
        for child_id in child_ids:
            again = verify_child(child_id)
            assert again.ok, str(again.problem)
            assert (again.head_hash, again.record_count) == (
                reports[str(child_id)].head_hash,
                reports[str(child_id)].record_count,
            )
        assert sorted(summary.users_created) == sorted(emails)
