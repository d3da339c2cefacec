"""Deadline events: recorded through the ledger, edits keep history, verification covers them."""

from __future__ import annotations

import json
from datetime import date

from deadlines.models import DeadlineEvent
from deadlines.services import DeadlineEventError, edit_event, record_event, retract_event, set_disability
from evidence.verify import verify_child
from tests.base import BaseTestCase


class DeadlineEventServiceTests(BaseTestCase):
    def test_recording_an_event_appends_its_ledger_record(self) -> None:
        event = record_event(self.child, "records_request", date(2026, 10, 1), self.alice)
        (record,) = self.new_records()
        assert record.kind == "deadline_event.created"
        assert record.object_type == "deadline_event" and record.object_id == str(event.pk)
        payload = json.loads(record.payload)
        assert payload["kind"] == "records_request" and payload["date"] == "2026-10-01"
        assert payload["source"] == "entered by a parent"
        assert verify_child(self.child.pk).ok

    def test_an_edit_keeps_the_old_version_in_the_ledger(self) -> None:
        event = record_event(self.child, "records_request", date(2026, 10, 1), self.alice)
        edit_event(event, kind="records_request", day=date(2026, 10, 2), note="sent by email", user=self.bob)
        first, second = self.new_records()
        assert json.loads(first.payload)["date"] == "2026-10-01"
        assert json.loads(second.payload)["date"] == "2026-10-02" and second.kind == "deadline_event.edited"
        assert verify_child(self.child.pk).ok

    def test_a_retracted_event_stays_with_its_reason(self) -> None:
        event = record_event(self.child, "violation", date(2026, 10, 1), self.alice)
        retract_event(event, reason="wrong child", user=self.alice)
        event.refresh_from_db()
        assert event.is_retracted and event.retraction_reason == "wrong child"
        assert [r.kind for r in self.new_records()] == ["deadline_event.created", "deadline_event.retracted"]
        assert verify_child(self.child.pk).ok
        with self.assertRaises(DeadlineEventError):
            edit_event(event, kind="violation", day=date(2026, 10, 3), note="", user=self.alice)

    def test_a_change_without_a_record_fails_verification(self) -> None:
        event = record_event(self.child, "violation", date(2026, 10, 1), self.alice)
        DeadlineEvent.objects.filter(pk=event.pk).update(date=date(2026, 9, 1))
        report = verify_child(self.child.pk)
        assert not report.ok and report.problem is not None and report.problem.object_type == "deadline_event"

    def test_the_same_letter_recorded_twice_gives_one_event(self) -> None:
        first = record_event(
            self.child,
            "records_request",
            date(2026, 10, 1),
            self.alice,
            source="letter sent",
            source_type="letter",
            source_id=7,
        )
        again = record_event(
            self.child,
            "records_request",
            date(2026, 10, 1),
            self.alice,
            source="letter sent",
            source_type="letter",
            source_id=7,
        )
        assert first.pk == again.pk and DeadlineEvent.objects.count() == 1 and self.new_records().count() == 1

    def test_an_unknown_kind_is_refused(self) -> None:
        with self.assertRaises(DeadlineEventError):
            record_event(self.child, "birthday", date(2026, 10, 1), self.alice)
        assert DeadlineEvent.objects.count() == 0

    def test_the_disability_setting_is_recorded(self) -> None:
        set_disability(self.child, "intellectual_disability", self.alice)
        set_disability(self.child, "intellectual_disability", self.alice)  # unchanged: no second record
        assert [r.kind for r in self.new_records()] == ["deadline_settings.created"]
        assert verify_child(self.child.pk).ok
