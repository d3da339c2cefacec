"""Adding and editing a child; the child's overview page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from logbook.models import LogEntry, Status
from plans.models import Absence, Child, Iep, NonSchoolDay
from tests.base import ViewerTestCase

MONDAY_NOON = datetime(2026, 11, 30, 12, tzinfo=ZoneInfo("America/New_York"))
CHILD = {
    "name": "Leo Rivera",
    "date_of_birth": "2019-06-01",
    "school": "Lincoln Elementary",
    "grade": "1",
    "district": "Springfield USD",
    "state": "CA",
}


class AddChildTests(ViewerTestCase):
    def url(self) -> str:
        return reverse("plans:child_new", args=[self.household.pk])

    def test_the_owner_adds_a_child(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url(), CHILD)
        leo = Child.objects.get(name="Leo Rivera")
        assert response["Location"] == reverse("plans:child", args=[leo.pk])
        assert (leo.household, leo.date_of_birth, leo.grade, leo.state) == (self.household, date(2019, 6, 1), "1", "CA")

    def test_a_co_parent_adds_a_child_with_only_a_name(self) -> None:
        self.client.force_login(self.bob)
        self.client.post(self.url(), {"name": "Leo"})
        leo = Child.objects.get(name="Leo")
        assert leo.date_of_birth is None and leo.school == ""

    def test_a_viewer_and_an_outsider_get_404(self) -> None:
        for person in (self.dave, self.charlie):
            self.client.force_login(person)
            assert self.client.get(self.url()).status_code == 404
            assert self.client.post(self.url(), CHILD).status_code == 404
        assert Child.objects.count() == 1

    def test_a_birth_date_in_the_future_is_refused(self) -> None:
        self.client.force_login(self.alice)
        with time_machine.travel(MONDAY_NOON):
            response = self.client.post(self.url(), {**CHILD, "date_of_birth": "2027-01-01"})
        assert response.status_code == 422
        html = response.content.decode()
        assert '<ul class="errorlist" id="id_date_of_birth_error"><li>This date is in the future.</li></ul>' in html
        assert Child.objects.count() == 1

    def test_a_missing_name_is_refused(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url(), {**CHILD, "name": ""})
        assert response.status_code == 422
        assert 'id="id_name_error"' in response.content.decode()
        assert Child.objects.count() == 1

    def test_the_form_labels_every_field(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(self.url()).content.decode()
        for field, label in [("name", "Child&#x27;s name"), ("school", "School"), ("state", "State")]:
            assert f'<label for="id_{field}">{label}' in html
        assert 'type="date" name="date_of_birth"' in html


class EditChildTests(ViewerTestCase):
    def url(self) -> str:
        return reverse("plans:child_edit", args=[self.child.pk])

    def test_an_editor_changes_the_grade(self) -> None:
        self.client.force_login(self.bob)
        self.client.post(self.url(), {**CHILD, "name": "Maya Rivera", "grade": "6"})
        self.child.refresh_from_db()
        assert self.child.grade == "6"

    def test_a_viewer_and_an_outsider_get_404(self) -> None:
        for person in (self.dave, self.charlie):
            self.client.force_login(person)
            assert self.client.post(self.url(), {**CHILD, "grade": "9"}).status_code == 404
        self.child.refresh_from_db()
        assert self.child.grade == "5"

    def test_an_invalid_edit_keeps_the_child_as_it_was(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url(), {**CHILD, "name": "", "grade": "9"})
        assert response.status_code == 422
        self.child.refresh_from_db()
        assert (self.child.name, self.child.grade) == ("Maya Rivera", "5")
        assert "<h1>About Maya Rivera</h1>" in response.content.decode()


@time_machine.travel(MONDAY_NOON, tick=False)
class OverviewTests(ViewerTestCase):
    def url(self) -> str:
        return reverse("plans:child", args=[self.child.pk])

    def test_it_shows_the_iep_in_effect_its_items_and_key_dates(self) -> None:
        self.client.force_login(self.dave)
        response = self.client.get(self.url())
        html = response.content.decode()
        assert "In effect since September 1, 2026" in html
        assert "2 items: 1 accommodation, 1 service." in html
        assert "Extended time" in html and "Speech therapy" in html and "60 min per week" in html
        assert "Annual review due" in html and "Aug 31, 2027" in html and "in 274 days" in html
        assert "the deadlines are estimates" in html  # the disclaimer next to deadlines

    def test_it_summarises_the_school_year(self) -> None:
        Absence.objects.create(child=self.child, date=date(2026, 11, 10))
        NonSchoolDay.objects.create(
            calendar=self.calendar, name="Winter break", start=date(2026, 12, 21), end=date(2027, 1, 1)
        )
        self.client.force_login(self.alice)
        html = self.client.get(self.url()).content.decode()
        # Aug 24 to Nov 30: 71 weekdays, minus the 3 days of Thanksgiving break.
        assert "<dt>School days so far</dt><dd>68" in html
        assert "<dt>Absences so far</dt><dd>1</dd>" in html
        assert "Next day off: <strong>Winter break</strong>, Dec 21 to Jan 1" in html

    def test_links_to_every_section_of_the_childs_records(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(self.url()).content.decode()
        for name in ["plans:ieps", "plans:calendars", "plans:absences"]:
            assert f'href="{reverse(name, args=[self.child.pk])}"' in html
        assert 'aria-current="page">Overview</a>' in html

    def test_a_child_without_an_iep_or_calendar_is_shown_the_next_steps(self) -> None:
        leo = Child.objects.create(household=self.household, name="Leo")
        self.client.force_login(self.alice)
        html = self.client.get(reverse("plans:child", args=[leo.pk])).content.decode()
        assert "Add the IEP" in html and "Add the school calendar" in html

    def test_a_draft_is_pointed_out(self) -> None:
        draft = Iep.objects.create(child=self.child, effective_from=date(2027, 1, 4), status=Iep.Status.DRAFT)
        self.client.force_login(self.alice)
        html = self.client.get(self.url()).content.decode()
        assert "A draft IEP (from January 4, 2027) is not in effect yet." in html
        assert reverse("plans:iep", args=[self.child.pk, draft.pk]) in html

    def test_a_viewer_sees_no_edit_links(self) -> None:
        self.client.force_login(self.dave)
        html = self.client.get(self.url()).content.decode()
        assert reverse("plans:child_edit", args=[self.child.pk]) not in html

    def test_the_outsider_gets_404(self) -> None:
        self.client.force_login(self.charlie)
        assert self.client.get(self.url()).status_code == 404

    def test_the_page_costs_a_fixed_number_of_queries(self) -> None:
        """Given the overview, when the log and the absences grow, then the page's query count does not."""
        self.client.force_login(self.alice)
        self.client.get(self.url())
        with CaptureQueriesContext(connection) as before:
            self.client.get(self.url())
        for offset in range(20):
            day = date(2026, 11, 2) + timedelta(days=offset)
            LogEntry.objects.create(child=self.child, date=day, provision=self.extended_time, status=Status.DELIVERED)
        Absence.objects.create(child=self.child, date=date(2026, 11, 23), reason="Sick")
        with CaptureQueriesContext(connection) as after:
            self.client.get(self.url())
        assert len(after) == len(before) <= 20
