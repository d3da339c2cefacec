"""Faster catching up (issue 11): several past days from the week view, "same as yesterday",
and a multi-day absence as one range. Frozen on Thursday 5 November 2026 (tests/logbook_base.py)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from logbook.models import LogEntry, MissReason, Status
from plans.models import Absence
from tests.logbook_base import TODAY, TUESDAY, LogbookTestCase, new_id

MONDAY = date(2026, 11, 2)
WEDNESDAY = date(2026, 11, 4)


class WeekCatchUpTests(LogbookTestCase):
    def url(self) -> str:
        return reverse("logbook:catch_up", args=[self.child.pk, MONDAY])

    def test_several_past_days_at_once_each_with_its_own_entries_records_and_lag(self) -> None:
        """Given Mon-Wed unlogged, when Monday and Tuesday are ticked on Thursday, then Monday gets
        extended time, Tuesday extended time and speech (3 entries, 3 ledger records), lags 3 and 2."""
        self.client.force_login(self.bob)
        response = self.client.post(
            self.url(), {"days": [MONDAY.isoformat(), TUESDAY.isoformat()], "client_id": new_id()}
        )
        assert response.status_code == 302
        entries = LogEntry.objects.order_by("date", "provision_id")
        assert [(e.date, e.provision.label, e.status, e.recording_lag_days) for e in entries] == [
            (MONDAY, "Extended time", "delivered", 3),
            (TUESDAY, "Extended time", "delivered", 2),
            (TUESDAY, "Speech therapy", "delivered", 2),
        ]
        assert [r.event_date for r in self.new_records()] == [MONDAY, TUESDAY, TUESDAY]
        html = self.client.get(reverse("logbook:week", args=[self.child.pk, MONDAY])).content.decode()
        assert "recorded 3 days later" in html and "recorded 2 days later" in html

    def test_the_week_offers_only_past_days_not_fully_logged(self) -> None:
        self.log(MONDAY)
        self.client.force_login(self.alice)
        html = self.client.get(reverse("logbook:week", args=[self.child.pk, MONDAY])).content.decode()
        assert f'name="days" value="{TUESDAY.isoformat()}"' in html and f'value="{WEDNESDAY.isoformat()}"' in html
        assert f'value="{MONDAY.isoformat()}"' not in html and f'value="{TODAY.isoformat()}"' not in html

    def test_no_day_ticked_is_refused_with_422(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url(), {"client_id": new_id()})
        assert response.status_code == 422
        assert "Tick at least one day to mark as delivered." in response.content.decode()
        assert not LogEntry.objects.exists()

    def test_a_day_of_another_week_is_refused_not_silently_dropped(self) -> None:
        """Given Monday of this week and a day of the week before, then nothing is saved and the page says why."""
        self.client.force_login(self.alice)
        response = self.client.post(
            self.url(), {"days": [MONDAY.isoformat(), date(2026, 10, 27).isoformat()], "client_id": new_id()}
        )
        assert response.status_code == 422
        assert "Only days of this week can be marked here. Nothing was saved." in response.content.decode()
        assert not LogEntry.objects.exists()

    def test_the_same_save_sent_twice_logs_each_day_once(self) -> None:
        """Given a catch-up retried with the same save id, then each day's entries exist once."""
        self.client.force_login(self.bob)
        data = {"days": [MONDAY.isoformat(), TUESDAY.isoformat()], "client_id": new_id()}
        assert self.client.post(self.url(), data).status_code == 302
        records = len(self.new_records())
        assert self.client.post(self.url(), data).status_code == 302
        assert LogEntry.objects.count() == 3 and len(self.new_records()) == records

    def test_a_viewer_and_an_outsider_get_404_and_the_viewer_sees_read_only(self) -> None:
        for person in (self.dana, self.charlie):
            self.client.force_login(person)
            assert (
                self.client.post(self.url(), {"days": [MONDAY.isoformat()], "client_id": new_id()}).status_code == 404
            )
        self.client.force_login(self.dana)
        html = self.client.get(reverse("logbook:week", args=[self.child.pk, MONDAY])).content.decode()
        assert "Read-only." in html and 'name="days"' not in html
        assert not LogEntry.objects.exists()


class SameAsYesterdayTests(LogbookTestCase):
    def test_same_as_the_last_logged_day_copies_its_answers_but_not_notes(self) -> None:
        """Given Tuesday: extended time missed (substitute, told by the child, note), speech partly 20,
        when Thursday is logged "same as Tuesday", then Thursday has the same status, minutes, reason,
        source and who, without the note."""
        self.log(
            TUESDAY,
            self.extended_time,
            Status.MISSED,
            miss_reason=MissReason.SUBSTITUTE,
            source="child_said",
            reported_by="Maya",
            note="Sub all day",
        )
        self.log(TUESDAY, self.speech, Status.PARTIAL, minutes_delivered=20, miss_reason="scheduling")
        self.client.force_login(self.alice)
        html = self.client.get(reverse("logbook:today", args=[self.child.pk])).content.decode()
        assert "Same as Tuesday" in html
        response = self.client.post(
            reverse("logbook:same_as", args=[self.child.pk, TODAY]),
            {"source_day": TUESDAY.isoformat(), "client_id": new_id()},
        )
        assert response.status_code == 302
        copied = {e.provision.label: e for e in LogEntry.objects.filter(date=TODAY)}
        et, speech = copied["Extended time"], copied["Speech therapy"]
        assert (et.status, et.miss_reason, et.source, et.reported_by, et.note) == (
            "missed",
            "substitute",
            "child_said",
            "Maya",
            "",
        )
        assert (speech.status, speech.minutes_delivered, speech.miss_reason) == ("partial", 20, "scheduling")
        assert self.new_records().filter(event_date=TODAY).count() == 2

    def test_nothing_to_copy_is_refused_with_422(self) -> None:
        self.log(TODAY)
        self.log(TODAY, self.speech)
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("logbook:same_as", args=[self.child.pk, TODAY]),
            {"source_day": TUESDAY.isoformat(), "client_id": new_id()},
        )
        assert response.status_code == 422


class AbsenceRangeTests(LogbookTestCase):
    def test_a_multi_day_absence_is_one_range_of_school_days(self) -> None:
        """Given Wed 25 Nov - Fri 27 Nov is Thanksgiving break, when Mon 23 to Sun 29 Nov is entered,
        then Mon 23 and Tue 24 are marked absent (2 records), the break and the weekend are not."""
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("plans:absences", args=[self.child.pk]),
            {"date": "2026-11-23", "until": "2026-11-29", "reason": "flu"},
        )
        assert response.status_code == 302
        assert list(Absence.objects.values_list("date", "reason")) == [
            (date(2026, 11, 24), "flu"),
            (date(2026, 11, 23), "flu"),
        ]
        assert self.new_records().filter(kind="absence.created").count() == 2

    def test_a_range_without_a_school_day_is_refused(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(
            reverse("plans:absences", args=[self.child.pk]), {"date": "2026-11-25", "until": "2026-11-29", "reason": ""}
        )
        assert response.status_code == 422
        assert "There is no school day in these dates" in response.content.decode()
        assert not Absence.objects.exists()
