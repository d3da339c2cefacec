"""The insights page: who may see it, its filters, what it says, its charts, and its cost."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessLog, Membership, Role
from logbook.models import DayNote, LogEntry
from plans.models import Child
from tests.base import BaseTestCase, make_user
from tests.insights_support import D, log, tag_day

TODAY = "2026-10-15 12:00"  # a Thursday in Maya's 2026-27 school year


@time_machine.travel(TODAY, tick=False)
class DashboardTestCase(BaseTestCase):
    def url(self) -> str:
        return reverse("insights:dashboard", kwargs={"child_id": self.child.pk})

    def get(self, user: object = None, data: dict | None = None) -> object:
        self.client.force_login(user or self.alice)  # type: ignore[arg-type]
        return self.client.get(self.url(), data or {})


class PermissionTests(DashboardTestCase):
    def test_the_owner_and_the_co_parent_see_the_page(self) -> None:
        for person in (self.alice, self.bob):
            response = self.get(person)
            assert response.status_code == 200  # type: ignore[attr-defined]
            self.assertContains(response, "What the log shows for Maya Rivera")  # type: ignore[arg-type]

    def test_a_viewer_such_as_an_advocate_sees_the_page(self) -> None:
        advocate = make_user("dana@example.com", "Dana Advocate")
        Membership.objects.create(user=advocate, household=self.household, role=Role.VIEWER)
        assert self.get(advocate).status_code == 200  # type: ignore[attr-defined]

    def test_an_outsider_gets_404(self) -> None:
        assert self.get(self.charlie).status_code == 404  # type: ignore[attr-defined]

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        response = self.client.get(self.url())
        assert response.status_code == 302
        assert "/account/login/" in response["Location"]

    def test_a_visit_is_written_to_the_access_log(self) -> None:
        self.get(self.bob)
        entry = AccessLog.objects.get()
        assert (entry.user, entry.child_id, entry.action) == (self.bob, self.child.pk, "view")


class ContentTests(DashboardTestCase):
    def setUp(self) -> None:
        et, speech = self.extended_time, self.speech
        for day in ["2026-09-14", "2026-09-15", "2026-09-16"]:
            log(et, day)
        for day in ["2026-09-17", "2026-09-18", "2026-09-21", "2026-09-22"]:
            log(et, day, "missed", reason="substitute")
            tag_day(self.child, day, "substitute")
        log(speech, "2026-09-15", "delivered", 30)
        log(speech, "2026-09-17", "missed", reason="provider_absent")

    def test_it_shows_the_headline_rate_provisions_minutes_and_the_disclaimer(self) -> None:
        """Given 4 of 9 rated days delivered, when the owner opens the page (this school year),
        then it shows 44.4%, extended time first (lowest rate), speech minutes and the disclaimer."""
        response = self.get()
        html = response.content.decode()  # type: ignore[attr-defined]
        assert "2026-27: 24 Aug 2026 to 15 Oct 2026" in html
        assert "<strong>44.4%</strong> delivered" in html
        assert "You logged 9 of the 47 times a provision was owed (19.1%)." in html
        assert html.index('name">Extended time') < html.index('name">Speech therapy')
        assert "Documented shortfall" in html
        assert "Logged minutes missed do not prove a violation. They do not set the amount of compensatory" in html
        assert "compensatory education owed" not in html.lower()
        assert "How these numbers are computed" in html

    def test_it_states_findings_in_plain_sentences(self) -> None:
        """Given 4 misses of extended time, all on days tagged substitute, when the page opens,
        then the finding is stated with its counts."""
        html = self.get().content.decode()  # type: ignore[attr-defined]
        assert "4 of 4 misses of Extended time were on days tagged substitute." in html
        assert "One-sided Fisher exact test" in html

    def test_every_chart_is_an_image_with_a_label_and_a_table(self) -> None:
        """Given the page, when reading its charts, then each SVG has role img, an aria-label and a title,
        and a table follows in a details element; nothing uses a style attribute (strict CSP)."""
        html = self.get().content.decode()  # type: ignore[attr-defined]
        svgs = re.findall(r"<svg [^>]*>", html)
        assert len(svgs) == 3  # month by month, calendar, speech minutes
        for svg in svgs:
            assert 'role="img"' in svg and 'aria-label="' in svg
        assert html.count("<title>Delivery month by month</title>") == 1
        assert html.count('<details class="insights-chart-table">') == 3
        assert "<caption>Delivery by month (days of every selected provision)</caption>" in html
        assert "style=" not in html

    def test_it_can_show_the_last_30_days_and_chosen_provisions(self) -> None:
        """Given the 30-day preset and speech only, when the page opens, then only speech is listed."""
        response = self.get(data={"range": "30d", "provision": [str(self.speech.pk)]})
        html = response.content.decode()  # type: ignore[attr-defined]
        assert "Last 30 days: 16 Sep 2026 to 15 Oct 2026" in html
        assert 'name">Speech therapy' in html
        assert 'name">Extended time' not in html

    def test_it_takes_custom_dates(self) -> None:
        """Given custom dates 14 - 16 Sep (extended time delivered 3 days, speech on Tue),
        when the page opens, then 4 of 4 logged days delivered shows 100.0%."""
        html = self.get(data={"range": "custom", "from": "2026-09-14", "to": "2026-09-16"}).content.decode()  # type: ignore[attr-defined]
        assert "Chosen dates: 14 Sep 2026 to 16 Sep 2026" in html
        assert "<strong>100.0%</strong>" in html

    def test_wrong_custom_dates_answer_422_with_the_message_next_to_the_field(self) -> None:
        """Given a last day before the first, when submitting, then 422 and the message; no numbers."""
        response = self.get(data={"range": "custom", "from": "2026-09-16", "to": "2026-09-14"})
        assert response.status_code == 422  # type: ignore[attr-defined]
        html = response.content.decode()  # type: ignore[attr-defined]
        assert "The last day must be on or after the first day." in html
        assert "</strong> delivered" not in html

    def test_a_custom_range_needs_both_days(self) -> None:
        response = self.get(data={"range": "custom", "from": "2026-09-16"})
        assert response.status_code == 422  # type: ignore[attr-defined]
        self.assertContains(response, "Choose the last day.", status_code=422)  # type: ignore[arg-type]


class EmptyStartTests(DashboardTestCase):
    def test_a_child_with_no_calendar_or_iep_yet_gets_a_calm_page(self) -> None:
        """Given a second child with nothing entered yet, when the page opens,
        then it shows the last 30 days and says plainly that there is nothing to count."""
        sibling = Child.objects.create(household=self.household, name="Leo Rivera")
        self.client.force_login(self.alice)
        response = self.client.get(reverse("insights:dashboard", kwargs={"child_id": sibling.pk}))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Last 30 days: 16 Sep 2026 to 15 Oct 2026" in html
        assert "Nothing to count for these dates yet" in html
        assert (
            reverse("plans:ieps", args=[sibling.pk]) in html and reverse("plans:calendars", args=[sibling.pk]) in html
        )
        # No empty charts or "0 of 0" sentences.
        assert "<svg" not in html and "You logged 0 of the 0 times" not in html


class QueryCountTests(DashboardTestCase):
    def fill(self, days: int) -> None:
        LogEntry.objects.all().delete()
        DayNote.objects.all().delete()
        start = D("2026-09-01")
        for offset in range(days):
            day = start + timedelta(days=offset)
            if day.weekday() < 5:
                log(self.extended_time, day, "missed" if offset % 4 == 0 else "delivered", reason="substitute")
                log(self.speech, day, "delivered", 30)
                DayNote.objects.create(child=self.child, date=day, tags=["substitute"] if offset % 3 else [])

    def count_queries(self) -> int:
        self.client.force_login(self.alice)
        AccessLog.objects.all().delete()  # each count is a first view: the access log's read and its insert
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url())
        assert response.status_code == 200
        return len(queries)

    def test_the_number_of_queries_does_not_grow_with_days_and_entries(self) -> None:
        """Given 5 days of entries and then 40 days (8x the entries and notes), when the page opens,
        then it runs the same number of queries, and few of them."""
        self.fill(5)
        few = self.count_queries()
        self.fill(40)
        many = self.count_queries()
        assert few == many
        assert many <= 15, many
