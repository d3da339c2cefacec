"""School calendar setup: the district's .ics file, the federal holidays in one tap, a sibling's year."""

from __future__ import annotations

from datetime import date, datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import EvidenceRecord
from evidence.verify import verify_child
from plans.calendar_import import federal_holidays, read_ics
from plans.models import Child, NonSchoolDay, SchoolCalendar
from tests.base import ViewerTestCase


def district_ics() -> bytes:
    """A district's 2026-27 calendar as districts publish it: all-day events, a timed one, school-day events."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Riverside USD//Calendar//EN")
    calendar.add("version", "2.0")
    events = [
        ("First Day of School", date(2026, 8, 24), date(2026, 8, 25)),
        ("Labor Day - No School", date(2026, 9, 7), date(2026, 9, 8)),
        ("Teacher Work Day (No School for Students)", date(2026, 10, 9), date(2026, 10, 10)),
        ("Early Release", date(2026, 10, 21), date(2026, 10, 22)),
        ("Thanksgiving Break", date(2026, 11, 25), date(2026, 11, 28)),
        ("Winter Break", date(2026, 12, 21), date(2027, 1, 2)),
        ("Back to School Night", datetime(2026, 9, 10, 18, 0), datetime(2026, 9, 10, 19, 30)),
        ("Spring Break", date(2027, 3, 29), date(2027, 4, 3)),
        ("Memorial Day", date(2027, 5, 31), date(2027, 6, 1)),
        ("Last Day of School", date(2027, 6, 10), date(2027, 6, 11)),
        ("Summer Break", date(2027, 6, 14), date(2027, 8, 21)),
    ]
    for name, start, end in events:
        event = icalendar.Event()
        event.add("summary", name)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("uid", f"{name}@riverside.example")
        calendar.add_component(event)
    return calendar.to_ical()


def test_the_ics_file_proposes_the_year_and_its_days_off_with_breaks_as_ranges() -> None:
    year = read_ics(district_ics())
    assert (year.first_day, year.last_day) == (date(2026, 8, 24), date(2027, 6, 10))
    assert year.name == "2026-27 school year"
    assert [(d.name, d.start, d.end) for d in year.days_off] == [
        ("Labor Day - No School", date(2026, 9, 7), date(2026, 9, 7)),
        ("Teacher Work Day (No School for Students)", date(2026, 10, 9), date(2026, 10, 9)),
        ("Thanksgiving Break", date(2026, 11, 25), date(2026, 11, 27)),
        ("Winter Break", date(2026, 12, 21), date(2027, 1, 1)),
        ("Spring Break", date(2027, 3, 29), date(2027, 4, 2)),
        ("Memorial Day", date(2027, 5, 31), date(2027, 5, 31)),
    ]  # early release and back-to-school night are school days; summer is after the last day


def test_the_federal_holidays_of_a_school_year_are_the_weekday_ones_inside_it() -> None:
    found = federal_holidays(date(2026, 8, 24), date(2027, 6, 11))
    assert [(d.start, d.name) for d in found] == [
        (date(2026, 9, 7), "Labor Day"),
        (date(2026, 10, 12), "Columbus Day"),
        (date(2026, 11, 11), "Veterans Day"),
        (date(2026, 11, 26), "Thanksgiving Day"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2027, 1, 1), "New Year's Day"),
        (date(2027, 1, 18), "Martin Luther King Jr. Day"),
        (date(2027, 2, 15), "Washington's Birthday"),
        (date(2027, 5, 31), "Memorial Day"),
    ]


class CalendarImportTests(ViewerTestCase):
    leo: Child

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.leo = Child.objects.create(household=cls.household, name="Leo Rivera", school="Lincoln Elementary")

    def url(self, name: str, child: Child | None = None, *args: object) -> str:
        return reverse(f"plans:{name}", args=[(child or self.leo).pk, *args])

    def test_an_imported_calendar_is_reviewed_then_saved_with_one_ledger_record(self) -> None:
        self.client.force_login(self.bob)
        ics = SimpleUploadedFile("district.ics", district_ics(), content_type="text/calendar")
        response = self.client.post(self.url("calendar_import"), {"ics": ics})
        assert response["Location"] == self.url("calendar_import_review")
        assert SchoolCalendar.objects.filter(child=self.leo).count() == 0  # nothing saved before the review
        html = self.client.get(self.url("calendar_import_review")).content.decode()
        assert 'name="first_day" value="2026-08-24"' in html and 'name="last_day" value="2027-06-10"' in html
        assert html.count('name="day"') == 6 and "Winter Break" in html and "Early Release" not in html
        before = EvidenceRecord.objects.count()
        data = {"name": "2026-27", "first_day": "2026-08-24", "last_day": "2027-06-10", "day": ["0", "2", "3", "4"]}
        response = self.client.post(self.url("calendar_import_review"), data)
        calendar = SchoolCalendar.objects.get(child=self.leo)
        assert response["Location"] == self.url("calendar", None, calendar.pk)
        assert [(d.name, d.start, d.end) for d in calendar.non_school_days.all()] == [
            ("Labor Day - No School", date(2026, 9, 7), date(2026, 9, 7)),
            ("Thanksgiving Break", date(2026, 11, 25), date(2026, 11, 27)),
            ("Winter Break", date(2026, 12, 21), date(2027, 1, 1)),
            ("Spring Break", date(2027, 3, 29), date(2027, 4, 2)),
        ]
        records = list(EvidenceRecord.objects.order_by("pk"))[before:]
        assert [r.kind for r in records] == ["calendar.created"] and '"Winter Break"' in records[0].payload

    def test_a_year_overlapping_another_is_refused_with_422_and_nothing_saved(self) -> None:
        self.client.force_login(self.alice)
        ics = SimpleUploadedFile("district.ics", district_ics(), content_type="text/calendar")
        self.client.post(self.url("calendar_import", self.child), {"ics": ics})
        data = {"name": "x", "first_day": "2026-09-01", "last_day": "2027-06-01", "day": ["0"]}
        before = (SchoolCalendar.objects.count(), NonSchoolDay.objects.count(), EvidenceRecord.objects.count())
        response = self.client.post(self.url("calendar_import_review", self.child), data)
        assert response.status_code == 422 and 'id="id_first_day_error"' in response.content.decode()
        assert (SchoolCalendar.objects.count(), NonSchoolDay.objects.count(), EvidenceRecord.objects.count()) == before

    def test_a_file_that_is_not_a_calendar_answers_422(self) -> None:
        self.client.force_login(self.alice)
        junk = SimpleUploadedFile("district.ics", b"not a calendar", content_type="text/calendar")
        response = self.client.post(self.url("calendar_import"), {"ics": junk})
        assert response.status_code == 422 and "is not a calendar" in response.content.decode()

    def test_the_federal_holidays_are_offered_and_added_in_one_tap_each_removable(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(self.url("calendar", self.child, self.calendar.pk)).content.decode()
        assert (
            html.count('name="holiday"') == 8
        )  # 9 in the year; Thanksgiving Day is inside the Thanksgiving break already
        assert 'value="2026-11-26"' not in html and 'value="2027-01-18" checked' in html
        before = EvidenceRecord.objects.count()
        chosen = ["2026-09-07", "2026-12-25", "2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31"]
        self.client.post(self.url("calendar_holidays", self.child, self.calendar.pk), {"holiday": chosen})
        names = list(self.calendar.non_school_days.values_list("name", flat=True))
        assert names == [
            "Labor Day",
            "Thanksgiving break",
            "Christmas Day",
            "New Year's Day",
            "Martin Luther King Jr. Day",
            "Washington's Birthday",
            "Memorial Day",
        ]
        assert EvidenceRecord.objects.count() == before + 1  # one calendar.edited record for all six
        assert verify_child(self.child.pk).ok
        html = self.client.get(self.url("calendar", self.child, self.calendar.pk)).content.decode()
        assert html.count(">Remove<span") == 7 and html.count('name="holiday"') == 2

    def test_a_sibling_reuses_the_calendar_in_one_tap(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(self.url("calendar_import")).content.decode()
        assert "Use Maya Rivera's 2026-27</button>" in html
        response = self.client.post(self.url("calendar_copy"), {"calendar": self.calendar.pk})
        copy = SchoolCalendar.objects.get(child=self.leo)
        assert response["Location"] == self.url("calendar", None, copy.pk)
        assert (copy.first_day, copy.last_day, copy.weekdays) == (date(2026, 8, 24), date(2027, 6, 11), 0b11111)
        assert [(d.name, d.start, d.end) for d in copy.non_school_days.all()] == [
            ("Thanksgiving break", date(2026, 11, 25), date(2026, 11, 27))
        ]
        assert EvidenceRecord.objects.filter(child=self.leo, kind="calendar.created").count() == 1
        assert verify_child(self.leo.pk).ok
        response = self.client.post(self.url("calendar_copy"), {"calendar": self.calendar.pk})
        assert SchoolCalendar.objects.filter(child=self.leo).count() == 1  # a second copy would overlap

    def test_another_familys_calendar_cannot_be_copied(self) -> None:
        from tests.base import make_family

        other = Child.objects.create(household=make_family(self.charlie, "Other"), name="Zed")
        theirs = SchoolCalendar.objects.create(
            child=other, name="x", first_day=date(2027, 8, 1), last_day=date(2028, 6, 1)
        )
        self.client.force_login(self.alice)
        assert self.client.post(self.url("calendar_copy"), {"calendar": theirs.pk}).status_code == 404
        assert SchoolCalendar.objects.filter(child=self.leo).count() == 0

    def test_a_viewer_and_an_outsider_get_404(self) -> None:
        for person in (self.dave, self.charlie):
            self.client.force_login(person)
            assert self.client.get(self.url("calendar_import")).status_code == 404
            assert self.client.get(self.url("calendar_import_review")).status_code == 404
            assert self.client.post(self.url("calendar_copy"), {"calendar": self.calendar.pk}).status_code == 404
            holidays = self.url("calendar_holidays", self.child, self.calendar.pk)
            assert self.client.post(holidays, {"holiday": ["2026-09-07"]}).status_code == 404
