"""Reports after issues 11 and 15: sessions beside minutes, three states, the phone's tap time.

Hand-computed: OT, flexible, 120 minutes and 4 sessions of 30 minutes per month. October 2026 (no
absence): Mon 5 delivered 30, Wed 14 partly delivered 20, Fri 23 missed. Minutes: required 120,
delivered 50, shortfall 70. Sessions: required 4, held 2 (the delivered and the partly delivered),
short 2.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from insights.compliance import compute_compliance
from logbook.models import MissReason, Status
from logbook.services import record_entry
from plans.models import Provision
from plans.payloads import provision_payload
from reports.data import _provision
from reports.services import generate_report
from reports.storage import read_report
from tests.base import BaseTestCase, _append_rows
from tests.pdfcheck import flat, pdf_text
from tests.reports_support import TempFiles, log

START, END = date(2026, 10, 1), date(2026, 10, 31)


class ReportSessionsTests(TempFiles, BaseTestCase):
    def setUp(self) -> None:
        self.ot = Provision.objects.create(
            iep=self.iep,
            position=3,
            kind="service",
            label="Occupational therapy",
            wording="OT 120 minutes per month, 4 sessions of 30 minutes",
            schedule="flexible",
            minutes=120,
            period="month",
            sessions=4,
            session_minutes=30,
        )
        _append_rows(self.alice, self.iep, [("provision", self.ot, provision_payload(self.ot))])
        log(self.child, self.ot, date(2026, 10, 5), Status.DELIVERED, self.alice, minutes=30)
        log(self.child, self.ot, date(2026, 10, 14), Status.PARTIAL, self.alice, minutes=20)
        log(self.child, self.ot, date(2026, 10, 23), Status.MISSED, self.alice, minutes=0, reason=MissReason.SUBSTITUTE)

    def text(self, kind: str, only_ot: bool = True) -> str:
        chosen = [self.ot.pk] if only_ot else None
        report = generate_report(self.child, user=self.alice, kind=kind, start=START, end=END, provision_ids=chosen)
        return flat(pdf_text(read_report(report.sha256)))

    def test_the_meeting_summary_shows_sessions_required_held_and_short_beside_the_minutes(self) -> None:
        text = self.text("summary")
        assert "Sessions required / held / short" in text
        assert "Occupational therapy (per month) 120 50 70 min 4/2/2" in text.replace(" / ", "/")
        # Days: one missed (school-caused: a substitute), one partly delivered, never counted as missed.
        assert "1 (1); 1 partly delivered" in text

    def test_the_evidence_report_shows_the_sessions_per_period_and_in_total(self) -> None:
        text = self.text("evidence")
        assert "required 120, delivered 50 (make-up 0), documented shortfall 70" in text
        assert "required 4, held 2 (delivered or partly delivered), sessions short 2" in text
        # The period row of the table: minutes required, delivered, short, sessions required, held, short.
        ot = compute_compliance(self.child, START, END, provision_ids=[self.ot.pk]).provisions[0]
        row = _provision(ot)["service"]["periods"][0]
        assert (row["required"], row["delivered"], row["shortfall"]) == (120, 50, 70)
        assert (row["sessions_required"], row["sessions_held"], row["sessions_shortfall"]) == (4, 2, 2)
        assert "Sessions held 2 Sessions short 2 State logged" in text

    def test_a_partly_delivered_session_is_called_partly_delivered_with_its_minutes(self) -> None:
        log(self.child, self.extended_time, date(2026, 10, 6), Status.PARTIAL, self.alice)
        text = self.text("evidence", only_ot=False)
        assert "Chronology of every missed or partly delivered entry" in text
        assert "Partly delivered, 20 of 30 min." in text
        assert "Missed, 0 of 30 min." in text
        assert text.count("Partly delivered, ") == 1  # the accommodation's partly has no minutes
        assert "Partly delivered. " in text
        # The calendar legend never calls a partly delivered day missed.
        assert "Some partly delivered or missed" in text
        assert "Some missed" not in text

    def test_the_chronology_shows_the_phones_tap_time_and_the_lag_to_the_server(self) -> None:
        tapped = timezone.now().replace(microsecond=0) - timedelta(hours=2, minutes=38)
        day = timezone.localdate() - timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        record_entry(
            self.child,
            day,
            self.ot,
            status=Status.MISSED,
            user=self.alice,
            client_id=uuid.uuid4(),
            minutes_delivered=0,
            miss_reason=MissReason.PROVIDER_ABSENT,
            device_time=tapped,
        )
        # The co-parent changes it a little later from a phone with no tap time: the chronology still
        # shows when the first save was tapped, beside "First recorded".
        record_entry(
            self.child,
            day,
            self.ot,
            status=Status.MISSED,
            user=self.bob,
            client_id=uuid.uuid4(),
            minutes_delivered=0,
            miss_reason=MissReason.CANCELLED_BY_SCHOOL,
        )
        report = generate_report(
            self.child, user=self.alice, kind="evidence", start=day, end=day, provision_ids=[self.ot.pk]
        )
        text = flat(pdf_text(read_report(report.sha256)))
        local = tapped.astimezone(ZoneInfo(settings.TIME_ZONE))
        when = f"{local:%-I:%M} {'am' if local.hour < 12 else 'pm'}"
        if local.date() != day:
            when += f" on {local:%b} {local.day}, {local.year}"
        assert f"tapped {when} on the phone, received 2 h 38 min later" in text
