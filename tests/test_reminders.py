"""Reminder emails through a real SMTP server: due at the person's time, sent once, one-click unsubscribe."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from deadlines.services import record_event
from logbook.models import LogEntry, Status
from reminders.follow_ups import FollowUp
from reminders.models import Notice, ReminderSettings
from reminders.sender import ahead_step, send_due
from reminders.tokens import unsubscribe_token
from tests.base import ViewerTestCase
from tests.smtp_support import free_port, smtp_server, smtp_settings

NY = ZoneInfo("America/New_York")
# Tuesday 24 November 2026, 7 pm in New York: a school day for Maya (extended time and speech expected).
EVENING = datetime(2026, 11, 24, 19, 0, tzinfo=NY)


def body(message: object) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[attr-defined]


class ReminderTests(ViewerTestCase):
    def setUp(self) -> None:
        # Only the kind under test is on, unless a test says otherwise.
        for user in (self.alice, self.bob, self.dave):
            ReminderSettings.objects.create(user=user, daily_log=False, follow_ups=False, weekly_summary=False)

    def test_the_reminder_steps_are_14_7_and_1_days_ahead(self) -> None:
        assert [ahead_step(n) for n in (15, 14, 8, 7, 2, 1, 0)] == [None, 14, 14, 7, 7, 1, None]

    def test_a_deadline_7_days_ahead_is_emailed_once_to_every_member(self) -> None:
        # FERPA request 17 Oct 2026 + 45 = 1 Dec 2026: 7 days after 24 Nov.
        record_event(self.child, "ferpa_records_request", date(2026, 10, 17), self.alice)
        with smtp_server() as smtp:
            first = send_due(EVENING)
            second = send_due(EVENING)
        assert (first.emails, first.notices, second.emails) == (3, 3, 0)
        assert sorted(m["To"] for m in smtp.messages) == ["alice@example.com", "bob@example.com", "dave@example.com"]
        message = smtp.messages[0]
        assert message["Subject"] == "[IEP Right] Deadlines coming up"
        text = body(message)
        assert (
            "Maya Rivera: School must let you see the records (FERPA), Tuesday, December 1, 2026 (in 7 days)." in text
        )
        assert "34 CFR 99.10(b)" in text and "Filing limits can be lost" in text and "not legal advice" in text
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].startswith("<http") and "/reminders/stop/" in message["List-Unsubscribe"]
        assert Notice.objects.filter(kind="deadlines").count() == 3

    def test_a_later_step_sends_again_but_not_the_same_step(self) -> None:
        record_event(self.child, "ferpa_records_request", date(2026, 10, 17), self.alice)
        ReminderSettings.objects.exclude(user=self.alice).update(deadlines=False)
        with smtp_server() as smtp:
            send_due(EVENING)  # 7 days ahead
            send_due(datetime(2026, 11, 26, 19, 0, tzinfo=NY))  # 5 days ahead: still the 7-day step
            send_due(datetime(2026, 11, 30, 19, 0, tzinfo=NY))  # tomorrow
        assert len(smtp.messages) == 2 and "(tomorrow)" in body(smtp.messages[1])

    def test_nothing_goes_out_before_the_persons_time_of_day(self) -> None:
        record_event(self.child, "ferpa_records_request", date(2026, 10, 17), self.alice)
        with smtp_server() as smtp:
            result = send_due(datetime(2026, 11, 24, 17, 59, tzinfo=NY))
        assert result.emails == 0 and smtp.messages == [] and Notice.objects.count() == 0

    def test_today_not_logged_goes_to_those_who_log_on_school_days_only(self) -> None:
        ReminderSettings.objects.update(daily_log=True, deadlines=False)
        with smtp_server() as smtp:
            send_due(EVENING)
            send_due(datetime(2026, 11, 25, 19, 0, tzinfo=NY))  # Thanksgiving break: no school
        assert sorted(m["To"] for m in smtp.messages) == ["alice@example.com", "bob@example.com"]  # not dave, a viewer
        text = body(smtp.messages[0])
        assert "Maya Rivera: today is not logged yet (Not logged yet: 2 of 2 not logged)." in text
        assert f"/children/{self.child.pk}/" in text

    def test_a_logged_day_sends_no_log_reminder(self) -> None:
        ReminderSettings.objects.update(daily_log=True, deadlines=False)
        for provision in (self.extended_time, self.speech):
            LogEntry.objects.create(
                child=self.child, date=date(2026, 11, 24), provision=provision, status=Status.DELIVERED
            )
        with smtp_server() as smtp:
            send_due(EVENING)
        assert smtp.messages == []

    def test_overdue_follow_ups_come_from_the_correspondence_hook(self) -> None:
        ReminderSettings.objects.filter(user=self.alice).update(follow_ups=True, deadlines=False)
        waiting = [FollowUp(41, "Speech sessions missed", date(2026, 11, 20))]
        with smtp_server() as smtp, mock.patch("reminders.sender.overdue_follow_ups", return_value=waiting):
            send_due(EVENING)
            send_due(EVENING)
        (message,) = smtp.messages
        assert message["Subject"] == "[IEP Right] Follow-ups waiting for an answer"
        assert "no answer yet to \u201cSpeech sessions missed\u201d (follow up by November 20)" in body(message)

    def test_the_weekly_summary_comes_on_the_chosen_day_once(self) -> None:
        ReminderSettings.objects.update(deadlines=False)
        ReminderSettings.objects.filter(user=self.alice).update(weekly_summary=True, weekly_day=1)
        record_event(self.child, "ferpa_records_request", date(2026, 10, 17), self.alice)
        with smtp_server() as smtp:
            send_due(datetime(2026, 11, 23, 19, 0, tzinfo=NY))  # Monday: not the chosen day
            send_due(EVENING)  # Tuesday
            send_due(EVENING)
        (message,) = smtp.messages
        text = body(message)
        assert message["Subject"] == "[IEP Right] Your weekly summary"
        assert "School must let you see the records (FERPA): Tue Dec 1 (34 CFR 99.10(b))" in text
        assert "School days in the last week not fully logged: 5." in text  # Tue 17 to Fri 20 and Mon 23 Nov, not today

    def test_a_failed_send_is_tried_again_next_run(self) -> None:
        record_event(self.child, "ferpa_records_request", date(2026, 10, 17), self.alice)
        ReminderSettings.objects.exclude(user=self.alice).update(deadlines=False)
        with override_settings(MAILERS=smtp_settings(free_port())):  # nothing listens there
            assert send_due(EVENING).emails == 0
        assert Notice.objects.count() == 0
        with smtp_server() as smtp:
            assert send_due(EVENING).emails == 1
        assert len(smtp.messages) == 1

    def test_one_click_unsubscribe_stops_that_kind_only(self) -> None:
        url = reverse("reminders:unsubscribe", args=[unsubscribe_token(self.alice.pk, "deadlines")])
        client = Client(enforce_csrf_checks=True)  # a mail provider's one-click POST carries no CSRF token
        page = client.get(url)
        assert page.status_code == 200 and "Stop these emails" in page.content.decode()
        response = client.post(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200 and "You will no longer get" in response.content.decode()
        settings = ReminderSettings.objects.get(user=self.alice)
        assert settings.deadlines is False
        record_event(self.child, "ferpa_records_request", date(2026, 10, 17), self.alice)
        with smtp_server() as smtp:
            send_due(EVENING)
        assert "alice@example.com" not in [m["To"] for m in smtp.messages] and len(smtp.messages) == 2

    def test_a_bad_unsubscribe_token_is_404(self) -> None:
        good = unsubscribe_token(self.alice.pk, "deadlines")
        for token in (good[:-2] + "xx", unsubscribe_token(self.alice.pk, "everything"), "nonsense"):
            assert self.client.post(reverse("reminders:unsubscribe", args=[token])).status_code == 404
        assert ReminderSettings.objects.get(user=self.alice).deadlines is True


class ReminderSettingsPageTests(ViewerTestCase):
    def test_a_person_saves_their_own_settings(self) -> None:
        self.client.force_login(self.bob)
        url = reverse("reminders:settings")
        assert "Reminders" in self.client.get(url).content.decode()
        response = self.client.post(
            url, {"email": "bob@home.example", "send_at": "07:30", "deadlines": "on", "weekly_day": "0"}
        )
        assert response.status_code == 302
        saved = ReminderSettings.objects.get(user=self.bob)
        assert (saved.address(), saved.send_at.hour, saved.deadlines, saved.daily_log) == (
            "bob@home.example",
            7,
            True,
            False,
        )

    def test_an_invalid_post_answers_422_and_saves_nothing(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(
            reverse("reminders:settings"), {"email": "not an address", "send_at": "25:99", "weekly_day": "9"}
        )
        assert response.status_code == 422 and "Enter a valid email address" in response.content.decode()
        assert not ReminderSettings.objects.filter(user=self.bob).exists()

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        assert self.client.get(reverse("reminders:settings")).status_code == 302


class ReminderLinkTests(ViewerTestCase):
    def test_the_account_page_links_to_reminders(self) -> None:
        self.client.force_login(self.dave)
        assert reverse("reminders:settings") in self.client.get(reverse("accounts:profile")).content.decode()


class SendRemindersCommandTests(ViewerTestCase):
    def test_the_command_sends_due_reminders_once(self) -> None:
        ReminderSettings.objects.create(user=self.alice, daily_log=False, follow_ups=False, weekly_summary=False)
        for user in (self.bob, self.dave):
            ReminderSettings.objects.create(
                user=user, deadlines=False, daily_log=False, follow_ups=False, weekly_summary=False
            )
        record_event(self.child, "ferpa_records_request", date(2026, 10, 17), self.alice)
        out = StringIO()
        with smtp_server() as smtp, mock.patch("django.utils.timezone.now", return_value=EVENING):
            call_command("send_reminders", stdout=out)
            call_command("send_reminders", stdout=out)
        assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == "alice@example.com"
        assert out.getvalue().splitlines()[0].startswith("Sent 1 email(s) with 1 notice(s)")
        assert out.getvalue().splitlines()[1].startswith("Sent 0 email(s)")
