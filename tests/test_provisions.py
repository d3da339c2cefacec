"""Provisions: add, edit, reorder and remove items of an IEP, in its exact words."""

from __future__ import annotations

import json
import re
from datetime import date

from django.urls import reverse

from evidence.models import EvidenceRecord
from logbook.models import LogEntry, Status
from plans.models import Provision
from tests.base import ViewerTestCase

OT = {
    "kind": "service",
    "label": "Occupational therapy",
    "wording": "Occupational therapy, 30 minutes per week, individual, in the OT room.",
    "schedule": "weekdays",
    "days": ["2"],
    "minutes": "30",
    "period": "week",
    "session_minutes": "30",
    "setting": "OT room",
    "responsible_staff": "Occupational therapist",
    "purpose": "Fine motor skills for handwriting.",
}
SEATING = {
    "kind": "accommodation",
    "label": "Preferential seating",
    "wording": "Seat near instruction.",
    "schedule": "every_day",
}


class ProvisionTestCase(ViewerTestCase):
    def url(self, name: str, *args: object) -> str:
        return reverse(f"plans:{name}", args=[self.child.pk, *args])

    def state(self) -> tuple[int, int]:
        return Provision.objects.count(), EvidenceRecord.objects.count()


class AddProvisionTests(ProvisionTestCase):
    def test_an_editor_adds_a_service_with_minutes_on_chosen_weekdays(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url("provision_new", self.iep.pk), OT)
        assert response["Location"] == self.url("iep", self.iep.pk)
        ot = Provision.objects.get(label="Occupational therapy")
        assert (ot.minutes, ot.period, ot.session_minutes, ot.position) == (30, "week", 30, 3)
        assert ot.scheduled_weekdays() == {2} and ot.schedule_phrase == "Wednesday"
        assert ot.wording == OT["wording"]
        record = self.new_records().get(object_type="provision")
        assert record.kind == "provision.created"
        payload = json.loads(record.payload)
        assert (
            payload["weekdays"] == ["Wednesday"] and payload["minutes"] == 30 and payload["lineage"] == str(ot.lineage)
        )

    def test_save_and_add_another_returns_to_an_empty_form(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url("provision_new", self.iep.pk), {**SEATING, "add_another": "1"})
        assert response["Location"] == self.url("provision_new", self.iep.pk)

    def test_an_every_day_item_ignores_weekday_boxes(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.url("provision_new", self.iep.pk), {**SEATING, "days": ["0"]})
        seating = Provision.objects.get(label="Preferential seating")
        assert seating.scheduled_weekdays() == set(range(7)) and seating.schedule_phrase == "Every school day"

    def test_minutes_without_a_period_are_refused(self) -> None:
        self.client.force_login(self.alice)
        before = self.state()
        response = self.client.post(self.url("provision_new", self.iep.pk), {**OT, "period": ""})
        assert response.status_code == 422
        assert (
            '<ul class="errorlist" id="id_period_error"><li>Choose per week or per month for these minutes.</li></ul>'
            in response.content.decode()
        )
        assert "Please check the fields marked below." in response.content.decode()
        assert self.state() == before

    def test_a_period_without_minutes_is_refused(self) -> None:
        self.client.force_login(self.alice)
        before = self.state()
        response = self.client.post(self.url("provision_new", self.iep.pk), {**OT, "minutes": ""})
        assert response.status_code == 422
        assert 'id="id_minutes_error"><li>Enter the number of minutes' in response.content.decode()
        assert self.state() == before

    def test_chosen_weekdays_need_at_least_one_day(self) -> None:
        self.client.force_login(self.alice)
        before = self.state()
        response = self.client.post(self.url("provision_new", self.iep.pk), {**OT, "days": []})
        assert response.status_code == 422
        assert 'id="id_days_error"><li>Choose at least one weekday.</li>' in response.content.decode()
        assert self.state() == before

    def test_zero_minutes_are_refused(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url("provision_new", self.iep.pk), {**OT, "minutes": "0"})
        assert response.status_code == 422
        assert "Enter more than 0 minutes" in response.content.decode()

    def test_the_exact_wording_is_required(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url("provision_new", self.iep.pk), {**OT, "wording": ""})
        assert response.status_code == 422
        assert 'id="id_wording_error"' in response.content.decode()

    def test_a_viewer_and_an_outsider_get_404(self) -> None:
        before = self.state()
        for person in (self.dave, self.charlie):
            self.client.force_login(person)
            assert self.client.get(self.url("provision_new", self.iep.pk)).status_code == 404
            assert self.client.post(self.url("provision_new", self.iep.pk), OT).status_code == 404
        assert self.state() == before

    def test_the_form_has_a_weekday_checkbox_for_each_day_and_labels(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(self.url("provision_new", self.iep.pk)).content.decode()
        assert html.count('type="checkbox" name="days"') == 7
        assert "<legend>Which weekdays?" in html and '<label for="id_wording">Exact IEP wording' in html


class EditProvisionTests(ProvisionTestCase):
    def test_an_editor_edits_the_minutes_and_the_ledger_keeps_both_states(self) -> None:
        self.client.force_login(self.bob)
        data = {**OT, "label": "Speech therapy", "wording": self.speech.wording, "minutes": "90", "days": ["1", "3"]}
        response = self.client.post(self.url("provision_edit", self.speech.pk), data)
        assert response.status_code == 302
        self.speech.refresh_from_db()
        assert (self.speech.minutes, self.speech.scheduled_weekdays()) == (90, {1, 3})
        record = self.new_records().get(object_type="provision")
        assert record.kind == "provision.edited" and json.loads(record.payload)["minutes"] == 90

    def test_the_edit_form_shows_the_chosen_weekdays(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(self.url("provision_edit", self.speech.pk)).content.decode()
        checked = re.findall(r'<input type="checkbox" name="days" value="(\d)" id="id_days_\d" checked>', html)
        assert checked == ["1", "3"]

    def test_a_viewer_gets_404(self) -> None:
        self.client.force_login(self.dave)
        assert self.client.post(self.url("provision_edit", self.speech.pk), OT).status_code == 404
        self.speech.refresh_from_db()
        assert self.speech.label == "Speech therapy"


class ReorderTests(ProvisionTestCase):
    def test_moving_an_item_up_swaps_it_with_the_one_above(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url("provision_move", self.speech.pk), {"direction": "up"})
        assert response["Location"].endswith(f"#provision-{self.speech.pk}")
        assert list(self.iep.provisions.values_list("label", flat=True)) == ["Speech therapy", "Extended time"]
        assert sorted(self.new_records().values_list("kind", flat=True)) == ["provision.edited"] * 2

    def test_moving_the_first_item_up_changes_nothing(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.url("provision_move", self.extended_time.pk), {"direction": "up"})
        assert list(self.iep.provisions.values_list("label", flat=True)) == ["Extended time", "Speech therapy"]
        assert self.new_records().count() == 0

    def test_a_viewer_cannot_reorder(self) -> None:
        self.client.force_login(self.dave)
        assert self.client.post(self.url("provision_move", self.speech.pk), {"direction": "up"}).status_code == 404


class RemoveTests(ProvisionTestCase):
    def test_an_item_typed_in_by_mistake_is_removed_and_the_ledger_keeps_it(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(self.url("provision_delete", self.speech.pk)).content.decode()
        assert "Remove “Speech therapy”?" in page and "amend the IEP" in page
        response = self.client.post(self.url("provision_delete", self.speech.pk))
        assert response.status_code == 302
        assert not Provision.objects.filter(pk=self.speech.pk).exists()
        record = self.new_records().get()
        assert (record.kind, record.object_id) == ("provision.retracted", str(self.speech.pk))
        assert json.loads(record.payload)["label"] == "Speech therapy"

    def test_an_item_with_log_entries_stays(self) -> None:
        LogEntry.objects.create(child=self.child, date=date(2026, 11, 10), provision=self.speech, status=Status.MISSED)
        self.client.force_login(self.alice)
        response = self.client.post(self.url("provision_delete", self.speech.pk), follow=True)
        assert "This item already has log entries, so it stays." in response.content.decode()
        assert Provision.objects.filter(pk=self.speech.pk).exists()
        assert self.new_records().count() == 0

    def test_a_viewer_and_an_outsider_cannot_remove(self) -> None:
        for person in (self.dave, self.charlie):
            self.client.force_login(person)
            assert self.client.post(self.url("provision_delete", self.speech.pk)).status_code == 404
        assert Provision.objects.filter(pk=self.speech.pk).exists()
