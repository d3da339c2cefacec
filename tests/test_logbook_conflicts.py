"""A stale page never silently overwrites a co-parent's entry (issue 11).

Every edit names the version it was made from; a save from an older version that would change the
entry is refused (EditConflict in the service, 409 in the API) and nothing is saved.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from logbook import services
from logbook.models import LogEntry, Status
from tests.logbook_base import TODAY, LogbookTestCase, new_id


class VersionTests(LogbookTestCase):
    def test_an_entry_starts_at_version_1_and_each_change_or_withdrawal_adds_one(self) -> None:
        entry = self.log(TODAY, self.speech, Status.MISSED, miss_reason="provider_absent")
        assert entry.version == 1
        entry = self.log(TODAY, self.speech, Status.DELIVERED)
        assert entry.version == 2
        services.retract_entry(entry, self.alice, "Wrong child")
        entry.refresh_from_db()
        assert entry.version == 3

    def test_saving_the_same_content_does_not_change_the_version(self) -> None:
        self.log(TODAY, self.speech, Status.DELIVERED)
        assert self.log(TODAY, self.speech, Status.DELIVERED).version == 1


class ConflictTests(LogbookTestCase):
    def test_a_save_from_a_stale_version_is_refused_and_saves_nothing(self) -> None:
        """Given Alice's page showing version 1 (delivered), when Bob records "Missed" (version 2) and
        Alice then saves "Partly · 20 min" from version 1, then it is refused, Bob's entry stays."""
        self.log(TODAY, self.speech, Status.DELIVERED)
        self.log(TODAY, self.speech, Status.MISSED, user=self.bob, miss_reason="provider_absent")
        records = self.new_records().count()
        with pytest.raises(services.EditConflict) as caught:
            self.log(TODAY, self.speech, Status.PARTIAL, minutes_delivered=20, base_version=1)
        entry = LogEntry.objects.get(provision=self.speech)
        assert (entry.status, entry.version) == ("missed", 2)
        assert caught.value.current == entry
        assert caught.value.attempted["status"] == "partial" and caught.value.attempted["minutes_delivered"] == 20
        assert self.new_records().count() == records

    def test_a_page_that_showed_no_entry_conflicts_with_one_saved_since(self) -> None:
        self.log(TODAY, self.speech, Status.MISSED, user=self.bob, miss_reason="provider_absent")
        with pytest.raises(services.EditConflict):
            self.log(TODAY, self.speech, Status.DELIVERED, base_version=0)

    def test_a_save_from_the_current_version_goes_through(self) -> None:
        self.log(TODAY, self.speech, Status.DELIVERED)
        entry = self.log(TODAY, self.speech, Status.MISSED, miss_reason="provider_absent", base_version=1)
        assert (entry.status, entry.version) == ("missed", 2)

    def test_a_stale_save_that_agrees_with_the_current_entry_is_no_conflict(self) -> None:
        self.log(TODAY, self.speech, Status.MISSED, user=self.bob, miss_reason="provider_absent")
        entry = self.log(TODAY, self.speech, Status.MISSED, miss_reason="provider_absent", base_version=0)
        assert entry.version == 1


class ConflictApiTests(LogbookTestCase):
    def test_the_api_answers_409_with_both_versions(self) -> None:
        self.log(TODAY, self.speech, Status.DELIVERED)
        self.log(TODAY, self.speech, Status.MISSED, user=self.bob, miss_reason="provider_absent")
        self.client.force_login(self.alice)
        body = {
            "date": TODAY.isoformat(),
            "provision": self.speech.pk,
            "status": "partial",
            "minutes_delivered": 20,
            "client_id": new_id(),
            "base_version": 1,
        }
        url = reverse("api:save_entry", kwargs={"child_id": self.child.pk})
        response = self.client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 409
        data = response.json()
        assert data["current"]["status"] == "missed" and data["current"]["version"] == 2
        assert data["attempted"]["status"] == "partial" and data["attempted"]["minutes_delivered"] == 20
        assert "Someone else changed this entry" in data["errors"]["__all__"][0]
        assert LogEntry.objects.get(provision=self.speech).status == "missed"

    def test_the_api_returns_the_version_with_each_entry(self) -> None:
        self.client.force_login(self.alice)
        body = {"date": TODAY.isoformat(), "provision": self.speech.pk, "status": "delivered", "client_id": new_id()}
        url = reverse("api:save_entry", kwargs={"child_id": self.child.pk})
        assert self.client.post(url, json.dumps(body), content_type="application/json").json()["version"] == 1
