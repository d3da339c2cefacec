"""The private calendar feed: valid iCalendar, stable UIDs, revocable, only the member's households."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from icalendar import Calendar

from accounts.models import Membership, User
from deadlines.services import edit_event, record_event
from plans.models import Child
from reminders.models import CalendarFeed
from tests.base import BaseTestCase, make_family


def events(data: bytes) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


class CalendarFeedTests(BaseTestCase):
    def make_link(self, user: User) -> str:
        self.client.force_login(user)
        assert self.client.post(reverse("reminders:feed_new")).status_code == 302
        feed = CalendarFeed.objects.get(user=user, revoked_at=None)
        self.client.logout()
        return reverse("reminders:feed", args=[feed.token])

    def test_the_feed_is_a_calendar_with_deadlines_meetings_and_iep_dates(self) -> None:
        request = record_event(self.child, "records_request", date(2026, 11, 20), self.alice)
        record_event(self.child, "iep_meeting_scheduled", date(2026, 12, 9), self.alice, note="Room 4")
        url = self.make_link(self.alice)
        response = self.client.get(url)  # signed out: the token is the key
        assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
        found = events(response.content)
        deadline_uid = f"iepright-child{self.child.pk}-deadline-records_request-records_request-{request.pk}@iepright"
        # The meeting on 9 Dec comes after 5 California business days (2 Dec), so the limit stands.
        assert found[deadline_uid].decoded("DTSTART") == date(2026, 12, 2)  # type: ignore[attr-defined]
        meeting = [e for uid, e in found.items() if "-meeting-" in uid]
        assert len(meeting) == 1 and meeting[0].decoded("DTSTART") == date(2026, 12, 9)  # type: ignore[attr-defined]
        assert str(meeting[0]["SUMMARY"]) == "IEP meeting scheduled: Maya Rivera"  # type: ignore[index]
        assert f"iepright-iep{self.iep.pk}-annual-review@iepright" in found
        assert Calendar.from_ical(response.content)["X-WR-CALNAME"] == "IEP Right"

    def test_a_changed_date_keeps_its_uid_so_the_calendar_replaces_it(self) -> None:
        request = record_event(self.child, "records_request", date(2026, 11, 20), self.alice)
        url = self.make_link(self.alice)
        before = events(self.client.get(url).content)
        edit_event(request, kind="records_request", day=date(2026, 11, 23), note="", user=self.alice)
        after = events(self.client.get(url).content)
        assert set(before) == set(after)
        uid = f"iepright-child{self.child.pk}-deadline-records_request-records_request-{request.pk}@iepright"
        assert after[uid].decoded("DTSTART") == date(2026, 12, 3)  # type: ignore[attr-defined]

    def test_a_revoked_or_wrong_token_is_404(self) -> None:
        url = self.make_link(self.alice)
        assert self.client.get(url + "x").status_code == 404
        assert self.client.get(reverse("reminders:feed", args=["not-a-token"])).status_code == 404
        self.client.force_login(self.alice)
        self.client.post(reverse("reminders:feed_revoke"))
        self.client.logout()
        assert self.client.get(url).status_code == 404

    def test_a_new_link_replaces_the_old_one(self) -> None:
        old = self.make_link(self.alice)
        new = self.make_link(self.alice)
        assert old != new
        assert self.client.get(old).status_code == 404 and self.client.get(new).status_code == 200

    def test_it_shows_only_households_the_member_belongs_to_now(self) -> None:
        zed = Child.objects.create(household=make_family(self.charlie, "Charlie's"), name="Zed Outsider")
        record_event(zed, "violation", date(2026, 9, 1), self.charlie)
        record_event(self.child, "violation", date(2026, 9, 1), self.alice)
        alice_feed = self.client.get(self.make_link(self.alice)).content.decode()
        assert "Maya Rivera" in alice_feed and "Zed Outsider" not in alice_feed
        charlie_feed = self.client.get(self.make_link(self.charlie)).content.decode()
        assert "Zed Outsider" in charlie_feed and "Maya Rivera" not in charlie_feed
        bob_url = self.make_link(self.bob)
        assert "Maya Rivera" in self.client.get(bob_url).content.decode()
        Membership.objects.filter(user=self.bob, household=self.household).delete()
        assert "Maya Rivera" not in self.client.get(bob_url).content.decode()

    def test_the_settings_page_shows_the_link_to_its_owner(self) -> None:
        self.make_link(self.alice)
        token = CalendarFeed.objects.get(user=self.alice, revoked_at=None).token
        self.client.force_login(self.alice)
        assert token in self.client.get(reverse("reminders:settings")).content.decode()
        self.client.force_login(self.bob)
        assert token not in self.client.get(reverse("reminders:settings")).content.decode()

    def test_the_link_buttons_take_only_post(self) -> None:
        self.client.force_login(self.alice)
        assert self.client.get(reverse("reminders:feed_new")).status_code == 405
        assert self.client.get(reverse("reminders:feed_revoke")).status_code == 405
        assert not CalendarFeed.objects.exists()
