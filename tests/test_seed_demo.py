"""The demo family: realistic, complete, made through the services, loadable on a fresh database."""

from __future__ import annotations

import importlib.machinery
import itertools
import sys
import types
from datetime import date, timedelta
from io import StringIO
from unittest import mock

from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import TestCase

import logbook.demo
from accounts.models import Household, Membership, Role, User
from evidence.models import EvidenceRecord
from evidence.verify import verify_child
from logbook.models import DayNote, LogEntry, Status
from plans.demo import DEMO_PEOPLE, holidays, nth_weekday
from plans.models import Child, Iep
from plans.schooldays import SchoolDays

TODAY = date(2026, 11, 28)


def seed(*, logs: bool = False, **options: object) -> str:
    """Run seed_demo. The year of logs (logbook.demo) takes seconds, so only tests about logs ask for it."""
    out = StringIO()
    if logs:
        call_command("seed_demo", stdout=out, **options)
    else:
        with mock.patch.object(logbook.demo, "extend_demo", lambda family: None):
            call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


class SeedDemoTests(TestCase):
    def test_it_loads_two_parents_an_advocate_and_prints_their_logins(self) -> None:
        output = seed(today=TODAY)
        assert "parent@demo.iepright.org / demo-parent-2026" in output
        assert "advocate@demo.iepright.org / demo-advocate-2026" in output
        household = Household.objects.get()
        roles = dict(Membership.objects.values_list("user__email", "role"))
        assert roles == {
            "parent@demo.iepright.org": Role.OWNER,
            "coparent@demo.iepright.org": Role.EDITOR,
            "advocate@demo.iepright.org": Role.VIEWER,
        }
        assert household.name == "Okafor family"
        assert EmailAddress.objects.filter(verified=True, primary=True).count() == 3
        for email, password, *_ in DEMO_PEOPLE:
            assert self.client.login(email=email, password=password)

    def test_each_child_has_a_current_iep_with_real_items_and_a_few_services_with_minutes(self) -> None:
        seed(today=TODAY)
        children = list(Child.objects.order_by("name"))
        assert [c.grade for c in children] == ["3", "7"]
        for child in children:
            iep = child.iep_on(TODAY)
            assert iep is not None and iep.status == Iep.Status.ACTIVE
            provisions = list(iep.provisions.all())
            assert 8 <= len(provisions) <= 15
            services = [p for p in provisions if p.is_service_with_minutes]
            assert 2 <= len(services) <= 3
            assert all(p.wording and p.label and p.responsible_staff for p in provisions)
        wording = " ".join(Child.objects.get(grade="7").iep_on(TODAY).provisions.values_list("wording", flat=True))  # type: ignore[union-attr]
        assert "Extended time (1.5x) on tests and quizzes" in wording and "150 minutes per week" in wording

    def test_one_iep_was_amended_and_its_earlier_version_is_kept(self) -> None:
        seed(today=TODAY)
        ella = Child.objects.get(name="Ella Okafor")
        first, old, new = ella.ieps.order_by("effective_from")
        assert (first.status, old.amends) == (Iep.Status.SUPERSEDED, first)
        assert first.effective_to == date(2026, 3, 15) and old.effective_from == date(2026, 3, 16)
        assert (old.status, new.amends) == (Iep.Status.SUPERSEDED, old)
        assert old.effective_to == date(2026, 10, 18) and new.effective_from == date(2026, 10, 19)
        ot_old, ot_new = (v.provisions.get(label="Occupational therapy") for v in (old, new))
        assert (ot_old.minutes, ot_new.minutes, ot_old.lineage) == (30, 60, ot_new.lineage)
        assert new.provisions.count() == old.provisions.count() + 1

    def test_the_school_year_around_today_has_us_holidays_and_a_few_absences(self) -> None:
        seed(today=TODAY)
        for child in Child.objects.all():
            calendar = child.calendars.get(first_day__lte=TODAY, last_day__gte=TODAY)
            names = set(calendar.non_school_days.values_list("name", flat=True))
            for holiday in [
                "Labor Day",
                "Indigenous Peoples' Day",
                "Veterans Day",
                "Thanksgiving break",
                "Winter break",
                "Martin Luther King Jr. Day",
                "Presidents' Day",
                "Spring break",
                "Memorial Day",
            ]:
                assert holiday in names
            absences = list(child.absences.filter(date__gte=calendar.first_day))
            assert len(absences) == 2 and all(a.date <= TODAY for a in absences)
            days = SchoolDays.load(child, calendar.first_day, calendar.last_day)
            assert all(days.is_school_day(a.date) for a in absences)
            assert 170 <= len(days.attended_days(calendar.first_day, calendar.last_day)) + 2 <= 185

    def test_everything_was_recorded_in_the_evidence_ledger(self) -> None:
        seed(today=TODAY)
        for child in Child.objects.all():
            records = list(EvidenceRecord.objects.filter(child=child).order_by("seq"))
            assert [r.seq for r in records] == list(range(1, len(records) + 1))
            types_ = {r.object_type for r in records}
            assert {"iep", "provision", "calendar", "absence"} <= types_
            assert all(r.prev_hash == p.hash for p, r in itertools.pairwise(records))

    def test_if_empty_leaves_a_used_database_alone(self) -> None:
        seed(today=TODAY)
        output = seed(if_empty=True)
        assert "already has accounts" in output and "parent@demo.iepright.org / demo-parent-2026" in output
        assert User.objects.count() == 3 and Child.objects.count() == 2

    def test_if_empty_loads_an_empty_database(self) -> None:
        output = seed(if_empty=True, today=TODAY)
        assert "Demo family loaded: Okafor family, with Ella Okafor and Marcus Okafor." in output

    def test_loading_twice_is_refused(self) -> None:
        seed(today=TODAY)
        with self.assertRaisesMessage(CommandError, "already loaded"):
            seed(today=TODAY)

    def test_in_summer_the_demo_uses_the_year_just_ended(self) -> None:
        seed(today=date(2027, 7, 15))
        calendar = Child.objects.get(name="Marcus Okafor").calendars.get()
        assert calendar.name == "2026-27 school year"
        assert Child.objects.get(name="Marcus Okafor").absences.count() == 3

    def test_other_apps_extend_the_demo_through_their_demo_module(self) -> None:
        seen = []
        module = types.ModuleType("logbook.demo")
        module.__spec__ = importlib.machinery.ModuleSpec("logbook.demo", None)
        module.extend_demo = lambda family: seen.append((family.household.name, len(family.children)))  # type: ignore[attr-defined]
        with mock.patch.dict(sys.modules, {"logbook.demo": module}):
            output = seed(today=TODAY)
        assert seen == [("Okafor family", 2)]
        assert "Added by: logbook" in output  # and the apps above it (reports)


def test_holidays_fall_on_the_right_days() -> None:
    found = {name: (start, end) for name, start, end in holidays(2026)}
    assert found["Labor Day"] == (date(2026, 9, 7), date(2026, 9, 7))
    assert found["Indigenous Peoples' Day"][0] == date(2026, 10, 12)
    assert found["Thanksgiving break"] == (date(2026, 11, 23), date(2026, 11, 27))
    assert found["Winter break"] == (date(2026, 12, 21), date(2027, 1, 1))
    assert found["Martin Luther King Jr. Day"][0] == date(2027, 1, 18)
    assert found["Presidents' Day"][0] == date(2027, 2, 15)
    assert found["Memorial Day"][0] == date(2027, 5, 31)
    assert nth_weekday(2026, 8, 2, 3) == date(2026, 8, 19)


class DemoVerificationTests(TestCase):
    def test_the_demo_ledger_matches_every_current_plan_record(self) -> None:
        """Given the demo made through the services, when verification compares the IEPs, items,
        calendars and absences with their latest ledger records, then every one matches."""
        # The plans app registers its loaders at start-up (PlansConfig.ready); no set-up here, so that
        # the test also proves that wiring.
        seed(today=TODAY)
        reports = [verify_child(child.pk) for child in Child.objects.all()]
        assert [r.problem for r in reports] == [None, None]
        assert all({"iep", "provision", "calendar", "absence"} <= set(r.checked_types) for r in reports)
        # And a change made behind the services' back is caught.
        Child.objects.get(name="Marcus Okafor").absences.update(reason="changed quietly")
        problem = verify_child(Child.objects.get(name="Marcus Okafor").pk).problem
        assert problem is not None and problem.object_type == "absence"


class DemoLogTests(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = seed(today=TODAY, logs=True)

    def test_the_first_child_has_every_school_day_since_last_august_logged_with_patterns(self) -> None:
        """Given the demo, then Ella's log covers more than a full school year, mostly delivered,
        with misses, make-up sessions and day tags, and Marcus has about four weeks."""
        ella = Child.objects.get(name="Ella Okafor")
        entries = LogEntry.objects.filter(child=ella)
        days = list(entries.dates("date", "day"))
        assert days[0] < date(2025, 8, 25) and days[-1] >= date(2026, 11, 20)
        assert len(days) > 200
        statuses = dict(entries.values_list("status").annotate(n=Count("pk")))
        assert statuses[Status.DELIVERED] > 5 * statuses[Status.MISSED] > 0
        assert entries.filter(is_makeup=True).exists()
        assert any("substitute" in note.tags for note in DayNote.objects.filter(child=ella))
        marcus_days = list(LogEntry.objects.filter(child__name="Marcus Okafor").dates("date", "day"))
        assert 10 <= len(marcus_days) <= 21 and marcus_days[0] >= TODAY - timedelta(days=28)
        assert "Added by: logbook" in self.output  # and the apps above it (reports)

    def test_every_chain_verifies_against_the_current_tables(self) -> None:
        reports = [verify_child(child.pk) for child in Child.objects.all()]
        assert [r.problem for r in reports] == [None, None]
        assert all(
            {"log_entry", "day_note", "iep", "provision", "calendar", "absence"} <= set(r.checked_types)
            for r in reports
        )
        assert reports[0].record_count > 1000

    def test_the_ledger_times_run_forward_along_each_chain(self) -> None:
        """Given the demo recorded 'as it happened', then no record is older than the one before it."""
        for child in Child.objects.all():
            times = list(
                EvidenceRecord.objects.filter(child=child).order_by("seq").values_list("recorded_at", flat=True)
            )
            assert times == sorted(times)
