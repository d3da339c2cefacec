"""The API v1: reads through the access layer with an access-log row, tokens, declared errors,
idempotent writes (every write, retried with its client id, applies once), device time, conflicts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import AccessLog
from api.models import AccessToken, Scope, hash_token
from evidence.models import Attachment
from evidence.verify import verify_child
from logbook.models import DayNote, LogEntry
from plans.models import Provision
from tests.logbook_base import TODAY, LogbookTestCase, new_id

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def body(**values: Any) -> str:
    return json.dumps(values)


class ApiCase(LogbookTestCase):
    def post(self, url: str, data: dict[str, Any], **extra: Any) -> Any:
        return self.client.post(url, json.dumps(data), content_type="application/json", **extra)

    def entry(self, **values: Any) -> dict[str, Any]:
        data = {"date": TODAY.isoformat(), "provision": self.speech.pk, "status": "delivered", "client_id": new_id()}
        data.update(values)
        return data

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"api:{name}", kwargs={"child_id": self.child.pk, **kwargs})


class ReadTests(ApiCase):
    def test_children_lists_only_the_callers_households(self) -> None:
        self.client.force_login(self.alice)
        data = self.client.get(reverse("api:children")).json()
        assert [c["name"] for c in data] == [self.child.name] and data[0]["can_edit"] is True
        self.client.force_login(self.charlie)
        assert self.client.get(reverse("api:children")).json() == []
        self.client.force_login(self.dana)
        assert self.client.get(reverse("api:children")).json()[0]["can_edit"] is False

    def test_an_iep_comes_with_its_provisions_in_the_ieps_words(self) -> None:
        self.client.force_login(self.bob)
        data = self.client.get(self.url("iep", iep_id=self.iep.pk)).json()
        assert data["id"] == self.iep.pk and data["status"] == "active"
        labels = [p["label"] for p in data["provisions"]]
        assert self.speech.label in labels and self.extended_time.label in labels
        provisions = self.client.get(self.url("provisions") + "?on=2026-11-05").json()
        assert sorted(p["id"] for p in provisions) == sorted(p["id"] for p in data["provisions"])

    def test_a_provision_carries_the_sessions_the_iep_states(self) -> None:
        """Given speech stated as sessions per period, then the API gives the sessions with the minutes."""
        Provision.objects.filter(pk=self.speech.pk).update(sessions=2, session_minutes=30)
        self.client.force_login(self.bob)
        data = self.client.get(self.url("iep", iep_id=self.iep.pk)).json()
        speech = next(p for p in data["provisions"] if p["id"] == self.speech.pk)
        assert (speech["sessions"], speech["session_minutes"]) == (2, 30)
        other = next(p for p in data["provisions"] if p["id"] == self.extended_time.pk)
        assert other["sessions"] is None

    def test_every_read_writes_an_access_log_row(self) -> None:
        self.client.force_login(self.dana)
        self.log(TODAY)
        before = AccessLog.objects.count()
        for url in [
            self.url("child"),
            self.url("ieps"),
            self.url("entries") + "?start=2026-11-01&end=2026-11-05",
            self.url("day", day="2026-11-05"),
            self.url("verification"),
            self.url("deadlines"),
            self.url("insights") + "?start=2026-11-01&end=2026-11-05",
        ]:
            assert self.client.get(url).status_code == 200, url
        rows = AccessLog.objects.order_by("pk")[before:]
        assert len(rows) == 7
        assert {(r.user_id, r.child_id, r.action) for r in rows} == {(self.dana.pk, self.child.pk, "api")}

    def test_communications_and_deadlines_are_read_through_the_api(self) -> None:
        from correspondence.models import Communication
        from deadlines.services import record_event

        Communication.objects.create(
            child=self.child, date=TODAY, channel="email", direction="received", subject="Speech"
        )
        record_event(self.child, "records_request", TODAY, self.alice)
        self.client.force_login(self.dana)
        comms = self.client.get(self.url("communications")).json()
        assert [c["subject"] for c in comms] == ["Speech"]
        data = self.client.get(self.url("deadlines")).json()
        assert "not legal advice" in data["disclaimer"]
        assert data["deadlines"] and all("citation" in d and "date" in d for d in data["deadlines"])
        self.client.force_login(self.charlie)
        assert self.client.get(self.url("communications")).status_code == 404

    def test_verification_reports_the_chain(self) -> None:
        self.client.force_login(self.alice)
        self.log(TODAY)
        data = self.client.get(self.url("verification")).json()
        report = verify_child(self.child.pk)
        assert data["ok"] is True and data["record_count"] == report.record_count
        assert data["head_hash"] == report.head_hash

    def test_an_outsider_gets_404_as_json(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(self.url("ieps"))
        assert response.status_code == 404
        assert response.json() == {"errors": {"__all__": ["Not found."]}}


class ErrorShapeTests(ApiCase):
    def test_signed_out_is_401_json(self) -> None:
        response = self.client.get(reverse("api:children"))
        assert response.status_code == 401 and response.json() == {"errors": {"__all__": ["Unauthorized"]}}

    def test_a_date_outside_1990_to_2100_is_422_on_its_field_as_in_forms(self) -> None:
        """Given an entry dated 1900-01-05, then the API refuses it with the forms' message and saves nothing."""
        self.client.force_login(self.alice)
        data = {"date": "1900-01-05", "provision": self.speech.pk, "status": "delivered", "client_id": new_id()}
        response = self.post(self.url("save_entry"), data)
        assert response.status_code == 422
        assert any("Please check the year" in m for m in response.json()["errors"]["date"])
        assert not LogEntry.objects.exists()

    def test_a_bad_request_shape_is_422_by_field(self) -> None:
        self.client.force_login(self.alice)
        response = self.post(self.url("save_entry"), {"date": "not a date", "provision": 1})
        assert response.status_code == 422
        errors = response.json()["errors"]
        assert set(errors) >= {"date", "status", "client_id"}
        assert all(isinstance(m, str) for msgs in errors.values() for m in msgs)

    def test_text_goes_through_the_one_validation_path(self) -> None:
        self.client.force_login(self.alice)
        for bad in ["a\u0000b", "\ud800", "esc\u001b"]:
            response = self.post(self.url("save_entry"), self.entry(note=bad))  # json.dumps escapes them
            assert response.status_code == 422, bad
            assert "cannot be saved" in response.json()["errors"]["note"][0]
        note = self.post(self.url("save_day_note", day="2026-11-05"), {"tags": ["sub\nway"], "client_id": new_id()})
        assert note.status_code == 422 and "one line" in note.json()["errors"]["tags"][0]
        assert LogEntry.objects.count() == 0 and DayNote.objects.count() == 0

    def test_malformed_json_is_400_and_a_wrong_method_405_both_json(self) -> None:
        self.client.force_login(self.alice)
        bad = self.client.post(self.url("save_entry"), "{nope", content_type="application/json")
        assert bad.status_code == 400 and list(bad.json()["errors"]) == ["__all__"]
        wrong = self.client.delete(self.url("save_entry"))
        assert wrong.status_code == 405 and wrong.json()["errors"]["__all__"]
        assert "POST" in wrong["Allow"]

    def test_every_operation_declares_its_errors(self) -> None:
        schema = self.client.get("/api/v1/openapi.json").json()
        assert "/api/v1/children/{child_id}/entries" in schema["paths"]
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                codes = set(operation["responses"])
                assert {"400", "401", "403", "404", "405", "422"} <= codes, f"{method} {path}: {codes}"

    def test_an_id_too_big_for_the_database_is_a_404_not_a_server_error(self) -> None:
        self.client.force_login(self.alice)
        huge = 5399726535679653051166097408
        assert self.client.get(f"/api/v1/children/{huge}/ieps/5").status_code == 404
        assert self.client.get(self.url("entry", entry_id=huge)).status_code == 404
        assert self.post(self.url("save_entry"), self.entry(provision=huge)).status_code == 404

    def test_the_docs_page_is_gone(self) -> None:
        assert self.client.get("/api/v1/docs").status_code == 404


class TokenTests(ApiCase):
    def test_a_token_is_shown_once_and_kept_only_as_a_hash(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.post(reverse("api_tokens:list"), {"name": "Phone", "scope": "write"})
        assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
        raw = page.context["new_token"]
        assert raw.startswith("iepr_") and raw in page.content.decode()
        token = AccessToken.objects.get()
        assert token.token_hash == hash_token(raw) and raw not in (token.prefix, token.token_hash)
        again = self.client.get(reverse("api_tokens:list")).content.decode()
        assert raw not in again and "Phone" in again and "never used" in again

    def test_a_token_reads_and_stamps_its_last_use(self) -> None:
        token, raw = AccessToken.issue(self.alice, "Script", Scope.READ)
        response = Client().get(reverse("api:children"), HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200 and response.json()[0]["id"] == self.child.pk
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_a_read_token_cannot_write(self) -> None:
        _token, raw = AccessToken.issue(self.alice, "Script", Scope.READ)
        response = Client().post(
            self.url("save_entry"),
            body(**self.entry()),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert response.status_code == 403 and "only read" in response.json()["errors"]["__all__"][0]
        assert LogEntry.objects.count() == 0

    def test_a_write_token_logs_without_csrf(self) -> None:
        _token, raw = AccessToken.issue(self.bob, "Phone", Scope.WRITE)
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            self.url("save_entry"),
            body(**self.entry()),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )
        assert response.status_code == 200
        assert LogEntry.objects.get().created_by == self.bob

    def test_a_revoked_token_or_another_persons_revoke_does_nothing(self) -> None:
        token, raw = AccessToken.issue(self.alice, "Old phone", Scope.WRITE)
        self.client.force_login(self.charlie)
        assert self.client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
        self.client.force_login(self.alice)
        assert self.client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 302
        assert Client().get(reverse("api:children"), HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401

    def test_session_writes_still_need_csrf(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alice)
        response = client.post(self.url("save_entry"), body(**self.entry()), content_type="application/json")
        assert response.status_code == 403 and response.json()["errors"]["__all__"]
        assert LogEntry.objects.count() == 0


class IdempotentWriteTests(ApiCase):
    """Each write sent twice with the same client id: one change, one ledger record."""

    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def twice(self, url: str, data: dict[str, Any], method: str = "post") -> tuple[Any, Any]:
        send = getattr(self.client, method)
        first = send(url, json.dumps(data), content_type="application/json")
        second = send(url, json.dumps(data), content_type="application/json")
        assert first.status_code == second.status_code == 200, (first.content, second.content)
        return first.json(), second.json()

    def test_creating_an_entry(self) -> None:
        first, second = self.twice(self.url("save_entry"), self.entry())
        assert first["id"] == second["id"] and LogEntry.objects.count() == 1 and self.new_records().count() == 1

    def test_editing_an_entry(self) -> None:
        entry = self.log(TODAY, self.speech)
        start = self.new_records().count()
        change = {"status": "missed", "miss_reason": "provider_absent", "client_id": new_id()}
        first, second = self.twice(self.url("edit_entry", entry_id=entry.pk), change, method="put")
        assert first["status"] == second["status"] == "missed"
        assert self.new_records().count() == start + 1

    def test_everything_delivered(self) -> None:
        first, second = self.twice(self.url("all_delivered", day="2026-11-05"), {"client_id": new_id()})
        assert len(first["created"]) == len(second["created"]) == LogEntry.objects.count() == 2
        assert self.new_records().count() == 2

    def test_the_day_note(self) -> None:
        self.twice(self.url("save_day_note", day="2026-11-05"), {"note": "Sub all day", "client_id": new_id()})
        assert DayNote.objects.count() == 1 and self.new_records().count() == 1

    def test_withdrawing_an_entry(self) -> None:
        entry = self.log(TODAY, self.speech)
        start = self.new_records().count()
        first, second = self.twice(
            self.url("retract_entry", entry_id=entry.pk), {"reason": "Wrong day", "client_id": new_id()}
        )
        assert first["retracted"] and second["retracted"]
        assert self.new_records().count() == start + 1

    def test_attaching_a_photo(self) -> None:
        entry = self.log(TODAY, self.speech)
        start = self.new_records().count()
        cid = new_id()
        url = self.url("entry_attachments", entry_id=entry.pk)
        with self.settings(ATTACHMENT_ROOT=self.tmp_root()):
            answers = [
                self.client.post(url, {"files": [SimpleUploadedFile("a.png", PNG, "image/png")], "client_id": cid})
                for _ in range(2)
            ]
        assert [a.status_code for a in answers] == [200, 200]
        assert answers[0].json() == answers[1].json()
        assert Attachment.objects.count() == 1 and self.new_records().count() == start + 1

    def tmp_root(self) -> str:
        import shutil
        import tempfile

        root = tempfile.mkdtemp(prefix="iepright-api-")
        self.addCleanup(shutil.rmtree, root, True)
        return root


class DeviceTimeAndConflictTests(ApiCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_the_device_time_is_kept_in_the_entry_and_its_ledger_record(self) -> None:
        tapped = "2026-11-05T14:02:00Z"
        data = self.post(self.url("save_entry"), self.entry(device_time=tapped)).json()
        assert data["device_time"] == "2026-11-05T14:02:00+00:00"
        record = self.new_records().get()
        assert json.loads(record.payload)["device_time"] == "2026-11-05T14:02:00+00:00"
        assert record.recorded_at > datetime(2026, 11, 5, 14, 2, tzinfo=UTC)
        assert verify_child(self.child.pk).ok

    def test_the_report_says_when_the_phone_tapped_and_the_lag_to_the_server(self) -> None:
        from reports.data import _device_text
        from reports.ledger_facts import Version

        self.post(self.url("save_entry"), self.entry(device_time="2026-11-05T15:22:00Z"))  # 10:22 am in New York
        record = self.new_records().get()
        version = Version(record.seq, record.hash, "created", record.recorded_at, "Alice", json.loads(record.payload))
        assert _device_text(version, TODAY) == "tapped 10:22 am on the phone, received 5 h 38 min later"
        version.payload.pop("device_time")
        assert _device_text(version, TODAY) == ""

    def test_a_phone_clock_ahead_of_the_server_keeps_the_entry_without_a_tap_time(self) -> None:
        response = self.post(self.url("save_entry"), self.entry(device_time="2026-11-06T12:00:00Z"))
        assert response.status_code == 200 and response.json()["device_time"] is None
        assert LogEntry.objects.get().device_time is None
        assert "device_time" not in json.loads(self.new_records().get().payload)

    def test_a_device_time_without_a_zone_is_refused(self) -> None:
        response = self.post(self.url("save_entry"), self.entry(device_time="2026-11-05T10:00:00"))
        assert response.status_code == 422 and "time zone" in response.json()["errors"]["device_time"][0]
        assert LogEntry.objects.count() == 0

    def test_a_co_parents_change_meanwhile_is_a_conflict_and_nothing_is_overwritten(self) -> None:
        theirs = self.log(TODAY, self.speech, status="missed", miss_reason="provider_absent", user=self.bob)
        response = self.post(self.url("save_entry"), self.entry(status="delivered", base_version=0))
        assert response.status_code == 409
        data = response.json()
        assert data["current"]["id"] == theirs.pk and data["current"]["status"] == "missed"
        assert data["attempted"]["status"] == "delivered"
        assert "Nothing was saved" in data["errors"]["__all__"][0]
        theirs.refresh_from_db()
        assert theirs.status == "missed"

    def test_a_change_from_what_the_phone_saw_goes_through(self) -> None:
        self.log(TODAY, self.speech, status="missed", miss_reason="provider_absent", user=self.bob)
        response = self.post(self.url("save_entry"), self.entry(status="delivered", base_version=1))
        assert response.status_code == 200 and response.json()["status"] == "delivered"


@override_settings(DEBUG=False)
class ServiceWorkerTests(ApiCase):
    def test_the_worker_is_served_from_the_root_with_its_shell(self) -> None:
        response = self.client.get("/sw.js")
        assert response.status_code == 200 and response["Service-Worker-Allowed"] == "/"
        assert response["Content-Type"].startswith("text/javascript")
        text = response.content.decode()
        assert text.startswith("self.IEPR_CONFIG = ") and "/static/js/offline-queue.js" in text
        assert 'addEventListener("fetch"' in text

    def test_a_signed_in_phone_revalidates_the_worker_instead_of_fetching_it_whole(self) -> None:
        """Given a signed-in person, then /sw.js is not marked no-store, and asking with its ETag gives 304."""
        self.client.force_login(self.alice)
        first = self.client.get("/sw.js")
        assert first["Cache-Control"] == "no-cache" and first.has_header("ETag")
        again = self.client.get("/sw.js", headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304

    def test_pages_load_the_queue_and_show_the_sync_count_only_when_signed_in(self) -> None:
        self.client.force_login(self.alice)
        page = self.client.get(reverse("logbook:today", args=[self.child.pk])).content.decode()
        assert 'id="sync-count"' in page and "js/offline-queue.js" in page and "js/pwa.js" in page
        assert f'<meta name="iepr-user" content="{self.alice.pk}">' in page
        self.client.logout()
        assert "offline-queue.js" not in self.client.get(reverse("account_login")).content.decode()
