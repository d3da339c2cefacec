"""Deleting a household (owner, after typing its name), leaving one, and deleting one's account.

Each test proves that nothing of the deleted records remains (rows, ledger, files on disk) and that
another household is untouched: its rows stay and its ledger chain still verifies.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from unittest.mock import patch

from django.urls import reverse

from accounts.models import AccessLog, Household, Invitation, Membership, Role, User
from evidence.attachments import attachment_path
from evidence.ledger import append
from evidence.models import Attachment, EvidenceRecord, PurgeAuthorization
from evidence.verify import verify_child
from logbook.models import LogEntry, Status
from plans.models import Child, Iep, Provision, SchoolCalendar
from reports import erase
from reports.models import GeneratedReport
from reports.storage import report_path
from tests.base import ViewerTestCase, make_family
from tests.reports_support import TempFiles, attach, log, stored_report


class DeletionTestCase(TempFiles, ViewerTestCase):
    """Maya's household with records and files, plus the Okafor household next door with its own."""

    def setUp(self) -> None:
        entry = log(self.child, self.speech, date(2026, 9, 3), Status.MISSED, self.alice, minutes=0)
        self.maya_file = attach(self.child, self.alice, "note.txt", b"The therapist was out.", entry)
        self.maya_only_file = attach(self.child, self.alice, "only.txt", b"Only Maya's file")
        self.maya_report = stored_report(self.child, self.alice)
        self.leo = Child.objects.create(household=self.household, name="Leo Rivera")
        append(child_id=self.leo.pk, kind="day_note.created", object_type="day_note", object_id=1, payload={})
        Invitation.objects.create(household=self.household, email="new@example.com", role=Role.VIEWER)
        AccessLog.objects.create(household=self.household, user=self.bob, child_id=self.child.pk, action="view")
        # Next door: Charlie's own household, and a file with the same bytes as one of ours.
        self.okafor = make_family(self.charlie, "Okafor household")
        self.ada = Child.objects.create(household=self.okafor, name="Ada Okafor")
        append(child_id=self.ada.pk, kind="day_note.created", object_type="day_note", object_id=1, payload={"a": 1})
        self.ada_file = attach(self.ada, self.charlie, "same.txt", b"The therapist was out.")
        self.ada_other_file = attach(self.ada, self.charlie, "own.txt", b"Ada's own file")
        self.ada_chain = list(EvidenceRecord.objects.filter(child=self.ada).values_list("hash", flat=True))

    def assert_rivera_records_gone(self, children: list[int]) -> None:
        per_child: list[Any] = [LogEntry, Iep, SchoolCalendar, Attachment, GeneratedReport, EvidenceRecord]
        for model in per_child:
            assert not model.objects.filter(child_id__in=children).exists(), model.__name__
        assert not Child.objects.filter(pk__in=children).exists()
        assert not Provision.objects.filter(iep__child_id__in=children).exists()
        assert not PurgeAuthorization.objects.exists()
        assert not report_path(self.maya_report.sha256).exists()
        assert not attachment_path(self.maya_only_file.sha256).exists()
        assert not Household.objects.filter(pk=self.household.pk).exists()
        per_household: list[Any] = [Membership, Invitation, AccessLog]
        for model in per_household:
            assert not model.objects.filter(household_id=self.household.pk).exists(), model.__name__

    def assert_okafor_untouched(self) -> None:
        assert Household.objects.filter(pk=self.okafor.pk).exists()
        assert Child.objects.filter(pk=self.ada.pk).exists()
        assert list(EvidenceRecord.objects.filter(child=self.ada).values_list("hash", flat=True)) == self.ada_chain
        assert verify_child(self.ada.pk, check_current=False).ok
        assert Attachment.objects.filter(child=self.ada).count() == 2
        # The shared bytes stay on disk: Ada's attachment still uses them.
        assert attachment_path(self.ada_file.sha256).exists()
        assert attachment_path(self.ada_other_file.sha256).exists()
        assert Membership.objects.filter(household=self.okafor, user=self.charlie, role=Role.OWNER).exists()


class HouseholdDeleteTests(DeletionTestCase):
    def url(self) -> str:
        return reverse("reports:household_delete", args=[self.household.pk])

    def test_the_owner_deletes_the_household_after_typing_its_name(self) -> None:
        children = [self.child.pk, self.leo.pk]
        self.client.force_login(self.alice)
        page = self.client.get(self.url()).content.decode()
        assert "Delete Rivera household and all its records?" in page
        assert "<strong>Leo Rivera</strong>, <strong>Maya Rivera</strong>" in page
        assert self.url() in self.client.get(reverse("accounts:household", args=[self.household.pk])).content.decode()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url(), {"confirm_name": " rivera HOUSEHOLD"})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
        self.assert_rivera_records_gone(children)
        self.assert_okafor_untouched()
        # People stay; only their access went.
        assert User.objects.filter(pk__in=[self.alice.pk, self.bob.pk, self.dave.pk]).count() == 3

    def test_a_wrong_name_answers_422_and_deletes_nothing(self) -> None:
        counts = (Child.objects.count(), EvidenceRecord.objects.count(), Attachment.objects.count())
        self.client.force_login(self.alice)
        response = self.client.post(self.url(), {"confirm_name": "Rivera"})
        assert response.status_code == 422
        assert "Type Rivera household exactly as shown to confirm. Nothing was deleted." in response.content.decode()
        assert (Child.objects.count(), EvidenceRecord.objects.count(), Attachment.objects.count()) == counts
        assert attachment_path(self.maya_file.sha256).exists()

    def test_only_the_owner_may(self) -> None:
        for person in (self.bob, self.dave, self.charlie):
            self.client.force_login(person)
            assert self.client.get(self.url()).status_code == 404
            assert self.client.post(self.url(), {"confirm_name": "Rivera household"}).status_code == 404
            page = self.client.get(reverse("accounts:household", args=[self.household.pk]))
            assert self.url() not in page.content.decode()
        assert Household.objects.filter(pk=self.household.pk).exists()


class LeaveTests(DeletionTestCase):
    def test_a_member_leaves_and_keeps_nothing_of_the_household_while_the_records_stay(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(reverse("accounts:household_leave", args=[self.household.pk]))
        assert response.status_code == 302
        assert not Membership.objects.filter(user=self.bob, household=self.household).exists()
        assert self.client.get(reverse("plans:child", args=[self.child.pk])).status_code == 404
        assert Child.objects.filter(pk=self.child.pk).exists()
        assert verify_child(self.child.pk, check_current=False).ok


class AccountDeleteTests(DeletionTestCase):
    url = reverse("reports:account_delete")

    def test_a_member_deletes_their_account(self) -> None:
        self.client.force_login(self.dave)
        page = self.client.get(self.url).content.decode()
        assert "Delete my account" in page
        assert self.client.post(self.url, {"password": "wrong"}).status_code == 422
        assert User.objects.filter(pk=self.dave.pk).exists()
        response = self.client.post(self.url, {"password": "correct horse battery"})
        assert response.status_code == 302 and response["Location"] == reverse("account_login")
        assert not User.objects.filter(pk=self.dave.pk).exists()
        assert not Membership.objects.filter(user_id=self.dave.pk).exists()
        assert self.client.get(reverse("accounts:profile")).status_code == 302  # signed out
        assert Household.objects.filter(pk=self.household.pk).exists()
        assert verify_child(self.child.pk, check_current=False).ok

    def test_refused_while_sole_owner_of_a_household_with_other_members(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(self.url).content.decode()
        assert "You own a household that other people use" in page and "Rivera household" in page
        assert "Delete my account" not in page
        response = self.client.post(self.url, {"password": "correct horse battery"})
        assert response.status_code == 422
        assert User.objects.filter(pk=self.alice.pk).exists() and Child.objects.filter(pk=self.child.pk).exists()

    def test_refused_when_someone_joins_between_the_page_and_the_deletion(self) -> None:
        """Given Alice alone in her household when the page checks, when Bob joins before her deletion
        runs, then the deletion is refused with a message naming the household, and nothing is deleted."""
        Membership.objects.filter(household=self.household).exclude(user=self.alice).delete()
        real_check = erase.households_blocking_deletion
        calls: list[int] = []

        def someone_joins_after_the_first_check(user: User) -> list[Household]:
            found = real_check(user)
            if not calls:  # the view's check: nobody else yet; then Bob accepts his invitation
                Membership.objects.create(user=self.bob, household=self.household, role=Role.EDITOR)
            calls.append(len(found))
            return found

        counts = (Child.objects.count(), EvidenceRecord.objects.count(), Attachment.objects.count())
        self.client.force_login(self.alice)
        with (
            patch.object(erase, "households_blocking_deletion", someone_joins_after_the_first_check),
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(self.url, {"password": "correct horse battery"})
        assert calls == [0, 1]  # the page saw nobody; the deletion itself saw Bob
        assert response.status_code == 422
        page = response.content.decode()
        assert "You own Rivera household, which other people use. Remove them or delete that household first." in page
        assert User.objects.filter(pk=self.alice.pk).exists()
        assert Membership.objects.filter(user=self.alice, household=self.household, role=Role.OWNER).exists()
        assert (Child.objects.count(), EvidenceRecord.objects.count(), Attachment.objects.count()) == counts
        assert GeneratedReport.objects.filter(pk=self.maya_report.pk).exists()
        assert report_path(self.maya_report.sha256).exists()
        assert attachment_path(self.maya_only_file.sha256).exists()
        assert verify_child(self.child.pk, check_current=False).ok
        assert self.client.get(reverse("accounts:profile")).status_code == 200  # still signed in

    def test_an_owner_alone_deletes_account_and_household_with_everything_in_it(self) -> None:
        Membership.objects.filter(household=self.household).exclude(user=self.alice).delete()
        children = [self.child.pk, self.leo.pk]
        self.client.force_login(self.alice)
        page = self.client.get(self.url).content.decode()
        assert "<strong>Rivera household</strong>" in page
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, {"password": "correct horse battery"})
        assert response.status_code == 302
        assert not User.objects.filter(pk=self.alice.pk).exists()
        self.assert_rivera_records_gone(children)
        self.assert_okafor_untouched()

    def test_what_a_deleted_member_wrote_elsewhere_stays_signed_with_their_name(self) -> None:
        entry = log(self.child, self.extended_time, date(2026, 9, 4), Status.DELIVERED, self.dave)
        self.client.force_login(self.dave)
        self.client.post(self.url, {"password": "correct horse battery"})
        assert not User.objects.filter(pk=self.dave.pk).exists()
        entry.refresh_from_db()
        assert entry.created_by is None
        record = EvidenceRecord.objects.filter(child=self.child, object_type="log_entry").order_by("-seq").first()
        assert record is not None and record.recorded_by_name == "Dave Advocate"
        assert verify_child(self.child.pk, check_current=False).ok

    def test_the_settings_page_links_to_it(self) -> None:
        self.client.force_login(self.bob)
        assert self.url in self.client.get(reverse("accounts:profile")).content.decode()
