"""The child's deadlines page and overview card: entering events, seeing each deadline with its rule."""

from __future__ import annotations

from datetime import date

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessLog
from deadlines.models import DeadlineEvent, DeadlineSettings
from deadlines.services import record_event
from tests.base import ViewerTestCase

NOW = date(2026, 11, 21)


@time_machine.travel("2026-11-21 12:00:00", tick=False)
class DeadlinePageTests(ViewerTestCase):
    def url(self) -> str:
        return reverse("deadlines:list", args=[self.child.pk])

    def test_an_editor_adds_an_event_and_sees_the_deadline_it_starts(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url(), {"kind": "records_request", "date": "2026-11-20", "note": "by email"})
        assert response.status_code == 302
        event = DeadlineEvent.objects.get()
        assert (event.kind, event.date, event.note, event.created_by) == (
            "records_request",
            date(2026, 11, 20),
            "by email",
            self.bob,
        )
        assert [r.kind for r in self.new_records()] == ["deadline_event.created"]
        html = self.client.get(self.url()).content.decode()
        # Maya is in California with Thanksgiving break 25-27 Nov: 5 business days -> 2 Dec.
        assert "School must let you see the records" in html
        assert "Wednesday, December 2, 2026" in html
        assert "Cal. Ed. Code 56504" in html and "California: 5 business days." in html
        assert (
            "How was this computed?" in html and "Counting starts with the first business day after the event" in html
        )
        assert "not legal advice" in html and "Filing limits can be lost" in html and "files nothing for you" in html

    def test_an_invalid_event_answers_422_and_saves_nothing(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url(), {"kind": "birthday", "date": "someday"})
        assert response.status_code == 422
        html = response.content.decode()
        assert "Select a valid choice" in html and "Enter a valid date" in html
        assert DeadlineEvent.objects.count() == 0 and self.new_records().count() == 0

    def test_a_viewer_sees_deadlines_but_no_forms_and_cannot_post(self) -> None:
        record_event(self.child, "violation", date(2026, 1, 10), self.alice)
        self.client.force_login(self.dave)
        html = self.client.get(self.url()).content.decode()
        assert "Last day to file a state complaint" in html and "Sunday, January 10, 2027" in html
        assert "Add an event" not in html and "Change" not in html
        assert self.client.post(self.url(), {"kind": "violation", "date": "2026-01-01"}).status_code == 404
        assert DeadlineEvent.objects.count() == 1
        assert AccessLog.objects.filter(user=self.dave, child_id=self.child.pk).exists()

    def test_an_outsider_gets_404(self) -> None:
        event = record_event(self.child, "violation", date(2026, 1, 10), self.alice)
        self.client.force_login(self.charlie)
        assert self.client.get(self.url()).status_code == 404
        assert self.client.get(reverse("deadlines:event_edit", args=[self.child.pk, event.pk])).status_code == 404
        assert (
            self.client.post(
                reverse("deadlines:event_remove", args=[self.child.pk, event.pk]), {"reason": "x"}
            ).status_code
            == 404
        )

    def test_past_flagged_and_calendar_less_deadlines_say_so(self) -> None:
        self.child.state = "TX"
        self.child.save()
        record_event(self.child, "violation", date(2025, 1, 10), self.alice)  # limit 10 Jan 2026: past
        record_event(
            self.child, "evaluation_consent", date(2027, 5, 3), self.alice
        )  # 45 school days: past the calendar
        self.client.force_login(self.alice)
        html = self.client.get(self.url()).content.decode()
        assert "Saturday, January 10, 2026" in html and ">past<" in html
        assert "No date yet: the school calendar is needed" in html and "2027-06-11" in html
        self.child.state = "AK"
        self.child.save()
        record_event(self.child, "knew_or_should_have_known", date(2026, 3, 1), self.alice)
        html = self.client.get(self.url()).content.decode()
        assert "No date: rule marked CONFLICTING" in html and "the federal rule is not used in its place" in html

    def test_changing_an_event_keeps_history_and_moves_the_deadline(self) -> None:
        event = record_event(self.child, "ferpa_records_request", date(2026, 11, 2), self.alice)
        self.client.force_login(self.alice)
        url = reverse("deadlines:event_edit", args=[self.child.pk, event.pk])
        assert "Change an event" in self.client.get(url).content.decode()
        response = self.client.post(url, {"kind": "ferpa_records_request", "date": "2026-11-03", "note": ""})
        assert response.status_code == 302
        html = self.client.get(self.url()).content.decode()
        assert "Friday, December 18, 2026" in html and "Thursday, December 17, 2026" not in html
        assert [r.kind for r in self.new_records()] == ["deadline_event.created", "deadline_event.edited"]

    def test_removing_an_event_needs_a_reason_and_keeps_it_listed_as_removed(self) -> None:
        event = record_event(self.child, "violation", date(2026, 1, 10), self.alice)
        self.client.force_login(self.alice)
        url = reverse("deadlines:event_remove", args=[self.child.pk, event.pk])
        assert self.client.post(url, {"reason": ""}).status_code == 422
        assert self.client.get(url).status_code == 405
        assert self.client.post(url, {"reason": "entered twice"}).status_code == 302
        html = self.client.get(self.url()).content.decode()
        assert "1 removed event" in html and "entered twice" in html
        assert "Last day to file a state complaint" not in html

    def test_the_disability_setting_changes_a_pennsylvania_reevaluation(self) -> None:
        self.child.state = "PA"
        self.child.save()
        record_event(self.child, "last_evaluation", date(2025, 5, 12), self.alice)
        self.client.force_login(self.alice)
        assert "Friday, May 12, 2028" in self.client.get(self.url()).content.decode()
        url = reverse("deadlines:disability", args=[self.child.pk])
        assert self.client.post(url, {"disability": "intellectual_disability"}).status_code == 302
        assert DeadlineSettings.objects.get(child=self.child).disability == "intellectual_disability"
        html = self.client.get(self.url()).content.decode()
        assert "Wednesday, May 12, 2027" in html and "22 Pa. Code 14.124(c)" in html
        assert self.client.post(url, {"disability": "nonsense"}).status_code == 422

    def test_the_overview_shows_coming_deadlines_with_the_disclaimer(self) -> None:
        record_event(self.child, "records_request", date(2026, 11, 20), self.alice)
        record_event(self.child, "violation", date(2025, 1, 10), self.alice)  # past: not on the overview
        self.client.force_login(self.bob)
        html = self.client.get(reverse("plans:child", args=[self.child.pk])).content.decode()
        assert "School must let you see the records" in html and "Dec 2, 2026" in html
        assert "Last day to file a state complaint" not in html
        assert "the deadlines are estimates" in html
        assert reverse("deadlines:list", args=[self.child.pk]) in html  # the section in the child's navigation


@time_machine.travel("2026-11-21 12:00:00", tick=False)
class DeadlinePageCostTests(ViewerTestCase):
    def queries_for_page(self) -> int:
        AccessLog.objects.all().delete()  # each count is a first view: the access log's read and its insert
        with CaptureQueriesContext(connection) as queries:
            assert self.client.get(reverse("deadlines:list", args=[self.child.pk])).status_code == 200
        return len(queries)

    def test_the_page_costs_the_same_with_many_events(self) -> None:
        self.client.force_login(self.alice)
        record_event(self.child, "records_request", date(2026, 9, 1), self.alice)
        few = self.queries_for_page()
        for n in range(30):
            record_event(self.child, "violation", date(2026, 1, 1 + n % 28), self.alice)
        assert self.queries_for_page() == few
