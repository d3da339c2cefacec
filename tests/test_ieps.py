"""IEP versions: create as a draft, edit, put in effect, amend; every change in the evidence ledger."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.models import Attachment, EvidenceRecord
from plans import services
from plans.models import Iep, Provision
from plans.payloads import iep_payload, provision_payload
from tests.base import ViewerTestCase

IEP = {
    "effective_from": "2027-01-04",
    "effective_to": "2028-01-03",
    "meeting_date": "2026-12-15",
    "annual_review_due": "2027-12-14",
    "reevaluation_due": "2029-12-01",
    "case_manager_name": "Ms. Patel",
    "case_manager_email": "patel@school.example",
}


class IepTestCase(ViewerTestCase):
    def url(self, name: str, *args: object) -> str:
        return reverse(f"plans:{name}", args=[self.child.pk, *args])

    def ledger(self, object_type: str = "") -> list[tuple[str, str]]:
        """(kind, object id) of the records the test appended to Maya's chain, in order."""
        records = self.new_records().filter(child_id=self.child.pk)
        if object_type:
            records = records.filter(object_type=object_type)
        return [(r.kind, r.object_id) for r in records]


class CreateIepTests(IepTestCase):
    def test_an_editor_adds_an_iep_as_a_draft_and_the_ledger_records_it(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url("iep_new"), IEP)
        iep = Iep.objects.get(effective_from=date(2027, 1, 4))
        assert response["Location"] == self.url("iep", iep.pk)
        assert iep.status == Iep.Status.DRAFT and iep.created_by == self.bob
        assert (iep.annual_review_due, iep.case_manager_email) == (date(2027, 12, 14), "patel@school.example")
        record = EvidenceRecord.objects.get(object_type="iep", object_id=str(iep.pk))
        assert record.kind == "iep.created" and record.recorded_by == self.bob
        assert json.loads(record.payload) == json.loads(json.dumps(iep_payload(iep), default=str))

    def test_dates_out_of_order_are_refused_next_to_their_fields_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.alice)
        bad = {**IEP, "effective_to": "2026-12-31", "annual_review_due": "2026-06-01", "reevaluation_due": "2026-01-01"}
        counts = (Iep.objects.count(), EvidenceRecord.objects.count())
        response = self.client.post(self.url("iep_new"), bad)
        assert response.status_code == 422
        html = response.content.decode()
        message = "This date is before the start date (January 4, 2027)."
        for field in ("effective_to", "annual_review_due", "reevaluation_due"):
            assert f'<ul class="errorlist" id="id_{field}_error"><li>{message}</li></ul>' in html
        assert (Iep.objects.count(), EvidenceRecord.objects.count()) == counts

    def test_the_start_date_is_required(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url("iep_new"), {**IEP, "effective_from": ""})
        assert response.status_code == 422
        assert 'id="id_effective_from_error"' in response.content.decode()

    def test_a_viewer_and_an_outsider_get_404(self) -> None:
        for person in (self.dave, self.charlie):
            self.client.force_login(person)
            assert self.client.get(self.url("iep_new")).status_code == 404
            assert self.client.post(self.url("iep_new"), IEP).status_code == 404
        assert Iep.objects.count() == 1

    def test_the_form_offers_a_pdf_upload(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(self.url("iep_new")).content.decode()
        assert 'enctype="multipart/form-data"' in html
        assert 'type="file" name="document" accept="application/pdf,.pdf"' in html


class IepPageTests(IepTestCase):
    def test_the_iep_page_shows_dates_contacts_and_items_in_exact_words(self) -> None:
        self.client.force_login(self.dave)
        html = self.client.get(self.url("iep", self.iep.pk)).content.decode()
        assert "<h1>IEP from September 1, 2026</h1>" in html
        assert "Ms. Patel" in html and "mailto:patel@school.example" in html
        assert "Extended time (1.5x) on tests and quizzes." in html
        assert "Tuesday, Thursday" in html and "60 per week (sessions of 30 min)" in html
        assert 'Items <span class="count">2</span>' in html

    def test_the_iep_page_costs_the_same_number_of_queries_with_more_items(self) -> None:
        self.client.force_login(self.alice)
        url = self.url("iep", self.iep.pk)
        self.client.get(url)
        with CaptureQueriesContext(connection) as two_items:
            self.client.get(url)
        for n in range(10):
            Provision.objects.create(iep=self.iep, kind="accommodation", label=f"Item {n}", wording="Words.")
        with self.assertNumQueries(len(two_items)):
            html = self.client.get(url).content.decode()
        assert 'Items <span class="count">12</span>' in html

    def test_a_viewer_sees_no_edit_buttons(self) -> None:
        self.client.force_login(self.dave)
        html = self.client.get(self.url("iep", self.iep.pk)).content.decode()
        assert "Add an item" not in html and "Amend this IEP" not in html and ">Remove" not in html

    def test_an_editor_sees_them(self) -> None:
        self.client.force_login(self.bob)
        html = self.client.get(self.url("iep", self.iep.pk)).content.decode()
        assert "Add an item" in html and "Amend this IEP" in html and html.count(">Remove<") == 2

    def test_the_version_list_shows_every_version(self) -> None:
        services.amend_iep(self.iep, date(2027, 1, 11), self.alice, "Added OT")
        self.client.force_login(self.dave)
        html = self.client.get(self.url("ieps")).content.decode()
        assert "IEP from Jan 11, 2027" in html and "IEP from Sep 1, 2026" in html
        assert "In effect" in html and "Replaced" in html and "Added OT" in html

    def test_an_iep_of_another_child_is_404_under_this_childs_address(self) -> None:
        from plans.models import Child

        other = Child.objects.create(household=self.household, name="Leo")
        self.client.force_login(self.alice)
        assert self.client.get(reverse("plans:iep", args=[other.pk, self.iep.pk])).status_code == 404


class EditIepTests(IepTestCase):
    def test_an_editor_changes_the_dates_and_the_ledger_records_the_edit(self) -> None:
        self.client.force_login(self.bob)
        data = {**IEP, "effective_from": "2026-09-01", "case_manager_name": "Mr. Ortiz"}
        response = self.client.post(self.url("iep_edit", self.iep.pk), data)
        assert response.status_code == 302
        self.iep.refresh_from_db()
        assert self.iep.case_manager_name == "Mr. Ortiz"
        assert self.ledger("iep") == [("iep.edited", str(self.iep.pk))]

    def test_an_invalid_edit_changes_nothing(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url("iep_edit", self.iep.pk), {**IEP, "effective_from": "2028-01-01"})
        assert response.status_code == 422
        self.iep.refresh_from_db()
        assert self.iep.effective_from == date(2026, 9, 1)
        assert self.ledger() == []

    def test_a_viewer_cannot_edit(self) -> None:
        self.client.force_login(self.dave)
        assert self.client.post(self.url("iep_edit", self.iep.pk), IEP).status_code == 404


class ActivateTests(IepTestCase):
    def test_a_draft_goes_into_effect_and_the_earlier_version_ends_the_day_before(self) -> None:
        draft = services.create_iep(Iep(child=self.child, effective_from=date(2027, 1, 4)), user=self.alice)
        services.save_provision(
            Provision(iep=draft, kind="accommodation", label="Breaks", wording="Breaks."), user=self.alice
        )
        self.client.force_login(self.bob)
        response = self.client.post(self.url("iep_activate", draft.pk))
        assert response.status_code == 302
        draft.refresh_from_db()
        self.iep.refresh_from_db()
        assert draft.status == Iep.Status.ACTIVE
        assert (self.iep.status, self.iep.effective_to) == (Iep.Status.SUPERSEDED, date(2027, 1, 3))
        assert self.child.iep_on(date(2027, 1, 3)) == self.iep and self.child.iep_on(date(2027, 1, 4)) == draft

    def test_a_draft_without_items_stays_a_draft(self) -> None:
        draft = services.create_iep(Iep(child=self.child, effective_from=date(2027, 1, 4)), user=self.alice)
        self.client.force_login(self.alice)
        response = self.client.post(self.url("iep_activate", draft.pk), follow=True)
        assert "Add at least one item from the IEP first." in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Iep.Status.DRAFT

    def test_a_draft_starting_before_the_current_version_is_refused(self) -> None:
        draft = services.create_iep(Iep(child=self.child, effective_from=date(2026, 8, 1)), user=self.alice)
        services.save_provision(Provision(iep=draft, kind="accommodation", label="B", wording="B."), user=self.alice)
        self.client.force_login(self.alice)
        response = self.client.post(self.url("iep_activate", draft.pk), follow=True)
        assert "Another IEP is already in effect from September 1, 2026." in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == Iep.Status.DRAFT

    def test_activating_needs_a_post_and_edit_rights(self) -> None:
        draft = services.create_iep(Iep(child=self.child, effective_from=date(2027, 1, 4)), user=self.alice)
        self.client.force_login(self.dave)
        assert self.client.post(self.url("iep_activate", draft.pk)).status_code == 404
        self.client.force_login(self.alice)
        assert self.client.get(self.url("iep_activate", draft.pk)).status_code == 405


class AmendTests(IepTestCase):
    def test_amending_makes_a_new_version_with_copies_of_every_item(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(
            self.url("iep_amend", self.iep.pk), {"effective_from": "2027-01-11", "note": "Speech raised to 90"}
        )
        amendment = Iep.objects.get(amends=self.iep)
        assert response["Location"] == self.url("iep", amendment.pk)
        self.iep.refresh_from_db()
        assert (self.iep.status, self.iep.effective_to) == (Iep.Status.SUPERSEDED, date(2027, 1, 10))
        assert (amendment.status, amendment.effective_from, amendment.effective_to) == (
            Iep.Status.ACTIVE,
            date(2027, 1, 11),
            None,
        )
        assert (amendment.annual_review_due, amendment.case_manager_name) == (date(2027, 8, 31), "Ms. Patel")
        assert amendment.amendment_note == "Speech raised to 90"
        old = list(self.iep.provisions.all())
        new = list(amendment.provisions.all())
        assert [provision_payload(p) | {"id": 0, "iep": 0} for p in new] == [
            provision_payload(p) | {"id": 0, "iep": 0} for p in old
        ]
        assert {p.lineage for p in new} == {p.lineage for p in old}
        assert len(old) == 2  # the old version keeps its items

    def test_the_ledger_records_the_old_version_ending_the_new_one_and_its_items(self) -> None:
        amendment = services.amend_iep(self.iep, date(2027, 1, 11), self.alice)
        copies = [str(p.pk) for p in amendment.provisions.all()]
        assert self.ledger() == [
            ("iep.edited", str(self.iep.pk)),
            ("iep.created", str(amendment.pk)),
            ("provision.created", copies[0]),
            ("provision.created", copies[1]),
        ]

    def test_an_amendment_must_start_after_the_current_version(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url("iep_amend", self.iep.pk), {"effective_from": "2026-09-01"})
        assert response.status_code == 422
        assert "An amendment starts after the current version, which began September 1, 2026." in (
            response.content.decode()
        )
        assert Iep.objects.count() == 1 and self.new_records().count() == 0

    def test_an_amendment_cannot_start_after_the_iep_ends(self) -> None:
        self.iep.effective_to = date(2027, 8, 31)
        self.iep.save()
        self.client.force_login(self.alice)
        response = self.client.post(self.url("iep_amend", self.iep.pk), {"effective_from": "2027-09-15"})
        assert response.status_code == 422
        assert "Add a new IEP instead." in response.content.decode()

    def test_the_old_version_stays_readable_and_cannot_change(self) -> None:
        amendment = services.amend_iep(self.iep, date(2027, 1, 11), self.alice)
        self.client.force_login(self.alice)
        html = self.client.get(self.url("iep", self.iep.pk)).content.decode()
        assert "An earlier version." in html and "Extended time (1.5x) on tests and quizzes." in html
        assert self.url("iep", amendment.pk) in html
        assert "Add an item" not in html and "Amend this IEP" not in html
        response = self.client.post(self.url("provision_edit", self.speech.pk), {"label": "Changed"})
        assert response.status_code == 302
        self.speech.refresh_from_db()
        assert self.speech.label == "Speech therapy"
        assert self.client.get(self.url("iep_edit", self.iep.pk)).status_code == 302
        assert self.client.post(self.url("iep_amend", self.iep.pk), {"effective_from": "2027-02-01"}).status_code == 302
        assert Iep.objects.count() == 2

    def test_a_viewer_cannot_amend(self) -> None:
        self.client.force_login(self.dave)
        assert self.client.post(self.url("iep_amend", self.iep.pk), {"effective_from": "2027-01-11"}).status_code == 404
        assert Iep.objects.count() == 1


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class IepDocumentTests(IepTestCase):
    def setUp(self) -> None:
        super().setUp()
        root = Path(tempfile.mkdtemp(prefix="iepright-iep-docs-"))
        self.enterContext(override_settings(ATTACHMENT_ROOT=root))
        self.addCleanup(shutil.rmtree, root, True)

    def test_the_iep_pdf_is_kept_as_an_attachment_with_its_fingerprint(self) -> None:
        self.client.force_login(self.alice)
        upload = SimpleUploadedFile("Maya IEP 2027.pdf", PDF, content_type="application/pdf")
        self.client.post(self.url("iep_new"), {**IEP, "document": upload})
        iep = Iep.objects.get(effective_from=date(2027, 1, 4))
        assert iep.source_file is not None
        assert (iep.source_file.content_type, iep.source_file.sha256) == (
            "application/pdf",
            hashlib.sha256(PDF).hexdigest(),
        )
        assert (iep.source_file.object_type, iep.source_file.object_id) == ("iep", str(iep.pk))
        assert self.ledger() == [("attachment.created", str(iep.source_file.pk)), ("iep.created", str(iep.pk))]
        payload = json.loads(self.new_records().get(kind="iep.created").payload)
        assert payload["source_file"]["sha256"] == hashlib.sha256(PDF).hexdigest()
        html = self.client.get(self.url("iep", iep.pk)).content.decode()
        link = reverse("evidence:attachment", args=[self.child.pk, iep.source_file.pk])
        assert f'<a href="{link}">Maya IEP 2027.pdf</a>' in html
        assert self.client.get(link)["Content-Type"] == "application/pdf"

    def test_a_file_that_is_not_a_pdf_photo_or_text_is_refused_and_nothing_is_saved(self) -> None:
        self.client.force_login(self.alice)
        upload = SimpleUploadedFile(
            "iep.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
        )
        counts = (Iep.objects.count(), Attachment.objects.count(), EvidenceRecord.objects.count())
        response = self.client.post(self.url("iep_new"), {**IEP, "document": upload})
        assert response.status_code == 422
        assert 'id="id_document_error"><li>This file looks like a web page' in response.content.decode()
        assert (Iep.objects.count(), Attachment.objects.count(), EvidenceRecord.objects.count()) == counts

    def test_a_corrected_copy_can_be_added_when_editing(self) -> None:
        self.client.force_login(self.bob)
        upload = SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")
        data = {**IEP, "effective_from": "2026-09-01", "document": upload}
        assert self.client.post(self.url("iep_edit", self.iep.pk), data).status_code == 302
        self.iep.refresh_from_db()
        assert self.iep.source_file is not None and self.iep.source_file.original_name == "signed.pdf"
        assert [kind for kind, _ in self.ledger()] == ["attachment.created", "iep.edited"]


class CurrentIepTests(IepTestCase):
    def test_the_version_that_speaks_for_the_child_is_the_latest_started_else_the_next_to_come(self) -> None:
        """Given the IEP from 2026-09-01, an amendment from 2027-01-04 and a draft from 2027-03-01:
        in December the first speaks for the child, in February the amendment, and before any
        version started the first to come; a draft never does."""
        amendment = services.amend_iep(self.iep, date(2027, 1, 4), self.alice, "Speech added")
        Iep.objects.create(child=self.child, effective_from=date(2027, 3, 1), status=Iep.Status.DRAFT)
        assert self.child.current_iep(date(2026, 12, 1)) == self.iep
        assert self.child.current_iep(date(2027, 2, 1)) == amendment
        assert self.child.current_iep(date(2027, 6, 1)) == amendment
        assert self.child.current_iep(date(2026, 1, 5)) == self.iep
