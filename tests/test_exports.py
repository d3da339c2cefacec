"""CSV of the log and .ics of the IEP dates: what a parent takes to a spreadsheet or a calendar."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from deadlines.services import edit_event, record_event
from logbook.models import DayNote, MissReason, Source, Status
from plans.models import Iep
from reports.exports import CSV_COLUMNS, entries_csv, iep_dates_ics
from tests.base import BaseTestCase, ViewerTestCase
from tests.reports_support import log


class EntriesCsvTests(ViewerTestCase):
    def setUp(self) -> None:
        self.missed = log(
            self.child,
            self.speech,
            date(2026, 9, 8),
            Status.MISSED,
            self.alice,
            minutes=0,
            reason=MissReason.PROVIDER_ABSENT,
            source=Source.TEACHER_SAID,
            reported_by="Ms. Patel",
            note="=SUM(A1) said the SLP was out; “no sub”",
        )
        log(self.child, self.extended_time, date(2026, 9, 8), Status.DELIVERED, self.bob)
        DayNote.objects.create(child=self.child, date=date(2026, 9, 8), tags=["substitute", "test day"])

    def rows(self, text: str) -> list[dict[str, str]]:
        assert text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))

    def test_each_entry_is_one_row_with_exact_wording_iso_dates_and_lag(self) -> None:
        rows = self.rows(entries_csv(self.child))
        assert list(rows[0].keys()) == CSV_COLUMNS
        assert len(rows) == 2
        speech = next(r for r in rows if r["provision"] == "Speech therapy")
        assert speech["date"] == "2026-09-08"
        assert speech["weekday"] == "Tuesday"
        assert speech["exact_wording"] == self.speech.wording
        assert speech["status"] == "missed"
        assert speech["minutes_delivered"] == "0"
        assert speech["miss_reason"] == "Provider or staff absent"
        assert speech["school_caused"] == "yes"
        assert speech["source"] == "A teacher or staff member told me"
        assert speech["reported_by"] == "Ms. Patel"
        assert speech["recording_lag_days"] == str((timezone.localdate() - date(2026, 9, 8)).days)
        assert speech["retracted"] == "no"
        assert speech["day_tags"] == "substitute; test day"
        assert speech["recorded_at_utc"].endswith("Z")

    def test_a_note_that_looks_like_a_formula_is_kept_as_text(self) -> None:
        speech = next(r for r in self.rows(entries_csv(self.child)) if r["provision"] == "Speech therapy")
        assert speech["note"] == "'=SUM(A1) said the SLP was out; “no sub”"

    def test_a_retracted_entry_stays_in_the_file_and_is_flagged(self) -> None:
        self.missed.retracted_at = datetime(2026, 9, 9, 12, tzinfo=UTC)
        self.missed.retraction_reason = "Logged for the wrong day"
        self.missed.save()
        speech = next(r for r in self.rows(entries_csv(self.child)) if r["provision"] == "Speech therapy")
        assert speech["retracted"] == "yes"
        assert speech["retracted_at_utc"] == "2026-09-09T12:00:00Z"
        assert speech["retraction_reason"] == "Logged for the wrong day"

    def test_owner_editor_and_viewer_download_it_and_an_outsider_gets_404(self) -> None:
        url = reverse("reports:entries_csv", args=[self.child.pk])
        for person in (self.alice, self.bob, self.dave):
            self.client.force_login(person)
            response = self.client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == "text/csv; charset=utf-8"
            assert "attachment;" in response["Content-Disposition"]
            assert "Speech-language therapy, 60 minutes per week" in response.content.decode("utf-8")
        self.client.force_login(self.charlie)
        assert self.client.get(url).status_code == 404

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client.get(reverse("reports:entries_csv", args=[self.child.pk]))
        assert response.status_code == 302


class IepDatesIcsTests(BaseTestCase):
    def setUp(self) -> None:
        Iep.objects.filter(pk=self.iep.pk).update(
            meeting_date=date(2026, 8, 28), reevaluation_due=date(2028, 5, 1), annual_review_due=date(2027, 8, 31)
        )

    def events(self, data: bytes) -> dict[str, object]:
        calendar = Calendar.from_ical(data)
        return {str(e["UID"]): e for e in calendar.walk("VEVENT")}

    def test_every_iep_date_is_an_all_day_event_with_its_rule(self) -> None:
        events = self.events(iep_dates_ics(self.child, now=datetime(2026, 10, 1, tzinfo=UTC)))
        assert len(events) == 3
        review = events[f"iepright-iep{self.iep.pk}-annual-review@iepright"]
        assert review["SUMMARY"] == "Annual IEP review due: Maya Rivera"  # type: ignore[index]
        assert review.decoded("DTSTART") == date(2027, 8, 31)  # type: ignore[attr-defined]
        assert review.decoded("DTEND") == date(2027, 9, 1)  # type: ignore[attr-defined]
        assert "300.324(b)(1)" in str(review["DESCRIPTION"])  # type: ignore[index]
        assert "not legal advice" in str(review["DESCRIPTION"])  # type: ignore[index]
        reevaluation = events[f"iepright-iep{self.iep.pk}-reevaluation@iepright"]
        assert reevaluation.decoded("DTSTART") == date(2028, 5, 1)  # type: ignore[attr-defined]
        meeting = events[f"iepright-iep{self.iep.pk}-meeting@iepright"]
        assert meeting.decoded("DTSTART") == date(2026, 8, 28)  # type: ignore[attr-defined]

    def test_uids_stay_the_same_between_exports(self) -> None:
        first = set(self.events(iep_dates_ics(self.child, now=datetime(2026, 10, 1, tzinfo=UTC))))
        second = set(self.events(iep_dates_ics(self.child, now=datetime(2027, 1, 5, tzinfo=UTC))))
        assert first == second

    def test_a_superseded_version_keeps_its_meeting_but_not_its_due_dates(self) -> None:
        Iep.objects.filter(pk=self.iep.pk).update(status=Iep.Status.SUPERSEDED)
        events = self.events(iep_dates_ics(self.child))
        assert list(events) == [f"iepright-iep{self.iep.pk}-meeting@iepright"]

    def test_the_download_is_a_calendar_for_members_only(self) -> None:
        url = reverse("reports:iep_dates_ics", args=[self.child.pk])
        self.client.force_login(self.bob)
        response = self.client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert len(self.events(response.content)) == 3
        self.client.force_login(self.charlie)
        assert self.client.get(url).status_code == 404


class DeadlinesInTheIcsTests(BaseTestCase):
    def test_computed_deadlines_are_in_the_childs_calendar_with_stable_uids(self) -> None:
        event = record_event(self.child, "records_request", date(2026, 11, 20), self.alice)
        record_event(self.child, "knew_or_should_have_known", date(2026, 11, 1), self.alice)
        data = iep_dates_ics(self.child, now=datetime(2026, 11, 21, tzinfo=UTC))
        found = {str(e["UID"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
        uid = f"iepright-child{self.child.pk}-deadline-records_request-records_request-{event.pk}@iepright"
        records = found[uid]
        assert records.decoded("DTSTART") == date(2026, 12, 2)  # 5 business days, Thanksgiving skipped (CA)
        assert "Cal. Ed. Code 56504" in str(records["DESCRIPTION"]) and "not legal advice" in str(
            records["DESCRIPTION"]
        )
        assert records.walk("VALARM")  # an upcoming deadline reminds a week ahead
        assert len([u for u in found if "-deadline-" in u]) == 2
        edit_event(event, kind="records_request", day=date(2026, 11, 23), note="", user=self.alice)
        again = {str(e["UID"]): e for e in Calendar.from_ical(iep_dates_ics(self.child)).walk("VEVENT")}
        assert set(again) == set(found)  # the same UIDs: a calendar replaces the entry
        assert again[uid].decoded("DTSTART") == date(2026, 12, 3)
