"""Follow-ups with the school as reminders see them: real communications, no mocks."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from correspondence import services
from correspondence.models import Communication
from reminders.follow_ups import FollowUp, follow_ups_due, overdue_follow_ups
from reminders.models import ReminderSettings
from reminders.sender import send_due
from tests.base import ViewerTestCase
from tests.smtp_support import smtp_server

# Tuesday 24 November 2026, 7 pm in New York.
EVENING = datetime(2026, 11, 24, 19, 0, tzinfo=ZoneInfo("America/New_York"))


class FollowUpTests(ViewerTestCase):
    def email(self, **values: Any) -> Communication:
        values.setdefault("date", date(2026, 11, 10))
        values.setdefault("channel", "email")
        values.setdefault("direction", "sent")
        return services.create_communication(self.child, user=self.alice, client_id=uuid.uuid4(), **values)

    def test_an_unanswered_email_past_its_date_is_overdue_until_the_school_answers(self) -> None:
        """Given an email asking for a reply by Nov 20, then on Nov 24 it is overdue (the feed lists
        its date and a later one); once the school's answer is recorded, it is no longer overdue."""
        asked = self.email(subject="Speech sessions missed", follow_up_due=date(2026, 11, 20))
        self.email(subject="Not due yet", follow_up_due=date(2026, 12, 1))
        assert overdue_follow_ups(self.child, date(2026, 11, 24)) == [
            FollowUp(asked.pk, str(asked.title), date(2026, 11, 20))
        ]
        assert [f.due for f in follow_ups_due(self.child)] == [date(2026, 11, 20), date(2026, 12, 1)]
        self.email(direction="received", subject="Re: Speech sessions missed", in_reply_to=asked.pk)
        assert overdue_follow_ups(self.child, date(2026, 11, 24)) == []

    def test_a_withdrawn_or_settled_follow_up_is_not_in_the_feed(self) -> None:
        withdrawn = self.email(subject="Sent twice by mistake", follow_up_due=date(2026, 11, 20))
        services.retract_communication(withdrawn, user=self.alice, reason="Sent twice.")
        assert follow_ups_due(self.child) == []

    def test_a_real_overdue_follow_up_reaches_the_parent_by_email_once(self) -> None:
        for user in (self.alice, self.bob, self.dave):
            ReminderSettings.objects.create(
                user=user, daily_log=False, deadlines=False, follow_ups=user == self.alice, weekly_summary=False
            )
        self.email(subject="Speech sessions missed", follow_up_due=date(2026, 11, 20))
        with smtp_server() as smtp:
            send_due(EVENING)
            send_due(EVENING)
        (message,) = smtp.messages
        assert message["To"] == "alice@example.com"
        assert message["Subject"] == "[IEP Right] Follow-ups waiting for an answer"
        text = message.get_body(preferencelist=("plain",))
        assert text is not None and "(follow up by November 20)" in text.get_content()
