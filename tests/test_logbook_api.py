"""The daily log's JSON API: the same rules as the pages, JSON in and out, CSRF and access enforced."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.test import Client
from django.urls import reverse

from logbook.models import DayNote, LogEntry, MissReason, Status
from tests.logbook_base import TODAY, TUESDAY, LogbookTestCase, new_id

SATURDAY = date(2026, 10, 31)


class ApiTestCase(LogbookTestCase):
    def post(self, url: str, body: dict[str, Any], client: Client | None = None, **headers: Any) -> Any:
        return (client or self.client).post(url, json.dumps(body), content_type="application/json", **headers)

    def entry_body(self, **values: Any) -> dict[str, Any]:
        body = {"date": TODAY.isoformat(), "provision": self.speech.pk, "status": "delivered", "client_id": new_id()}
        body.update(values)
        return body

    def entries_url(self) -> str:
        return reverse("api:save_entry", kwargs={"child_id": self.child.pk})


class EntryApiTests(ApiTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_a_tap_saves_an_entry_and_returns_it_with_the_days_state(self) -> None:
        response = self.post(self.entries_url(), self.entry_body(status="missed", miss_reason="provider_absent"))
        assert response.status_code == 200
        data = response.json()
        entry = LogEntry.objects.get()
        assert data["id"] == entry.pk
        assert data["status"] == "missed" and data["status_label"] == "Missed"
        assert data["minutes_delivered"] == 0
        assert data["summary"] == "Missed · 0 min · Provider or staff absent · recorded the same day"
        assert data["lag_text"] == "recorded the same day"
        assert data["history_url"] == reverse("logbook:entry_history", args=[self.child.pk, entry.pk])
        assert data["day_status"] == {
            "day": "2026-11-05",
            "state": "some_missed",
            "label": "Some missed",
            "detail": "Some missed: 1 of 2 missed, 1 of 2 not logged",
            "expected": 2,
            "logged": 1,
            "missed": 1,
            "partial": 0,
        }
        assert self.new_records().get().kind == "log_entry.created"

    def test_a_retry_with_the_same_client_id_returns_the_same_entry_and_appends_nothing(self) -> None:
        body = self.entry_body()
        first = self.post(self.entries_url(), body).json()
        second = self.post(self.entries_url(), body).json()
        assert first["id"] == second["id"]
        assert LogEntry.objects.count() == 1 and self.new_records().count() == 1

    def test_bad_input_answers_422_with_messages_by_field_and_saves_nothing(self) -> None:
        response = self.post(
            self.entries_url(),
            self.entry_body(provision=self.extended_time.pk, minutes_delivered=10, miss_reason="substitute"),
        )
        assert response.status_code == 422
        assert response.json() == {
            "errors": {
                "minutes_delivered": ["Only services have minutes. “Extended time” is not a service."],
                "miss_reason": ["A reason is only for something missed or partly delivered."],
            }
        }
        assert LogEntry.objects.count() == 0 and self.new_records().count() == 0

    def test_a_settled_past_entry_needs_a_reason_to_change(self) -> None:
        self.log_on_tuesday_evening(provision=self.speech)
        response = self.post(self.entries_url(), self.entry_body(date=TUESDAY.isoformat(), status="missed"))
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["edit_reason"]
        response = self.post(
            self.entries_url(), self.entry_body(date=TUESDAY.isoformat(), status="missed", edit_reason="wrong tap")
        )
        assert response.status_code == 200
        assert [r.kind for r in self.new_records()] == ["log_entry.created", "log_entry.edited"]

    def test_another_childs_provision_is_not_found(self) -> None:
        from plans.models import Child, Iep, Provision

        other = Child.objects.create(household=self.household, name="Leo")
        iep = Iep.objects.create(child=other, effective_from=date(2026, 9, 1))
        theirs = Provision.objects.create(iep=iep, kind="accommodation", label="Breaks", wording="Breaks.")
        assert self.post(self.entries_url(), self.entry_body(provision=theirs.pk)).status_code == 404

    def test_withdrawing_through_the_api(self) -> None:
        entry = self.log(TODAY, self.speech)
        url = reverse("api:retract_entry", kwargs={"child_id": self.child.pk, "entry_id": entry.pk})
        assert self.post(url, {"reason": ""}).status_code == 422
        response = self.post(url, {"reason": "wrong child"})
        assert response.status_code == 200 and response.json()["retracted"] is True
        assert LogEntry.objects.counted().count() == 0


class DayApiTests(ApiTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_everything_delivered_in_one_request(self) -> None:
        self.log(TODAY, self.speech, Status.MISSED, miss_reason=MissReason.PROVIDER_ABSENT)
        url = reverse("api:all_delivered", kwargs={"child_id": self.child.pk, "day": TODAY})
        response = self.post(url, {"client_id": new_id()})
        assert response.status_code == 200
        data = response.json()
        assert [e["provision"] for e in data["created"]] == [self.extended_time.pk]
        assert {e["provision"]: e["status"] for e in data["entries"]} == {
            self.extended_time.pk: "delivered",
            self.speech.pk: "missed",
        }
        assert data["status"]["state"] == "some_missed"

    def test_everything_delivered_on_a_day_without_school_answers_422(self) -> None:
        url = reverse("api:all_delivered", kwargs={"child_id": self.child.pk, "day": SATURDAY})
        response = self.post(url, {"client_id": new_id()})
        assert response.status_code == 422
        assert response.json() == {"errors": {"__all__": ["No school: Saturday. Nothing was saved."]}}

    def test_the_day_note(self) -> None:
        url = reverse("api:save_day_note", kwargs={"child_id": self.child.pk, "day": TODAY})
        response = self.post(url, {"tags": ["substitute", "aide absent"], "note": "Sub", "client_id": new_id()})
        assert response.status_code == 200
        assert response.json()["tags"] == ["substitute", "aide absent"]
        assert DayNote.objects.get().note == "Sub"

    def test_reading_a_day(self) -> None:
        self.log(TODAY)
        response = self.client.get(reverse("api:day", kwargs={"child_id": self.child.pk, "day": TODAY}))
        data = response.json()
        assert data["expected_provision_ids"] == [self.extended_time.pk, self.speech.pk]
        assert [e["status"] for e in data["entries"]] == ["delivered"]
        assert data["status"]["state"] == "partly_logged"
        saturday = self.client.get(reverse("api:day", kwargs={"child_id": self.child.pk, "day": SATURDAY})).json()
        assert saturday["why_nothing"] == "No school: Saturday."


class ApiAccessTests(ApiTestCase):
    def save_urls(self) -> list[tuple[str, dict[str, Any]]]:
        entry = self.log(TODAY)
        c = self.child.pk
        return [
            (self.entries_url(), self.entry_body()),
            (reverse("api:all_delivered", kwargs={"child_id": c, "day": TODAY}), {"client_id": new_id()}),
            (reverse("api:save_day_note", kwargs={"child_id": c, "day": TODAY}), {"note": "x", "client_id": new_id()}),
            (reverse("api:retract_entry", kwargs={"child_id": c, "entry_id": entry.pk}), {"reason": "x"}),
        ]

    def test_a_viewer_cannot_save_through_the_api(self) -> None:
        urls = self.save_urls()
        self.client.force_login(self.dana)
        for url, body in urls:
            assert self.post(url, body).status_code == 404, url
        assert self.client.get(reverse("api:day", kwargs={"child_id": self.child.pk, "day": TODAY})).status_code == 200
        assert self.new_records().count() == 1

    def test_an_outsider_gets_404_everywhere(self) -> None:
        urls = self.save_urls()
        self.client.force_login(self.charlie)
        for url, body in urls:
            assert self.post(url, body).status_code == 404, url
        assert self.client.get(reverse("api:day", kwargs={"child_id": self.child.pk, "day": TODAY})).status_code == 404
        assert self.new_records().count() == 1

    def test_signed_out_requests_are_refused(self) -> None:
        for url, body in self.save_urls():
            assert self.post(url, body).status_code == 401, url

    def test_a_save_without_the_csrf_token_is_refused(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        assert self.post(self.entries_url(), self.entry_body(), client=client).status_code == 403
        client.get(reverse("logbook:today", args=[self.child.pk]))  # sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        response = self.post(self.entries_url(), self.entry_body(), client=client, HTTP_X_CSRFTOKEN=token)
        assert response.status_code == 200
