"""The school calendar (first and last day, weekdays, days off) and the child's absences."""

from __future__ import annotations

import json
from datetime import date

from django.urls import reverse

from evidence.models import EvidenceRecord
from plans.models import Absence, NonSchoolDay, SchoolCalendar
from tests.base import ViewerTestCase

YEAR = {"name": "2027-28", "first_day": "2027-08-23", "last_day": "2028-06-09", "days": ["0", "1", "2", "3", "4"]}


class CalendarTestCase(ViewerTestCase):
    def url(self, name: str, *args: object) -> str:
        return reverse(f"plans:{name}", args=[self.child.pk, *args])

    def state(self) -> tuple[int, int, int, int]:
        return (
            SchoolCalendar.objects.count(),
            NonSchoolDay.objects.count(),
            Absence.objects.count(),
            EvidenceRecord.objects.count(),
        )


class SchoolYearTests(CalendarTestCase):
    def test_an_editor_adds_a_school_year_and_the_ledger_records_it(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url("calendar_new"), YEAR)
        calendar = SchoolCalendar.objects.get(name="2027-28")
        assert response["Location"] == self.url("calendar", calendar.pk)
        assert (calendar.first_day, calendar.last_day, calendar.regular_weekdays()) == (
            date(2027, 8, 23),
            date(2028, 6, 9),
            {0, 1, 2, 3, 4},
        )
        record = self.new_records().get()
        assert record.kind == "calendar.created"
        assert json.loads(record.payload)["weekdays"] == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

    def test_a_last_day_before_the_first_day_is_refused(self) -> None:
        self.client.force_login(self.alice)
        before = self.state()
        response = self.client.post(self.url("calendar_new"), {**YEAR, "last_day": "2027-06-01"})
        assert response.status_code == 422
        assert (
            '<ul class="errorlist" id="id_last_day_error"><li>This date is before the first day (August 23, 2027).</li>'
            in response.content.decode()
        )
        assert self.state() == before

    def test_a_year_without_school_weekdays_is_refused(self) -> None:
        self.client.force_login(self.alice)
        before = self.state()
        response = self.client.post(self.url("calendar_new"), {**YEAR, "days": []})
        assert response.status_code == 422
        assert "Choose the weekdays your child has school." in response.content.decode()
        assert self.state() == before

    def test_overlapping_school_years_are_refused(self) -> None:
        self.client.force_login(self.alice)
        before = self.state()
        response = self.client.post(self.url("calendar_new"), {**YEAR, "first_day": "2027-06-01"})
        assert response.status_code == 422
        assert "These dates overlap the school year “2026-27”" in response.content.decode()
        assert self.state() == before

    def test_editing_the_year_keeps_it_from_overlapping_itself(self) -> None:
        self.client.force_login(self.alice)
        data = {"name": "2026-27", "first_day": "2026-08-26", "last_day": "2027-06-11", "days": ["0", "1", "2", "3"]}
        response = self.client.post(self.url("calendar_edit", self.calendar.pk), data)
        assert response.status_code == 302
        self.calendar.refresh_from_db()
        assert self.calendar.first_day == date(2026, 8, 26) and self.calendar.regular_weekdays() == {0, 1, 2, 3}
        assert self.new_records().get().kind == "calendar.edited"

    def test_the_year_page_lists_days_off_and_counts_school_days_by_month(self) -> None:
        self.client.force_login(self.dave)
        html = self.client.get(self.url("calendar", self.calendar.pk)).content.decode()
        assert "Thanksgiving break" in html and "Wed, Nov 25" in html and "Fri, Nov 27" in html
        assert "<span>Nov 2026</span> <strong>18</strong>" in html  # 21 weekdays minus 3 days of break
        assert "<span>Aug 2026</span> <strong>6</strong>" in html
        assert "Monday to Friday" in html
        assert "Add a day off" not in html  # a viewer reads only

    def test_the_calendar_list_shows_each_school_year(self) -> None:
        SchoolCalendar.objects.create(
            child=self.child, name="2027-28", first_day=date(2027, 8, 23), last_day=date(2028, 6, 9)
        )
        self.client.force_login(self.dave)
        html = self.client.get(self.url("calendars")).content.decode()
        assert html.index("2027-28") < html.index("2026-27")  # the newest year first
        assert "Aug 24, 2026 to Jun 11, 2027 · 1 holiday or break" in html
        assert "Add a school year" not in html
        self.client.force_login(self.charlie)
        assert self.client.get(self.url("calendars")).status_code == 404

    def test_a_viewer_and_an_outsider_cannot_change_the_year(self) -> None:
        before = self.state()
        for person in (self.dave, self.charlie):
            self.client.force_login(person)
            assert self.client.post(self.url("calendar_new"), YEAR).status_code == 404
            assert self.client.post(self.url("calendar_edit", self.calendar.pk), YEAR).status_code == 404
        assert self.state() == before


class DaysOffTests(CalendarTestCase):
    def test_an_editor_adds_a_break_and_the_ledger_records_the_calendar(self) -> None:
        self.client.force_login(self.bob)
        data = {"name": "Winter break", "start": "2026-12-21", "end": "2027-01-01"}
        response = self.client.post(self.url("day_off_add", self.calendar.pk), data)
        assert response.status_code == 302
        assert self.calendar.non_school_days.filter(name="Winter break", end=date(2027, 1, 1)).exists()
        record = self.new_records().get()
        assert record.kind == "calendar.edited"
        assert [d["name"] for d in json.loads(record.payload)["non_school_days"]] == [
            "Thanksgiving break",
            "Winter break",
        ]

    def test_a_single_day_needs_no_end(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.url("day_off_add", self.calendar.pk), {"name": "Veterans Day", "start": "2026-11-11"})
        day = NonSchoolDay.objects.get(name="Veterans Day")
        assert day.start == day.end == date(2026, 11, 11)
        assert not self.calendar.is_school_day(date(2026, 11, 11))

    def test_an_end_before_the_start_is_refused(self) -> None:
        self.client.force_login(self.alice)
        before = self.state()
        data = {"name": "Break", "start": "2027-01-01", "end": "2026-12-21"}
        response = self.client.post(self.url("day_off_add", self.calendar.pk), data)
        assert response.status_code == 422
        assert 'id="id_end_error"><li>This date is before the first day off (January 1, 2027).</li>' in (
            response.content.decode()
        )
        assert self.state() == before

    def test_a_day_off_outside_the_school_year_is_refused(self) -> None:
        self.client.force_login(self.alice)
        before = self.state()
        response = self.client.post(
            self.url("day_off_add", self.calendar.pk), {"name": "July 4", "start": "2027-07-05"}
        )
        assert response.status_code == 422
        assert "This date is outside the school year" in response.content.decode()
        assert self.state() == before

    def test_an_editor_removes_a_day_off(self) -> None:
        thanksgiving = self.calendar.non_school_days.get()
        self.client.force_login(self.bob)
        response = self.client.post(self.url("day_off_remove", self.calendar.pk), {"day_off": thanksgiving.pk})
        assert response.status_code == 302
        assert not NonSchoolDay.objects.exists()
        assert json.loads(self.new_records().get().payload)["non_school_days"] == []

    def test_a_day_off_of_another_calendar_cannot_be_removed_through_this_one(self) -> None:
        other = SchoolCalendar.objects.create(
            child=self.child, name="2027-28", first_day=date(2027, 8, 23), last_day=date(2028, 6, 9)
        )
        day = NonSchoolDay.objects.create(
            calendar=other, name="Labor Day", start=date(2027, 9, 6), end=date(2027, 9, 6)
        )
        self.client.force_login(self.alice)
        response = self.client.post(self.url("day_off_remove", self.calendar.pk), {"day_off": day.pk})
        assert response.status_code == 404
        assert NonSchoolDay.objects.filter(pk=day.pk).exists()

    def test_a_viewer_cannot_add_or_remove_days_off(self) -> None:
        thanksgiving = self.calendar.non_school_days.get()
        self.client.force_login(self.dave)
        data = {"name": "Break", "start": "2026-12-21"}
        assert self.client.post(self.url("day_off_add", self.calendar.pk), data).status_code == 404
        assert (
            self.client.post(self.url("day_off_remove", self.calendar.pk), {"day_off": thanksgiving.pk}).status_code
            == 404
        )
        assert NonSchoolDay.objects.count() == 1


class AbsenceTests(CalendarTestCase):
    def test_an_editor_marks_an_absence_and_the_ledger_records_it(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url("absences"), {"date": "2026-11-10", "reason": "Sick"})
        assert response.status_code == 302
        absence = Absence.objects.get()
        assert (absence.date, absence.reason) == (date(2026, 11, 10), "Sick")
        record = self.new_records().get()
        assert (record.kind, record.event_date) == ("absence.created", date(2026, 11, 10))
        html = self.client.get(self.url("absences")).content.decode()
        assert "Tuesday, November 10, 2026" in html and "Sick" in html

    def test_an_absence_on_a_day_without_school_is_refused(self) -> None:
        self.client.force_login(self.alice)
        before = self.state()
        for day, words in [
            ("2026-11-26", "Thursday, November 26, 2026 is not a school day"),  # Thanksgiving break
            ("2026-11-28", "Saturday, November 28, 2026 is not a school day"),
            ("2027-07-01", "Thursday, July 1, 2027 is not a school day"),  # after the last day
        ]:
            response = self.client.post(self.url("absences"), {"date": day})
            assert response.status_code == 422
            assert f'id="id_date_error"><li>{words} in the calendar' in response.content.decode()
        assert self.state() == before

    def test_the_same_day_cannot_be_marked_twice(self) -> None:
        Absence.objects.create(child=self.child, date=date(2026, 11, 10))
        self.client.force_login(self.alice)
        response = self.client.post(self.url("absences"), {"date": "2026-11-10"})
        assert response.status_code == 422
        assert "Maya Rivera is already marked absent on this day." in response.content.decode()
        assert Absence.objects.count() == 1

    def test_an_editor_removes_an_absence(self) -> None:
        absence = Absence.objects.create(child=self.child, date=date(2026, 11, 10))
        self.client.force_login(self.bob)
        self.client.post(self.url("absence_remove", absence.pk))
        assert not Absence.objects.exists()
        record = self.new_records().get()
        assert (record.kind, record.object_id) == ("absence.retracted", str(absence.pk))

    def test_a_viewer_reads_absences_but_cannot_change_them(self) -> None:
        absence = Absence.objects.create(child=self.child, date=date(2026, 11, 10), reason="Dentist")
        self.client.force_login(self.dave)
        html = self.client.get(self.url("absences")).content.decode()
        assert "Dentist" in html and "Add an absence" not in html
        assert self.client.post(self.url("absences"), {"date": "2026-11-12"}).status_code == 404
        assert self.client.post(self.url("absence_remove", absence.pk)).status_code == 404
        assert Absence.objects.count() == 1

    def test_an_outsider_gets_404(self) -> None:
        self.client.force_login(self.charlie)
        assert self.client.get(self.url("absences")).status_code == 404
