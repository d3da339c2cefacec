"""The daily log pages without JavaScript: who may see and save, what the HTML says, 422 on bad input."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine
from django.template import Context, Template
from django.urls import reverse

from accounts.models import AccessLog
from logbook import services
from logbook.models import DayNote, LogEntry, MissReason, Source, Status
from plans.models import Absence
from tests.logbook_base import NOW, TODAY, TUESDAY, LogbookTestCase, new_id

WEDNESDAY = date(2026, 11, 4)
SATURDAY = date(2026, 10, 31)


class PageTestCase(LogbookTestCase):
    def today_url(self) -> str:
        return reverse("logbook:today", args=[self.child.pk])

    def day_url(self, day: date) -> str:
        return reverse("logbook:day", args=[self.child.pk, day])

    def entry_post(self, day: date = TODAY, **data: object) -> dict[str, object]:
        values: dict[str, object] = {"provision": self.extended_time.pk, "is_makeup": "0", "client_id": new_id()}
        values.update(data)
        return values

    def save(self, day: date = TODAY, **data: object):  # type: ignore[no-untyped-def]
        return self.client.post(reverse("logbook:save_entry", args=[self.child.pk, day]), self.entry_post(day, **data))


class AccessTests(PageTestCase):
    def urls(self, entry: LogEntry) -> list[str]:
        c = self.child.pk
        return [
            reverse("logbook:today", args=[c]),
            reverse("logbook:day", args=[c, TODAY]),
            reverse("logbook:week", args=[c, TODAY]),
            reverse("logbook:month", args=[c, TODAY]),
            reverse("logbook:entry_history", args=[c, entry.pk]),
            reverse("logbook:save_entry", args=[c, TODAY]),
            reverse("logbook:all_delivered", args=[c, TODAY]),
            reverse("logbook:save_day_note", args=[c, TODAY]),
            reverse("logbook:retract_entry", args=[c, entry.pk]),
        ]

    def test_an_outsider_gets_404_everywhere_on_get_and_post(self) -> None:
        entry = self.log(TODAY)
        self.client.force_login(self.charlie)
        for url in self.urls(entry):
            assert self.client.get(url).status_code == 404, url
            assert (
                self.client.post(url, {"client_id": new_id(), "status": "missed", "reason": "x"}).status_code == 404
            ), url
        assert self.new_records().count() == 1

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        entry = self.log(TODAY)
        for url in self.urls(entry):
            response = self.client.get(url)
            assert response.status_code == 302 and "/account/login/" in response["Location"], url

    def test_a_viewer_sees_the_day_without_any_form(self) -> None:
        self.log(TODAY, status=Status.MISSED, miss_reason=MissReason.SUBSTITUTE)
        self.client.force_login(self.dana)
        html = self.client.get(self.today_url()).content.decode()
        assert "Extended time" in html and "Missed · Substitute did not know or did not follow the IEP" in html
        assert "Everything delivered" not in html
        # The only form a viewer gets is the header's sign-out form: nothing that saves to the log.
        assert 'name="status"' not in html and "/day/" + TODAY.isoformat() + "/entry/" not in html
        assert html.count("csrfmiddlewaretoken") == html.count('action="/account/logout/"') == 1
        assert "js/logbook.js" not in html

    def test_a_viewer_cannot_save_anything(self) -> None:
        entry = self.log(TODAY)
        self.client.force_login(self.dana)
        c = self.child.pk
        assert self.save(status=Status.MISSED).status_code == 404
        assert (
            self.client.post(reverse("logbook:all_delivered", args=[c, TODAY]), {"client_id": new_id()}).status_code
            == 404
        )
        assert (
            self.client.post(
                reverse("logbook:save_day_note", args=[c, TODAY]), {"client_id": new_id(), "note": "x"}
            ).status_code
            == 404
        )
        assert (
            self.client.post(reverse("logbook:retract_entry", args=[c, entry.pk]), {"reason": "x"}).status_code == 404
        )
        assert self.new_records().count() == 1
        assert LogEntry.objects.get().status == Status.DELIVERED

    def test_each_view_of_the_log_is_noted_in_the_access_log(self) -> None:
        """Given an advocate (viewer) who opens the day, week and month, then the owner can see each view.

        Each page is opened 11 minutes after the one before: views within 10 minutes share one row
        (tests/test_access_log.py)."""
        entry = self.log(TODAY)
        self.client.force_login(self.dana)
        c = self.child.pk
        for n, url in enumerate(
            [
                self.day_url(TODAY),
                reverse("logbook:week", args=[c, TODAY]),
                reverse("logbook:month", args=[c, TODAY]),
                reverse("logbook:entry_history", args=[c, entry.pk]),
            ]
        ):
            with time_machine.travel(NOW + timedelta(minutes=11 * n), tick=False):
                assert self.client.get(url).status_code == 200
        views = list(AccessLog.objects.filter(user=self.dana, child_id=c).values_list("action", "path"))
        assert [action for action, _ in views] == ["view"] * 4
        assert {path for _, path in views} >= {self.day_url(TODAY), reverse("logbook:month", args=[c, TODAY])}

    def test_the_editor_can_save(self) -> None:
        self.client.force_login(self.bob)
        assert self.save(status=Status.DELIVERED).status_code == 302
        assert self.new_records().get().recorded_by == self.bob


class TodayPageTests(PageTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_today_lists_each_expected_item_with_its_wording_and_the_buttons(self) -> None:
        response = self.client.get(self.today_url())
        html = response.content.decode()
        assert response.status_code == 200
        assert "Today, Thursday, November 5" in html
        assert "<summary>IEP wording</summary>" in html
        assert "Extended time (1.5x) on tests and quizzes." in html
        assert "Speech therapy" in html and "Usual session: 30 minutes." in html
        assert html.count('class="entry-form"') == 2
        for label in ["Delivered", "Partly", "Missed", "Not applicable", "Don&#x27;t know"]:
            assert f">{label}</button>" in html
        assert "Everything delivered" in html
        assert "Marks the 2 items not yet logged as delivered." in html
        assert "Caused by the school" in html and "Other reasons" in html
        assert "How do you know?" in html and "My child told me" in html
        # Issue 11: the minutes field is never pre-filled with the full session ("Partly" must ask).
        assert 'name="minutes_delivered" min="0" max="600" inputmode="numeric" value=""' in html
        assert "Add a make-up session" in html
        assert 'src="/static/js/logbook.js"' in html

    def test_the_last_14_days_are_one_tap_away_with_their_state_in_words(self) -> None:
        self.log(TUESDAY, status=Status.MISSED)
        html = self.client.get(self.today_url()).content.decode()
        assert html.count('class="chip state-') == 14
        assert reverse("logbook:day", args=[self.child.pk, date(2026, 10, 23)]) in html
        assert "Tuesday, November 3: Some missed" in html
        assert "Saturday, October 31: No school" in html
        assert "Wednesday, November 4: Not logged yet" in html

    def test_the_reminder_lists_unlogged_school_days_of_the_last_two_weeks(self) -> None:
        services.record_day_all_delivered(self.child, TUESDAY, self.alice, new_id())
        html = self.client.get(self.today_url()).content.decode()
        # Oct 22 - Nov 4: ten school days since the IEP began on Sep 1, Tuesday now logged.
        assert "9 school days in the last two weeks are not fully logged" in html
        reminder = html[html.index('class="reminder"') : html.index("</aside>")]
        assert "Wednesday, November 4: Not logged yet: 1 of 1 not logged" in reminder
        assert "Tuesday, November 3" not in reminder

    def test_the_reminder_tag_shows_on_any_child_page(self) -> None:
        html = Template("{% load logbook_tags %}{% logging_reminder child %}").render(Context({"child": self.child}))
        assert "10 school days in the last two weeks are not fully logged" in html

    def test_a_day_without_school_says_so_and_asks_nothing(self) -> None:
        html = self.client.get(self.day_url(SATURDAY)).content.decode()
        assert "No school: Saturday." in html and "There is nothing to log for this day." in html
        assert "Everything delivered" not in html and 'name="status"' not in html

    def test_an_absence_says_so_and_asks_nothing(self) -> None:
        Absence.objects.create(child=self.child, date=TUESDAY, reason="sick")
        html = self.client.get(self.day_url(TUESDAY)).content.decode()
        assert "Absent: sick." in html and 'name="status"' not in html

    def test_a_future_day_asks_nothing(self) -> None:
        html = self.client.get(self.day_url(TODAY + timedelta(days=1))).content.decode()
        assert "This day has not happened yet." in html and 'name="status"' not in html

    def test_each_entry_shows_its_recording_lag(self) -> None:
        self.log(TUESDAY, status=Status.DELIVERED)
        html = self.client.get(self.day_url(TUESDAY)).content.decode()
        assert "Delivered · recorded 2 days later" in html

    def test_the_date_picker_goes_to_the_chosen_day(self) -> None:
        response = self.client.get(self.today_url(), {"date": "2026-11-02"})
        assert response.status_code == 302 and response["Location"] == self.day_url(date(2026, 11, 2))

    def test_a_past_day_asks_for_a_reason_only_on_entries_recorded_before_today(self) -> None:
        self.log_on_tuesday_evening(status=Status.DELIVERED)
        html = self.client.get(self.day_url(TUESDAY)).content.decode()
        assert html.count("Reason for changing a past day") == 1


class SavingTests(PageTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_a_status_tap_saves_and_redirects_back_to_the_day(self) -> None:
        response = self.save(status=Status.DELIVERED)
        assert response.status_code == 302
        assert response["Location"] == f"{self.today_url()}#p{self.extended_time.pk}"
        html = self.client.get(response["Location"]).content.decode()
        assert "Saved: Extended time, delivered." in html
        assert 'aria-pressed="true">Delivered</button>' in html
        assert LogEntry.objects.get().status == Status.DELIVERED

    def test_a_miss_with_its_details_is_saved_in_one_post(self) -> None:
        response = self.save(
            status=Status.MISSED,
            miss_reason=MissReason.SUBSTITUTE,
            source=Source.CHILD_SAID,
            reported_by="Maya",
            note="Sub did not know",
            minutes_delivered="30",
        )
        assert response.status_code == 302
        entry = LogEntry.objects.get()
        assert (entry.status, entry.miss_reason, entry.source, entry.reported_by, entry.note) == (
            "missed",
            "substitute",
            "child_said",
            "Maya",
            "Sub did not know",
        )

    def test_a_delivered_tap_ignores_a_reason_left_in_the_details(self) -> None:
        assert self.save(status=Status.DELIVERED, miss_reason=MissReason.SUBSTITUTE).status_code == 302
        assert LogEntry.objects.get().miss_reason == ""

    def test_a_service_partly_delivered_keeps_its_minutes(self) -> None:
        response = self.save(
            provision=self.speech.pk, status=Status.PARTIAL, minutes_delivered="15", miss_reason=MissReason.SCHEDULING
        )
        assert response.status_code == 302
        assert LogEntry.objects.get().minutes_delivered == 15

    def test_bad_input_answers_422_with_the_message_and_saves_nothing(self) -> None:
        response = self.save(provision=self.speech.pk, status=Status.PARTIAL, minutes_delivered="900")
        assert response.status_code == 422
        html = response.content.decode()
        assert "Nothing was saved. Please check:" in html
        assert "Ensure this value is less than or equal to 600." in html
        assert 'value="900"' in html  # what was typed stays
        assert LogEntry.objects.count() == 0 and self.new_records().count() == 0

    def test_a_missing_status_answers_422(self) -> None:
        response = self.save(status="")
        assert response.status_code == 422
        assert "Choose what happened" in response.content.decode()

    def test_a_service_rule_answers_422_next_to_the_item(self) -> None:
        response = self.save(day=TODAY + timedelta(days=1), status=Status.DELIVERED)
        assert response.status_code == 422
        assert "This day has not happened yet." in response.content.decode()
        assert LogEntry.objects.count() == 0

    def test_changing_a_settled_past_entry_without_a_reason_answers_422(self) -> None:
        self.log_on_tuesday_evening(status=Status.DELIVERED)
        # Until a change needs it, the reason field is in the page but hidden.
        html = self.client.get(self.day_url(TUESDAY)).content.decode()
        assert '<div class="edit-reason field" hidden>' in html
        response = self.save(day=TUESDAY, status=Status.MISSED)
        assert response.status_code == 422
        assert "a change needs a short reason" in response.content.decode()
        assert '<div class="edit-reason field">' in response.content.decode()  # shown where it is asked
        response = self.save(day=TUESDAY, status=Status.MISSED, edit_reason="Teacher corrected me")
        assert response.status_code == 302
        assert LogEntry.objects.get().edit_reason == "Teacher corrected me"

    def test_a_makeup_session_is_saved_from_its_own_form(self) -> None:
        response = self.save(
            form="makeup", provision=self.speech.pk, is_makeup="1", status="delivered", minutes_delivered=""
        )
        assert response.status_code == 302
        entry = LogEntry.objects.get()
        assert entry.is_makeup and entry.minutes_delivered == 30
        html = self.client.get(self.today_url()).content.decode()
        assert "make-up session</span>" in html

    def test_everything_delivered_logs_the_day_in_one_post(self) -> None:
        response = self.client.post(
            reverse("logbook:all_delivered", args=[self.child.pk, TODAY]), {"client_id": new_id()}
        )
        assert response.status_code == 302
        assert LogEntry.objects.filter(status=Status.DELIVERED).count() == 2
        html = self.client.get(self.today_url()).content.decode()
        assert "Saved: 2 items delivered." in html
        assert "Everything delivered</button>" not in html

    def test_everything_delivered_on_a_day_without_school_answers_422(self) -> None:
        response = self.client.post(
            reverse("logbook:all_delivered", args=[self.child.pk, SATURDAY]), {"client_id": new_id()}
        )
        assert response.status_code == 422
        assert "No school: Saturday. Nothing was saved." in response.content.decode()

    def test_a_get_on_a_save_address_goes_back_to_the_day(self) -> None:
        response = self.client.get(reverse("logbook:save_entry", args=[self.child.pk, TUESDAY]))
        assert response.status_code == 302 and response["Location"] == self.day_url(TUESDAY)

    def test_day_tags_and_note_are_saved_and_a_new_tag_is_offered_afterwards(self) -> None:
        url = reverse("logbook:save_day_note", args=[self.child.pk, TODAY])
        response = self.client.post(
            url, {"client_id": new_id(), "tags": ["substitute"], "new_tag": "aide absent", "note": "Sub all day"}
        )
        assert response.status_code == 302
        note = DayNote.objects.get()
        assert note.tags == ["substitute", "aide absent"] and note.note == "Sub all day"
        html = self.client.get(self.day_url(WEDNESDAY)).content.decode()
        assert 'value="aide absent"' in html

    def test_too_many_tags_answer_422(self) -> None:
        url = reverse("logbook:save_day_note", args=[self.child.pk, TODAY])
        response = self.client.post(url, {"client_id": new_id(), "new_tag": ",".join(f"t{n}" for n in range(13))})
        assert response.status_code == 422
        assert "Please use at most 12 tags for a day." in response.content.decode()
        assert DayNote.objects.count() == 0


class HistoryPageTests(PageTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_the_history_shows_every_version_with_reasons(self) -> None:
        entry = self.log_on_tuesday_evening(status=Status.DELIVERED)
        self.log(
            TUESDAY,
            status=Status.MISSED,
            miss_reason=MissReason.SUBSTITUTE,
            edit_reason="Maya told me later",
            user=self.bob,
        )
        html = self.client.get(reverse("logbook:entry_history", args=[self.child.pk, entry.pk])).content.decode()
        assert "<strong>Changed</strong> by Bob Rivera" in html
        assert "<strong>Recorded</strong> by Alice Rivera on <time" in html
        assert ">Tuesday, November 3, 2026, 4:00 p.m.</time>" in html
        assert "Reason: Maya told me later" in html
        assert 'Status: <span aria-hidden="true">✓</span> Delivered → <span aria-hidden="true">✗</span> Missed' in html
        assert "First recorded the same day." in html
        assert html.index("Changed") < html.index("Recorded")

    def test_withdrawing_an_entry_needs_a_reason_and_keeps_it(self) -> None:
        entry = self.log(TODAY, status=Status.MISSED)
        url = reverse("logbook:retract_entry", args=[self.child.pk, entry.pk])
        response = self.client.post(url, {"reason": ""})
        assert response.status_code == 422
        assert "Say briefly why this entry should be withdrawn." in response.content.decode()
        response = self.client.post(url, {"reason": "Wrong child"})
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.is_retracted and entry.retraction_reason == "Wrong child"
        html = self.client.get(self.today_url()).content.decode()
        assert "Withdrawn, not counted (Wrong child)" in html

    def test_an_entry_of_another_child_is_not_found(self) -> None:
        entry = self.log(TODAY)
        from plans.models import Child

        other = Child.objects.create(household=self.household, name="Leo")
        response = self.client.get(reverse("logbook:entry_history", args=[other.pk, entry.pk]))
        assert response.status_code == 404


class WeekAndMonthTests(PageTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.alice)

    def test_the_week_shows_each_day_and_item_in_words(self) -> None:
        self.log(TUESDAY, status=Status.MISSED, miss_reason=MissReason.SUBSTITUTE)
        services.record_day_all_delivered(self.child, date(2026, 11, 2), self.alice, new_id())
        html = self.client.get(reverse("logbook:week", args=[self.child.pk, TODAY])).content.decode()
        assert "Week of November 2" in html
        assert "All delivered" in html
        assert "Some missed: 1 of 2 missed, 1 of 2 not logged" in html
        assert (
            'Extended time:\n        <span aria-hidden="true">✗</span> <strong>Missed</strong>, substitute did not know or did not follow the iep'
            in html
        )
        assert "Speech therapy:\n        not logged" in html
        assert "No school: Saturday" in html
        assert "Still to come" in html  # Friday

    def test_the_month_shows_each_day_with_a_word_not_colour_alone(self) -> None:
        self.log(TUESDAY, status=Status.MISSED)
        services.record_day_all_delivered(self.child, date(2026, 11, 2), self.alice, new_id())
        response = self.client.get(reverse("logbook:month", args=[self.child.pk, TODAY]))
        html = response.content.decode()
        assert "November 2026" in html
        assert "Monday, November 2: All delivered" in html
        assert "Tuesday, November 3: Some missed: 1 of 2 missed, 1 of 2 not logged" in html
        assert "Wednesday, November 4: Not logged yet" in html
        assert "Thursday, November 26: No school: Thanksgiving break" in html
        assert '<span class="cal-word" aria-hidden="true">Missed</span>' in html
        assert "All delivered: 1 day" in html and "Some missed: 1" in html
