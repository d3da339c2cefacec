"""The daily log's write services: idempotency, edits with reasons, retraction, validation, ledger."""

from __future__ import annotations

import json
from datetime import date, timedelta
from unittest import mock

import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from evidence.models import EvidenceRecord
from evidence.verify import verify_child
from logbook import services
from logbook.days import LogWindow, lag_text
from logbook.models import DayNote, LogEntry, MissReason, Source, Status
from logbook.payloads import current_day_notes, current_entries, entry_payload
from plans.models import Absence, Child, Iep, Provision
from tests.logbook_base import NOW, TODAY, TUESDAY, LogbookTestCase, new_id

WEDNESDAY = date(2026, 11, 4)


def latest_payload(entry: LogEntry) -> dict:
    record = EvidenceRecord.objects.filter(object_type="log_entry", object_id=str(entry.pk)).order_by("-seq").first()
    assert record is not None
    return json.loads(record.payload)


class ExpectedProvisionsTests(LogbookTestCase):
    def test_a_thursday_expects_every_day_items_and_the_thursday_service(self) -> None:
        assert services.expected_provisions(self.child, TODAY) == [self.extended_time, self.speech]

    def test_a_wednesday_expects_only_the_every_day_items(self) -> None:
        assert services.expected_provisions(self.child, WEDNESDAY) == [self.extended_time]

    def test_a_weekend_asks_nothing_and_says_why(self) -> None:
        plan = services.day_plan(self.child, date(2026, 11, 7))
        assert plan.provisions == []
        assert not plan.is_school_day
        assert plan.why_nothing == "No school: Saturday."

    def test_a_break_asks_nothing_and_names_the_break(self) -> None:
        plan = services.day_plan(self.child, date(2026, 11, 26))
        assert plan.asks_nothing
        assert plan.why_nothing == "No school: Thanksgiving break."

    def test_an_absence_asks_nothing_and_gives_its_reason(self) -> None:
        Absence.objects.create(child=self.child, date=TUESDAY, reason="sick")
        assert services.expected_provisions(self.child, TUESDAY) == []
        plan = services.day_plan(self.child, TUESDAY)
        assert plan.is_school_day and plan.is_absent
        assert plan.absence_reason == "sick"
        assert plan.why_nothing == "Absent: sick."

    def test_a_school_day_before_the_iep_asks_nothing(self) -> None:
        plan = services.day_plan(self.child, date(2026, 8, 27))
        assert plan.asks_nothing
        assert plan.why_nothing == "No IEP was in force on this day, so there is nothing to log."

    def test_an_amended_iep_takes_over_from_its_start(self) -> None:
        self.iep.effective_to = date(2026, 11, 3)
        self.iep.status = Iep.Status.SUPERSEDED
        self.iep.save()
        amended = Iep.objects.create(child=self.child, effective_from=date(2026, 11, 4), amends=self.iep)
        notes = Provision.objects.create(
            iep=amended, kind=Provision.Kind.ACCOMMODATION, label="Copy of notes", wording="Copy of class notes."
        )
        assert services.expected_provisions(self.child, TUESDAY) == [self.extended_time, self.speech]
        assert services.expected_provisions(self.child, TODAY) == [notes]
        window = LogWindow(self.child, TUESDAY, TODAY)
        assert window.expected(TUESDAY) == [self.extended_time, self.speech]
        assert window.expected(TODAY) == [notes]


class RecordEntryTests(LogbookTestCase):
    def test_it_creates_an_entry_and_appends_a_created_record_with_the_full_payload(self) -> None:
        entry = self.log(TODAY, self.speech, Status.DELIVERED, source=Source.TEACHER_SAID, reported_by="Ms. Lee")
        assert entry.minutes_delivered == 30  # the usual session length
        assert entry.recording_lag_days == 0
        [record] = self.new_records()
        assert record.kind == "log_entry.created"
        assert (record.object_type, record.object_id, record.event_date) == ("log_entry", str(entry.pk), TODAY)
        assert record.recorded_by == self.alice
        assert json.loads(record.payload) == {
            "id": entry.pk,
            "child": self.child.pk,
            "date": "2026-11-05",
            "provision": self.speech.pk,
            "is_makeup": False,
            "status": "delivered",
            "minutes_delivered": 30,
            "miss_reason": "",
            "source": "teacher_said",
            "reported_by": "Ms. Lee",
            "note": "",
            "recording_lag_days": 0,
            "edit_reason": "",
            "retracted_at": None,
            "retraction_reason": "",
        }

    def test_a_missed_service_has_zero_minutes(self) -> None:
        entry = self.log(TODAY, self.speech, Status.MISSED, miss_reason=MissReason.PROVIDER_ABSENT)
        assert entry.minutes_delivered == 0
        assert entry.is_school_caused_miss

    def test_an_accommodation_has_no_minutes(self) -> None:
        assert self.log(TODAY).minutes_delivered is None

    def test_a_retry_with_the_same_client_id_returns_the_entry_without_a_new_record(self) -> None:
        client_id = new_id()
        first = self.log(TODAY, status=Status.MISSED, client_id=client_id)
        again = self.log(TODAY, status=Status.MISSED, client_id=client_id)
        assert again.pk == first.pk
        assert LogEntry.objects.count() == 1
        assert self.new_records().count() == 1

    def test_a_late_retry_of_an_earlier_save_does_not_undo_a_newer_change(self) -> None:
        """Given a save whose answer was lost, and a newer change, when the old save is retried,
        then the newer change stands."""
        old_id = new_id()
        self.log(TODAY, status=Status.DELIVERED, client_id=old_id)
        self.log(TODAY, status=Status.MISSED, miss_reason=MissReason.SUBSTITUTE)
        retried = self.log(TODAY, status=Status.DELIVERED, client_id=old_id)
        assert retried.status == Status.MISSED
        assert self.new_records().count() == 2

    def test_saving_the_same_content_again_appends_nothing(self) -> None:
        self.log(TODAY, status=Status.DELIVERED)
        self.log(TODAY, status=Status.DELIVERED)
        assert self.new_records().count() == 1

    def test_a_change_on_the_same_day_needs_no_reason(self) -> None:
        entry = self.log(TODAY, status=Status.DELIVERED)
        edited = self.log(TODAY, status=Status.MISSED, miss_reason=MissReason.SUBSTITUTE, user=self.bob)
        assert edited.pk == entry.pk
        assert [r.kind for r in self.new_records()] == ["log_entry.created", "log_entry.edited"]
        assert self.new_records()[1].recorded_by == self.bob
        assert latest_payload(entry)["status"] == "missed"

    def test_changing_a_past_day_without_a_reason_is_refused_and_changes_nothing(self) -> None:
        entry = self.log_on_tuesday_evening(status=Status.DELIVERED)
        with self.assertRaises(ValidationError) as caught:
            self.log(TUESDAY, status=Status.MISSED)
        assert caught.exception.message_dict == {
            "edit_reason": ["This day is in the past, so a change needs a short reason. It is kept with the record."]
        }
        entry.refresh_from_db()
        assert entry.status == Status.DELIVERED
        assert self.new_records().count() == 1

    def test_changing_a_past_day_keeps_the_reason_in_the_ledger(self) -> None:
        entry = self.log_on_tuesday_evening(status=Status.DELIVERED)
        self.log(TUESDAY, status=Status.MISSED, edit_reason="The teacher told me today it did not happen")
        assert latest_payload(entry)["edit_reason"] == "The teacher told me today it did not happen"
        assert latest_payload(entry)["status"] == "missed"

    def test_catching_up_on_a_past_day_may_be_corrected_in_the_same_sitting(self) -> None:
        """Given Tuesday logged today (catching up), when it is changed today, then no reason is asked;
        tomorrow a change needs one."""
        entry = self.log(TUESDAY, status=Status.MISSED)
        self.log(TUESDAY, status=Status.MISSED, miss_reason=MissReason.SUBSTITUTE, source=Source.CHILD_SAID)
        assert latest_payload(entry)["miss_reason"] == "substitute"
        assert not services.needs_edit_reason(entry, TODAY)
        assert services.needs_edit_reason(entry, TODAY + timedelta(days=1))

    def test_recording_lag_counts_days_from_the_school_day_to_the_first_recording(self) -> None:
        entry = self.log(date(2026, 11, 2))
        assert entry.recording_lag_days == 3
        assert latest_payload(entry)["recording_lag_days"] == 3
        assert lag_text(entry.recording_lag_days) == "recorded 3 days later"
        edited = self.log(date(2026, 11, 2), status=Status.UNKNOWN, edit_reason="not sure after all")
        assert edited.recording_lag_days == 3  # the first recording counts

    def test_recording_lag_uses_the_local_date_not_utc(self) -> None:
        """Given 9:30 pm in New York (already the next day in UTC), the lag is still 0."""
        with time_machine.travel(NOW.replace(hour=21, minute=30), tick=False):
            entry = self.log(TODAY)
        assert entry.recording_lag_days == 0

    def test_a_makeup_session_is_a_separate_entry_beside_the_regular_one(self) -> None:
        regular = self.log(TODAY, self.speech, Status.MISSED, miss_reason=MissReason.CANCELLED_BY_SCHOOL)
        makeup = self.log(TODAY, self.speech, Status.DELIVERED, is_makeup=True, minutes_delivered=25)
        assert regular.pk != makeup.pk
        assert makeup.is_makeup and makeup.minutes_delivered == 25
        assert latest_payload(makeup)["is_makeup"] is True

    def test_a_makeup_session_may_be_on_a_day_without_a_regular_session(self) -> None:
        entry = self.log(WEDNESDAY, self.speech, Status.DELIVERED, is_makeup=True)
        assert entry.minutes_delivered == 30


class ValidationTests(LogbookTestCase):
    def assert_refused(self, expected: dict[str, list[str]], day: date, provision: Provision, **kwargs: object) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.log(day, provision, **kwargs)  # type: ignore[arg-type]
        assert caught.exception.message_dict == expected
        assert LogEntry.objects.count() == 0
        assert self.new_records().count() == 0

    def test_minutes_are_only_for_services(self) -> None:
        self.assert_refused(
            {"minutes_delivered": ["Only services have minutes. “Extended time” is not a service."]},
            TODAY,
            self.extended_time,
            minutes_delivered=10,
        )

    def test_a_reason_is_only_for_a_miss_or_partial(self) -> None:
        self.assert_refused(
            {"miss_reason": ["A reason is only for something missed or partly delivered."]},
            TODAY,
            self.extended_time,
            status=Status.DELIVERED,
            miss_reason=MissReason.SUBSTITUTE,
        )

    def test_a_future_day_is_refused(self) -> None:
        self.assert_refused(
            {"day": ["This day has not happened yet. You can log it on the day or later."]},
            TODAY + timedelta(days=1),
            self.extended_time,
        )

    def test_a_day_outside_the_iep_is_refused(self) -> None:
        self.assert_refused(
            {"day": ["This IEP was not in force on August 31, 2026. It is in force from September 1, 2026."]},
            date(2026, 8, 31),
            self.extended_time,
        )

    def test_a_missed_session_with_minutes_is_refused(self) -> None:
        self.assert_refused(
            {
                "minutes_delivered": [
                    "A missed session has no minutes delivered. If part of it happened, choose Partly."
                ]
            },
            TODAY,
            self.speech,
            status=Status.MISSED,
            minutes_delivered=20,
        )

    def test_minutes_out_of_range_are_refused(self) -> None:
        self.assert_refused(
            {"minutes_delivered": ["Minutes must be between 0 and 600."]},
            TODAY,
            self.speech,
            minutes_delivered=900,
        )

    def test_an_unknown_status_is_refused(self) -> None:
        self.assert_refused(
            {"status": ["Choose delivered, partly, missed, not applicable or don't know."]},
            TODAY,
            self.extended_time,
            status="great",
        )

    def test_a_makeup_is_only_for_services(self) -> None:
        self.assert_refused(
            {"is_makeup": ["Only services have make-up sessions. “Extended time” is not a service."]},
            TODAY,
            self.extended_time,
            is_makeup=True,
        )

    def test_another_childs_provision_is_refused(self) -> None:
        other = Child.objects.create(household=self.household, name="Leo")
        iep = Iep.objects.create(child=other, effective_from=date(2026, 9, 1))
        theirs = Provision.objects.create(iep=iep, kind=Provision.Kind.ACCOMMODATION, label="Breaks", wording="Breaks.")
        self.assert_refused({"provision": ["This item is not part of this child's IEP."]}, TODAY, theirs)

    def test_every_problem_is_reported_at_once(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.log(TODAY, self.extended_time, status=Status.NOT_APPLICABLE, minutes_delivered=5, miss_reason="x")
        assert set(caught.exception.message_dict) == {"minutes_delivered", "miss_reason"}

    def test_a_malformed_client_id_is_refused(self) -> None:
        self.assert_refused(
            {"client_id": ["This save had a malformed id. Please reload the page."]},
            TODAY,
            self.extended_time,
            client_id="not-a-uuid",
        )


class RetractionTests(LogbookTestCase):
    def test_a_withdrawn_entry_is_kept_but_no_longer_counted(self) -> None:
        entry = self.log(TODAY, status=Status.MISSED)
        services.retract_entry(entry, self.bob, "Logged the wrong child")
        assert entry.is_retracted
        assert LogEntry.objects.filter(pk=entry.pk).exists()
        assert list(LogEntry.objects.counted()) == []
        status = LogWindow(self.child, TODAY, TODAY).status(TODAY, TODAY)
        assert (status.state, status.logged, status.missed) == ("not_logged", 0, 0)
        record = list(self.new_records())[-1]
        assert record.kind == "log_entry.retracted"
        assert record.recorded_by == self.bob
        payload = json.loads(record.payload)
        assert payload["retraction_reason"] == "Logged the wrong child"
        assert payload["retracted_at"] is not None

    def test_withdrawing_needs_a_reason(self) -> None:
        entry = self.log(TODAY)
        with self.assertRaises(ValidationError) as caught:
            services.retract_entry(entry, self.alice, "  ")
        assert caught.exception.message_dict == {
            "reason": ["Say briefly why this entry should be withdrawn. The reason is kept with the record."]
        }
        assert not LogEntry.objects.get(pk=entry.pk).is_retracted

    def test_withdrawing_twice_is_refused(self) -> None:
        entry = self.log(TODAY)
        services.retract_entry(entry, self.alice, "mistake")
        with self.assertRaises(ValidationError):
            services.retract_entry(entry, self.alice, "again")
        assert self.new_records().filter(kind="log_entry.retracted").count() == 1

    def test_logging_a_withdrawn_slot_again_brings_it_back_as_an_edit(self) -> None:
        entry = self.log(TODAY, status=Status.MISSED)
        services.retract_entry(entry, self.alice, "mistake")
        back = self.log(TODAY, status=Status.MISSED)
        assert back.pk == entry.pk
        assert not back.is_retracted and back.retraction_reason == ""
        assert [r.kind for r in self.new_records()] == ["log_entry.created", "log_entry.retracted", "log_entry.edited"]
        assert latest_payload(entry)["retracted_at"] is None


class AllDeliveredTests(LogbookTestCase):
    def test_one_tap_logs_every_expected_item_as_delivered(self) -> None:
        created = services.record_day_all_delivered(self.child, TODAY, self.alice, new_id())
        assert [(e.provision, e.status, e.minutes_delivered) for e in created] == [
            (self.extended_time, Status.DELIVERED, None),
            (self.speech, Status.DELIVERED, 30),
        ]
        assert [r.kind for r in self.new_records()] == ["log_entry.created", "log_entry.created"]
        assert [json.loads(r.payload) for r in self.new_records()] == [entry_payload(e) for e in created]

    def test_entries_already_logged_stay_as_they_are(self) -> None:
        missed = self.log(TODAY, self.speech, Status.MISSED, miss_reason=MissReason.PROVIDER_ABSENT)
        created = services.record_day_all_delivered(self.child, TODAY, self.alice, new_id())
        assert [e.provision for e in created] == [self.extended_time]
        missed.refresh_from_db()
        assert missed.status == Status.MISSED

    def test_a_retry_creates_nothing_more(self) -> None:
        client_id = new_id()
        first = services.record_day_all_delivered(self.child, TODAY, self.alice, client_id)
        again = services.record_day_all_delivered(self.child, TODAY, self.alice, client_id)
        assert sorted(e.pk for e in again) == sorted(e.pk for e in first)
        assert LogEntry.objects.count() == 2
        assert self.new_records().count() == 2

    def test_a_past_day_records_its_lag(self) -> None:
        created = services.record_day_all_delivered(self.child, WEDNESDAY, self.alice, new_id())
        assert [e.recording_lag_days for e in created] == [1]

    def test_a_day_without_school_is_refused_with_the_reason(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.record_day_all_delivered(self.child, date(2026, 10, 31), self.alice, new_id())
        assert caught.exception.messages == ["No school: Saturday. Nothing was saved."]
        assert LogEntry.objects.count() == 0

    def test_a_future_day_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            services.record_day_all_delivered(self.child, TODAY + timedelta(days=1), self.alice, new_id())
        assert LogEntry.objects.count() == 0


class NewEntriesTests(LogbookTestCase):
    def test_a_batch_of_new_entries_is_saved_with_one_record_each(self) -> None:
        items = [
            services.NewEntry(self.extended_time, Status.MISSED, miss_reason=MissReason.SUBSTITUTE),
            services.NewEntry(self.speech),
            services.NewEntry(self.speech, is_makeup=True, minutes_delivered=20),
        ]
        client_id = new_id()
        created = services.record_new_entries(self.child, TODAY, items, user=self.alice, client_id=client_id)
        assert [(e.provision, e.status, e.minutes_delivered, e.is_makeup) for e in created] == [
            (self.extended_time, Status.MISSED, None, False),
            (self.speech, Status.DELIVERED, 30, False),
            (self.speech, Status.DELIVERED, 20, True),
        ]
        assert [json.loads(r.payload) for r in self.new_records()] == [entry_payload(e) for e in created]
        again = services.record_new_entries(self.child, TODAY, items, user=self.alice, client_id=client_id)
        assert sorted(e.pk for e in again) == sorted(e.pk for e in created)
        assert self.new_records().count() == 3

    def test_a_batch_touching_a_logged_slot_or_breaking_a_rule_saves_nothing(self) -> None:
        self.log(TODAY)
        with self.assertRaises(ValidationError) as caught:
            services.record_new_entries(
                self.child,
                TODAY,
                [services.NewEntry(self.speech), services.NewEntry(self.extended_time)],
                user=self.alice,
                client_id=new_id(),
            )
        assert caught.exception.messages == ["Some of these items are already logged for this day."]
        with self.assertRaises(ValidationError):
            services.record_new_entries(
                self.child,
                TODAY,
                [services.NewEntry(self.extended_time, minutes_delivered=5)],
                user=self.alice,
                client_id=new_id(),
            )
        assert LogEntry.objects.count() == 1 and self.new_records().count() == 1


class DayNoteTests(LogbookTestCase):
    def test_a_day_note_keeps_tags_and_note_and_is_recorded(self) -> None:
        note = services.save_day_note(
            self.child,
            TODAY,
            tags=["Substitute", " field  trip ", "substitute"],
            note="Sub all day",
            user=self.alice,
            client_id=new_id(),
        )
        assert note is not None
        assert note.tags == ["substitute", "field trip"]
        [record] = self.new_records()
        assert record.kind == "day_note.created"
        assert json.loads(record.payload) == {
            "id": note.pk,
            "child": self.child.pk,
            "date": "2026-11-05",
            "tags": ["substitute", "field trip"],
            "note": "Sub all day",
        }

    def test_changing_a_day_note_appends_an_edit_and_the_same_content_appends_nothing(self) -> None:
        services.save_day_note(self.child, TODAY, tags=["test day"], note="", user=self.alice, client_id=new_id())
        services.save_day_note(self.child, TODAY, tags=["test day"], note="", user=self.alice, client_id=new_id())
        services.save_day_note(self.child, TODAY, tags=[], note="MAP test", user=self.bob, client_id=new_id())
        assert [r.kind for r in self.new_records()] == ["day_note.created", "day_note.edited"]
        assert DayNote.objects.get().note == "MAP test"

    def test_an_empty_note_on_a_day_without_one_saves_nothing(self) -> None:
        assert services.save_day_note(self.child, TODAY, tags=[], note=" ", user=self.alice, client_id=new_id()) is None
        assert DayNote.objects.count() == 0 and self.new_records().count() == 0

    def test_the_family_keeps_its_own_tags_for_every_child(self) -> None:
        sibling = Child.objects.create(household=self.household, name="Leo")
        services.save_day_note(
            sibling, TODAY, tags=["aide absent", "Substitute"], note="", user=self.alice, client_id=new_id()
        )
        assert services.family_tags(self.child) == [
            "substitute",
            "test day",
            "field trip",
            "early release",
            "aide absent",
        ]

    def test_too_many_tags_are_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            services.save_day_note(
                self.child, TODAY, tags=[f"t{n}" for n in range(13)], note="", user=self.alice, client_id=new_id()
            )
        assert caught.exception.message_dict == {"tags": ["Please use at most 12 tags for a day."]}


class HistoryTests(LogbookTestCase):
    def test_the_history_lists_every_version_newest_first_with_who_what_and_why(self) -> None:
        entry = self.log_on_tuesday_evening(provision=self.speech, status=Status.DELIVERED)
        self.log(
            TUESDAY,
            self.speech,
            Status.PARTIAL,
            minutes_delivered=15,
            miss_reason=MissReason.SCHEDULING,
            edit_reason="Ms. Lee said it was cut short",
            user=self.bob,
        )
        services.retract_entry(entry, self.alice, "Wrong day")
        history = services.entry_history(entry)
        assert [item.action for item in history] == ["Withdrawn", "Changed", "Recorded"]
        assert [item.who for item in history] == ["Alice Rivera", "Bob Rivera", "Alice Rivera"]
        assert history[2].when < history[1].when
        assert history[0].reason == "Wrong day"
        assert history[1].reason == "Ms. Lee said it was cut short"
        assert [(c.field, c.before, c.after) for c in history[1].changes] == [
            ("Status", "Delivered", "Partly"),
            ("Minutes", "30", "15"),
            ("Reason", "—", "Scheduling conflict"),
        ]
        assert history[2].changes == [] and history[2].reason == ""

    def test_the_history_words_are_in_the_language_of_the_page(self) -> None:
        """Field names, actions and choice words are looked up when the history is made, as plain text."""
        entry = self.log_on_tuesday_evening(provision=self.speech, status=Status.DELIVERED)
        self.log(TUESDAY, self.speech, Status.MISSED, edit_reason="corrected", user=self.bob)
        spanish = {
            "Changed": "Cambiado",
            "Status": "Estado",
            "Delivered": "Se dio",
            "Missed": "No se dio",
            "Minutes": "Minutos",
        }

        def catalog(text: str) -> str:
            return spanish.get(text, text) if translation.get_language() == "es" else text

        with mock.patch.object(translation._trans, "gettext", catalog), translation.override("es"):  # type: ignore[attr-defined]
            changed = services.entry_history(entry)[0]
        assert (changed.action, [(c.field, c.before, c.after) for c in changed.changes]) == (
            "Cambiado",
            [("Estado", "Se dio", "No se dio"), ("Minutos", "30", "0")],
        )
        assert type(changed.action) is str and type(changed.changes[0].field) is str


class CurrentStateTests(LogbookTestCase):
    def test_the_current_tables_match_the_latest_ledger_payloads(self) -> None:
        entry = self.log(TUESDAY, self.speech, Status.DELIVERED)
        self.log(TUESDAY, self.speech, Status.MISSED, edit_reason="corrected")
        services.retract_entry(self.log(TODAY), self.alice, "mistake")
        services.record_day_all_delivered(self.child, WEDNESDAY, self.alice, new_id())
        services.save_day_note(self.child, TODAY, tags=["substitute"], note="", user=self.alice, client_id=new_id())
        latest: dict[tuple[str, str], dict] = {}
        for record in self.new_records():
            latest[(record.object_type, record.object_id)] = json.loads(record.payload)
        current = {("log_entry", k): v for k, v in current_entries(self.child.pk).items()}
        current |= {("day_note", k): v for k, v in current_day_notes(self.child.pk).items()}
        assert current == latest
        assert latest[("log_entry", str(entry.pk))]["status"] == "missed"

    def test_the_ledger_verification_checks_log_entries_and_day_notes(self) -> None:
        entry = self.log(TODAY, status=Status.MISSED)
        services.save_day_note(self.child, TODAY, tags=["substitute"], note="", user=self.alice, client_id=new_id())
        report = verify_child(self.child.pk)
        assert report.ok and {"log_entry", "day_note"} <= set(report.checked_types)
        LogEntry.objects.filter(pk=entry.pk).update(status=Status.DELIVERED)  # changed behind the ledger's back
        problem = verify_child(self.child.pk).problem
        assert problem is not None and problem.object_type == "log_entry" and problem.object_id == str(entry.pk)
