"""Issue 11 on the daily log pages: flexible services, "Partly", three states, stale pages, viewers.

Frozen on Thursday 5 November 2026 (tests/logbook_base.py): extended time every school day,
speech on Tuesdays and Thursdays (60 per week, sessions of 30).
"""

from __future__ import annotations

from django.urls import reverse

from logbook import services
from logbook.models import LogEntry, Status
from plans.models import Provision
from tests.logbook_base import TODAY, TUESDAY, LogbookTestCase, new_id


class Issue11TestCase(LogbookTestCase):
    def day_url(self, day=TODAY) -> str:  # type: ignore[no-untyped-def]
        return reverse("logbook:day", args=[self.child.pk, day])

    def save(self, day=TODAY, **data: object):  # type: ignore[no-untyped-def]
        values: dict[str, object] = {"provision": self.speech.pk, "is_makeup": "0", "client_id": new_id()}
        values.update(data)
        return self.client.post(reverse("logbook:save_entry", args=[self.child.pk, day]), values)

    def add_flexible_ot(self) -> Provision:
        return Provision.objects.create(
            iep=self.iep,
            kind="service",
            label="Occupational therapy",
            wording="OT 120 minutes per month",
            schedule="flexible",
            minutes=120,
            period="month",
            session_minutes=30,
        )


class FlexibleOnTodayTests(Issue11TestCase):
    def test_everything_delivered_never_logs_a_flexible_service(self) -> None:
        """Given a monthly flexible OT, when 'Everything delivered' is tapped, then only extended
        time and speech are logged (2 entries), never OT."""
        ot = self.add_flexible_ot()
        created = services.record_day_all_delivered(self.child, TODAY, self.alice, new_id())
        assert sorted(e.provision.label for e in created) == ["Extended time", "Speech therapy"]
        assert not LogEntry.objects.filter(provision=ot).exists()

    def test_today_asks_whether_a_flexible_session_happened_as_an_optional_line(self) -> None:
        self.add_flexible_ot()
        self.client.force_login(self.alice)
        html = self.client.get(reverse("logbook:today", args=[self.child.pk])).content.decode()
        assert "Did it happen today?" in html
        assert "Marks the 2 items not yet logged as delivered." in html

    def test_a_flexible_session_is_one_tap_and_keeps_the_day_status_unchanged(self) -> None:
        ot = self.add_flexible_ot()
        self.client.force_login(self.alice)
        response = self.save(provision=ot.pk, status="delivered")
        assert response.status_code == 302
        entry = LogEntry.objects.get(provision=ot)
        assert (entry.status, entry.minutes_delivered) == ("delivered", 30)
        html = self.client.get(reverse("logbook:week", args=[self.child.pk, TODAY])).content.decode()
        # OT is never expected, so the day still waits for its 2 expected items.
        assert "Not logged yet: 2 of 2 not logged" in html.split("Thursday, November 5")[1]


class PartlyTests(Issue11TestCase):
    def test_partly_without_minutes_is_refused_with_422_and_saves_nothing(self) -> None:
        """Partly must ask for the minutes actually delivered, never record the full session."""
        self.client.force_login(self.alice)
        records = self.new_records().count()
        response = self.save(status="partial", minutes_delivered="")
        assert response.status_code == 422
        assert "Write how many minutes were actually delivered, e.g. 20." in response.content.decode()
        assert not LogEntry.objects.exists() and self.new_records().count() == records

    def test_partly_records_the_minutes_given(self) -> None:
        self.client.force_login(self.alice)
        self.save(status="partial", minutes_delivered="20", miss_reason="scheduling")
        assert LogEntry.objects.get().minutes_delivered == 20

    def test_changing_delivered_to_partly_never_carries_the_full_session(self) -> None:
        """Given speech delivered (30 min), the page's minutes field is empty, so 'Partly' asks."""
        self.log(TODAY, self.speech, Status.DELIVERED)
        self.client.force_login(self.alice)
        html = self.client.get(self.day_url()).content.decode()
        assert (
            f'id="p{self.speech.pk}-minutes" name="minutes_delivered" min="0" max="600" inputmode="numeric" value=""'
            in html
        )
        assert self.save(status="partial", base_version="1").status_code == 422

    def test_the_api_refuses_partly_without_minutes(self) -> None:
        import json

        self.client.force_login(self.alice)
        body = {"date": TODAY.isoformat(), "provision": self.speech.pk, "status": "partial", "client_id": new_id()}
        url = reverse("api:save_entry", kwargs={"child_id": self.child.pk})
        response = self.client.post(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 422
        assert response.json()["errors"]["minutes_delivered"] == [
            "Write how many minutes were actually delivered, e.g. 20."
        ]


class ThreeStatesTests(Issue11TestCase):
    def test_a_partly_delivered_day_is_not_called_missed_in_the_week_or_month(self) -> None:
        """Given Tuesday: extended time delivered, speech partly (20 min), when viewing the week and
        the month, then the day reads "Some partly delivered: 1 of 2 partly delivered" with ◐, never missed."""
        self.log(TUESDAY, self.extended_time, Status.DELIVERED)
        self.log(TUESDAY, self.speech, Status.PARTIAL, minutes_delivered=20)
        self.client.force_login(self.alice)
        week = self.client.get(reverse("logbook:week", args=[self.child.pk, TUESDAY])).content.decode()
        assert "Some partly delivered: 1 of 2 partly delivered" in week
        assert (
            'Tuesday, November 3</a></h2>\n    <p class="day-state"><span class="mark" aria-hidden="true">◐</span>'
            in week
        )
        assert "missed" not in week.split("Tuesday, November 3</a>")[1].split("</li>\n  \n  \n  <li")[0]
        assert '<span aria-hidden="true">◐</span> <strong>Partly</strong>, 20 min' in week
        month = self.client.get(reverse("logbook:month", args=[self.child.pk, TUESDAY])).content.decode()
        assert "Tuesday, November 3: Some partly delivered: 1 of 2 partly delivered" in month
        assert '<span class="cal-word" aria-hidden="true">Partly</span>' in month
        assert "Some partly delivered: 1" in month

    def test_the_day_and_history_show_the_icon_with_the_word(self) -> None:
        entry = self.log(TODAY, self.speech, Status.PARTIAL, minutes_delivered=20)
        self.client.force_login(self.alice)
        day = self.client.get(self.day_url()).content.decode()
        assert (
            '<span class="status-icon" aria-hidden="true" data-icon>◐</span> <span data-summary>Partly · 20 min' in day
        )
        history = self.client.get(reverse("logbook:entry_history", args=[self.child.pk, entry.pk])).content.decode()
        assert 'Now: <span aria-hidden="true">◐</span> <strong>Partly</strong>' in history


class StalePageTests(Issue11TestCase):
    def test_a_stale_page_is_refused_with_409_and_both_versions_shown(self) -> None:
        """Given Alice opened the page when speech was unlogged (version 0) and Bob then saved
        "Missed", when Alice saves "Partly · 20 min", then 409, nothing saved, both versions shown."""
        self.log(TODAY, self.speech, Status.MISSED, user=self.bob, miss_reason="provider_absent")
        records = self.new_records().count()
        self.client.force_login(self.alice)
        response = self.save(status="partial", minutes_delivered="20", base_version="0")
        assert response.status_code == 409
        html = response.content.decode()
        assert "Someone else changed this entry after you opened this page. Nothing was saved." in html
        assert (
            "(saved by Bob Rivera): <strong>Missed · 0 min · Provider or staff absent · recorded the same day</strong>"
            in html
        )
        assert "Yours, not saved: <strong>Partly · 20 min</strong>" in html
        assert 'name="base_version" value="1"' in html
        assert LogEntry.objects.get().status == "missed" and self.new_records().count() == records

    def test_each_form_carries_the_version_it_shows(self) -> None:
        self.log(TODAY, self.speech, Status.MISSED, miss_reason="provider_absent")
        self.log(TODAY, self.speech, Status.DELIVERED)
        self.client.force_login(self.alice)
        html = self.client.get(self.day_url()).content.decode()
        assert html.count('name="base_version" value="2"') == 1 and html.count('name="base_version" value="0"') == 1


class ViewerBannerTests(Issue11TestCase):
    def test_a_viewer_sees_a_read_only_banner(self) -> None:
        self.client.force_login(self.dana)
        html = self.client.get(reverse("logbook:today", args=[self.child.pk])).content.decode()
        assert "Read-only" in html and "You can see this log but not change it." in html
        assert "Everything delivered" not in html

    def test_an_editor_sees_no_banner(self) -> None:
        self.client.force_login(self.bob)
        assert "Read-only" not in self.client.get(reverse("logbook:today", args=[self.child.pk])).content.decode()


class FlexibleApiTests(Issue11TestCase):
    def test_the_day_lists_flexible_services_apart_from_the_expected_ones(self) -> None:
        ot = self.add_flexible_ot()
        self.client.force_login(self.alice)
        data = self.client.get(reverse("api:day", kwargs={"child_id": self.child.pk, "day": TODAY})).json()
        assert data["expected_provision_ids"] == [self.extended_time.pk, self.speech.pk]
        assert data["flexible_provision_ids"] == [ot.pk]
