"""Services as IEPs state them: fixed days or flexible, minutes and sessions per week or month.

Covers the model (design.md section 4), the form rules, the ledger payload (chains keep verifying)
and the data migration that turns every-day services that cannot be daily into flexible ones.
"""

from __future__ import annotations

import importlib
import json
from datetime import date

from django.apps import apps
from django.urls import reverse

from evidence.models import EvidenceRecord
from evidence.verify import verify_child
from plans.models import Provision
from plans.payloads import provision_payload
from plans.services import amend_iep, save_provision
from tests.base import BaseTestCase

OT_MONTHLY = {
    "kind": "service",
    "label": "Occupational therapy",
    "wording": "Occupational therapy, 120 minutes per month, 4 sessions of 30 minutes.",
    "schedule": "flexible",
    "minutes": "120",
    "period": "month",
    "sessions": "4",
    "session_minutes": "30",
}

migration = importlib.import_module("plans.migrations.0003_flexible_services_from_every_day")


class FlexibleProvisionTests(BaseTestCase):
    def url(self) -> str:
        return reverse("plans:provision_new", args=[self.child.pk, self.iep.pk])

    def test_a_flexible_service_is_never_expected_on_a_day(self) -> None:
        ot = Provision(iep=self.iep, kind="service", schedule=Provision.Schedule.FLEXIBLE, minutes=120, period="month")
        monday = date(2026, 9, 14)
        assert ot.scheduled_weekdays() == set()
        assert ot.is_expected_on(monday, self.calendar) is False
        assert ot.is_flexible and ot.schedule_phrase == "Flexible (the provider picks the days)"

    def test_an_editor_adds_a_flexible_monthly_service_with_sessions(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.url(), OT_MONTHLY)
        assert response.status_code == 302
        ot = Provision.objects.get(label="Occupational therapy")
        assert (ot.schedule, ot.minutes, ot.period, ot.sessions, ot.session_minutes) == (
            "flexible",
            120,
            "month",
            4,
            30,
        )
        assert ot.amount_phrase == "120 per month (4 sessions of 30 min)"
        payload = json.loads(self.new_records().get(object_type="provision").payload)
        assert payload["schedule"] == "flexible" and payload["sessions"] == 4
        assert verify_child(self.child.pk).ok

    def test_a_flexible_schedule_without_minutes_is_refused_with_422(self) -> None:
        self.client.force_login(self.alice)
        before = Provision.objects.count(), EvidenceRecord.objects.count()
        response = self.client.post(self.url(), {**OT_MONTHLY, "minutes": "", "period": "", "sessions": ""})
        assert response.status_code == 422
        assert (
            "A flexible schedule needs the minutes per week or per month the IEP requires." in response.content.decode()
        )
        assert (Provision.objects.count(), EvidenceRecord.objects.count()) == before

    def test_sessions_without_a_period_are_refused(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(
            self.url(), {**OT_MONTHLY, "schedule": "every_day", "minutes": "", "period": "", "sessions": "2"}
        )
        assert response.status_code == 422
        assert "Sessions are counted per week or per month" in response.content.decode()

    def test_zero_sessions_are_refused(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url(), {**OT_MONTHLY, "sessions": "0"})
        assert response.status_code == 422
        assert "Enter at least 1 session, or leave it empty." in response.content.decode()

    def test_the_payload_leaves_out_sessions_while_empty_so_old_records_still_match(self) -> None:
        """Given a provision recorded before sessions existed, its payload has no "sessions" key."""
        assert "sessions" not in provision_payload(self.speech)
        assert verify_child(self.child.pk).ok

    def test_an_amendment_copies_sessions_and_the_flexible_schedule(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.url(), OT_MONTHLY)
        new = amend_iep(self.iep, date(2026, 10, 1), self.alice, "New goals")
        copy = new.provisions.get(label="Occupational therapy")
        assert (copy.schedule, copy.sessions, copy.session_minutes) == ("flexible", 4, 30)
        assert verify_child(self.child.pk).ok


class MigrationTests(BaseTestCase):
    def add(self, label: str, **fields: object) -> Provision:
        provision = Provision(iep=self.iep, kind="service", label=label, wording=label, **fields)
        return save_provision(provision, user=self.alice)

    def test_monthly_and_unfittable_weekly_every_day_services_become_flexible_and_the_chain_verifies(self) -> None:
        """Given every-day services: 30/month; 60/week in sessions of 30; 150/week in sessions of 30;
        and speech on Tue/Thu 60/week. When the migration runs, then the first two are flexible (5 x 30
        > 60), the daily 150/week and the weekday speech stay, each change has one ledger record by
        "system", and the chain still verifies."""
        monthly = self.add("OT", minutes=30, period="month")
        weekly = self.add("Counseling", minutes=60, period="week", session_minutes=30)
        daily = self.add("Reading", minutes=150, period="week", session_minutes=30)
        before = EvidenceRecord.objects.count()
        migration.make_flexible(apps, None)
        schedules = {p.label: p.schedule for p in Provision.objects.filter(iep=self.iep)}
        assert schedules == {
            "Extended time": "every_day",
            "Speech therapy": "weekdays",
            "OT": "flexible",
            "Counseling": "flexible",
            "Reading": "every_day",
        }
        added = list(EvidenceRecord.objects.order_by("pk")[before:])
        assert [(r.kind, r.object_id, r.recorded_by_name) for r in added] == [
            ("provision.edited", str(monthly.pk), "system"),
            ("provision.edited", str(weekly.pk), "system"),
        ]
        assert json.loads(added[0].payload) == provision_payload(Provision.objects.get(pk=monthly.pk))
        assert daily.schedule == "every_day"
        report = verify_child(self.child.pk)
        assert report.ok, report.problem
