"""The owner may erase a child and every record of theirs; nobody else may, and a slip deletes nothing."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from accounts.models import AccessLog
from evidence.ledger import append
from evidence.models import Attachment, EvidenceRecord, PurgeAuthorization
from evidence.verify import verify_child
from logbook.models import LogEntry, Status
from plans.models import Child, Iep, Provision, SchoolCalendar
from reports.models import GeneratedReport
from reports.services import generate_report
from reports.storage import report_path
from tests.base import ViewerTestCase
from tests.reports_support import TempFiles, attach, log


class ChildDeleteTests(TempFiles, ViewerTestCase):
    def url(self) -> str:
        return reverse("reports:child_delete", args=[self.child.pk])

    def make_records(self) -> GeneratedReport:
        entry = log(self.child, self.speech, date(2026, 9, 3), Status.MISSED, self.alice, minutes=0)
        attach(self.child, self.alice, "note.txt", b"The therapist was out.", entry)
        return generate_report(
            self.child, user=self.alice, kind="summary", start=date(2026, 9, 1), end=date(2026, 9, 30)
        )

    def test_the_owner_erases_the_child_the_log_the_ledger_files_and_reports(self) -> None:
        report = self.make_records()
        leo = Child.objects.create(household=self.household, name="Leo Rivera")
        self.client.force_login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url(), {"confirm_name": "maya rivera "})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
        c = self.child.pk
        assert not Child.objects.filter(pk=c).exists()
        for model in (LogEntry, Iep, SchoolCalendar, Attachment, GeneratedReport, EvidenceRecord):
            assert not model.objects.filter(child_id=c).exists(), model.__name__
        assert not Provision.objects.filter(iep__child_id=c).exists()
        assert not PurgeAuthorization.objects.exists()
        assert not report_path(report.sha256).exists()
        assert Child.objects.filter(pk=leo.pk).exists()
        assert AccessLog.objects.filter(action="delete", child_id=c, user=self.alice).exists()

    def test_other_children_keep_a_chain_that_verifies(self) -> None:
        other = Child.objects.create(household=self.household, name="Leo Rivera")
        append(
            child_id=other.pk, kind="day_note.created", object_type="day_note", object_id=1, payload={}, user=self.alice
        )
        before = EvidenceRecord.objects.filter(child=other).values_list("hash", flat=True).get()
        self.client.force_login(self.alice)
        self.client.post(self.url(), {"confirm_name": "Maya Rivera"})
        assert EvidenceRecord.objects.filter(child=other).values_list("hash", flat=True).get() == before
        assert verify_child(other.pk, check_current=False).ok

    def test_a_wrong_name_answers_422_and_deletes_nothing(self) -> None:
        self.make_records()
        counts = (LogEntry.objects.count(), EvidenceRecord.objects.count(), GeneratedReport.objects.count())
        self.client.force_login(self.alice)
        response = self.client.post(self.url(), {"confirm_name": "Maya"})
        assert response.status_code == 422
        assert "Type Maya Rivera exactly as shown to confirm. Nothing was deleted." in response.content.decode()
        assert (LogEntry.objects.count(), EvidenceRecord.objects.count(), GeneratedReport.objects.count()) == counts

    def test_only_the_owner_may_delete_and_only_the_owner_sees_the_link(self) -> None:
        for person in (self.bob, self.dave, self.charlie):
            self.client.force_login(person)
            assert self.client.get(self.url()).status_code == 404
            assert self.client.post(self.url(), {"confirm_name": "Maya Rivera"}).status_code == 404
        assert Child.objects.filter(pk=self.child.pk).exists()
        overview = reverse("plans:child", args=[self.child.pk])
        self.client.force_login(self.bob)
        assert self.url() not in self.client.get(overview).content.decode()
        self.client.force_login(self.alice)
        assert self.url() in self.client.get(overview).content.decode()
        page = self.client.get(self.url()).content.decode()
        assert "It cannot be undone." in page and reverse("reports:household_export", args=[self.household.pk]) in page
