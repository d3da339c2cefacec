"""Timings of the insights: one child over four school years, on the configured database.

    .venv/bin/python bench/insights_bench.py                  # SQLite (a throw-away test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/insights_bench.py
    .venv/bin/python bench/insights_bench.py --into-dev-db    # build the data into data/ for a look

The child has four school years (about 720 school days), fifteen provisions (twelve accommodations
and supports, three services: weekly, weekly, monthly) across five IEP versions (an annual IEP each
year and an amendment mid-year), absences, day tags and about 8,000 log entries with realistic
statuses, minutes, make-ups and reasons. Budgets (issue 4): compute_compliance under 100 ms, the
dashboard page under 150 ms of server time. Results go in docs/benchmarks.md, section "Insights".
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django
import time_machine

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import Household, Membership, Role, User  # noqa: E402
from insights.compliance import compute_compliance  # noqa: E402
from insights.patterns import find_patterns  # noqa: E402
from insights.services import dashboard  # noqa: E402
from logbook.models import DayNote, LogEntry  # noqa: E402
from plans.models import Absence, Child, Iep, NonSchoolDay, Provision, SchoolCalendar  # noqa: E402
from plans.schooldays import SchoolDays  # noqa: E402

ACCOMMODATIONS = [
    ("Extended time", "accommodation", "every_day", 0b11111),
    ("Preferential seating", "accommodation", "every_day", 0b11111),
    ("Check for understanding", "accommodation", "every_day", 0b11111),
    ("Breaks when needed", "accommodation", "every_day", 0b11111),
    ("Copy of class notes", "supplementary_aid", "every_day", 0b11111),
    ("Visual schedule", "supplementary_aid", "every_day", 0b11111),
    ("Text-to-speech", "assistive_technology", "every_day", 0b11111),
    ("Reduced homework", "modification", "every_day", 0b11111),
    ("Behavior plan check-in", "behavior_support", "every_day", 0b11111),
    ("Planner signed", "accommodation", "every_day", 0b11111),
    ("Small group testing", "accommodation", "weekdays", 0b10000),  # Fridays
    ("Teacher consult", "staff_support", "weekdays", 0b00100),  # Wednesdays
]
SERVICES = [
    ("Speech therapy", 60, "week", 0b01010, 30),  # Tue, Thu
    ("Counseling", 30, "week", 0b00100, 30),  # Wed
    ("Occupational therapy", 120, "month", 0b00001, 30),  # Mon
]
REASONS = ["provider_absent", "cancelled_by_school", "staff_shortage", "scheduling", "substitute", "unknown"]
OTHER_REASONS = ["student_absent", "parent_request"]
SOURCES = ["child_said", "teacher_said", "saw_it", "school_record", ""]


def monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def school_year_dates(year: int) -> tuple[date, date, list[tuple[str, date, date]]]:
    """First day (a late-August Monday), last day (the first Friday of June) and the breaks of a year."""
    first = monday_on_or_after(date(year, 8, 24))
    last = date(year + 1, 6, 7) - timedelta(days=(date(year + 1, 6, 7).weekday() - 4) % 7)
    labor_day = monday_on_or_after(date(year, 9, 1))
    thanksgiving = date(year, 11, 22) + timedelta(days=(3 - date(year, 11, 22).weekday()) % 7)
    winter = monday_on_or_after(date(year, 12, 18))
    spring = monday_on_or_after(date(year + 1, 3, 25))
    mlk_day = monday_on_or_after(date(year + 1, 1, 15))
    memorial_day = monday_on_or_after(date(year + 1, 5, 25))
    return (
        first,
        last,
        [
            ("Labor Day", labor_day, labor_day),
            ("Thanksgiving break", thanksgiving - timedelta(days=1), thanksgiving + timedelta(days=1)),
            ("Winter break", winter, winter + timedelta(days=12)),
            ("MLK Day", mlk_day, mlk_day),
            ("Spring break", spring, spring + timedelta(days=4)),
            ("Memorial Day", memorial_day, memorial_day),
        ],
    )


LAST_YEAR = 2025  # the fourth school year is 2025-26; the bench runs as on its last day


def build_child(years: int = 4, seed: int = 4, last_year: int = LAST_YEAR) -> tuple[User, Child, date, date]:
    """A household with one child and ``years`` whole school years of history, the last one starting
    in ``last_year``. Returns the owner, the child and the first and last school day."""
    rng = random.Random(seed)
    user = User.objects.create_user(email=f"bench{rng.random()}@example.com", password="bench bench bench")
    household = Household.objects.create(name="Bench household")
    Membership.objects.create(user=user, household=household, role=Role.OWNER)
    child = Child.objects.create(household=household, name="Sam Bench", state="CA")

    lineages: dict[str, object] = {}
    ieps: list[tuple[Iep, date]] = []
    previous = None
    for year in range(last_year - years + 1, last_year + 1):
        first, last, breaks = school_year_dates(year)
        calendar = SchoolCalendar.objects.create(
            child=child, name=f"{year}-{(year + 1) % 100:02d}", first_day=first, last_day=last
        )
        NonSchoolDay.objects.bulk_create(NonSchoolDay(calendar=calendar, name=n, start=a, end=b) for n, a, b in breaks)
        starts = [first + timedelta(days=14)]
        if year == last_year - years + 2:
            starts.append(date(year + 1, 1, 20))  # an amendment mid-year
        for number, start in enumerate(starts):
            if previous is not None:
                previous.effective_to = start - timedelta(days=1)
                previous.status = Iep.Status.SUPERSEDED
                previous.save()
            iep = Iep.objects.create(child=child, effective_from=start, amends=previous)
            rows = []
            for position, (label, kind, schedule, mask) in enumerate(ACCOMMODATIONS):
                rows.append(
                    Provision(
                        iep=iep,
                        position=position,
                        kind=kind,
                        label=label,
                        wording=f"{label}, as the IEP says.",
                        responsible_staff="Classroom teacher" if position % 3 else "Resource teacher",
                        schedule=schedule,
                        weekdays=mask,
                        **({"lineage": lineages[label]} if label in lineages else {}),
                    )
                )
            for position, (label, weekly, period, mask, session) in enumerate(SERVICES, start=len(ACCOMMODATIONS)):
                raised = weekly + (30 if number == 1 and period == "week" else 0)
                rows.append(
                    Provision(
                        iep=iep,
                        position=position,
                        kind="service",
                        label=label,
                        wording=f"{label}, {raised} minutes per {period}.",
                        responsible_staff=f"{label} provider",
                        schedule="weekdays",
                        weekdays=mask,
                        minutes=raised,
                        period=period,
                        session_minutes=session,
                        **({"lineage": lineages[label]} if label in lineages else {}),
                    )
                )
            for row in Provision.objects.bulk_create(rows):
                lineages.setdefault(row.label, row.lineage)
            ieps.append((iep, start))
            previous = iep

    start = school_year_dates(last_year - years + 1)[0]
    end = school_year_dates(last_year)[1]
    days = SchoolDays.load(child, start, end)
    school = [d for d in (start + timedelta(days=n) for n in range((end - start).days + 1)) if days.is_school_day(d)]
    absences = rng.sample(school, 8 * years)
    Absence.objects.bulk_create(Absence(child=child, date=d, reason="sick") for d in absences)
    absent = set(absences)
    substitute_days = {d for d in school if rng.random() < 0.08}
    DayNote.objects.bulk_create(
        DayNote(child=child, date=d, tags=["substitute"] + (["test day"] if rng.random() < 0.3 else []))
        for d in sorted(substitute_days)
    )

    provisions = list(Provision.objects.filter(iep__child=child).select_related("iep"))
    entries = []
    for day in school:
        if day in absent or rng.random() < 0.1:  # a day the parent did not log at all
            continue
        for provision in provisions:
            if not provision.iep.is_in_force_on(day) or day.weekday() not in provision.scheduled_weekdays():
                continue
            if rng.random() < 0.06:
                continue
            miss_chance = 0.35 if day in substitute_days else 0.08
            roll = rng.random()
            status = (
                "missed"
                if roll < miss_chance
                else "partial"
                if roll < miss_chance + 0.04
                else "not_applicable"
                if roll < miss_chance + 0.06
                else "unknown"
                if roll < miss_chance + 0.07
                else "delivered"
            )
            minutes = None
            if provision.minutes is not None:
                minutes = {"delivered": provision.session_minutes, "partial": 15, "missed": 0}.get(status)
            reason = ""
            if status == "missed":
                reason = "substitute" if day in substitute_days else rng.choice(REASONS + OTHER_REASONS)
            entries.append(
                LogEntry(
                    child=child,
                    date=day,
                    provision=provision,
                    status=status,
                    minutes_delivered=minutes,
                    miss_reason=reason,
                    source=rng.choice(SOURCES),
                )
            )
            if provision.minutes is not None and status == "missed" and rng.random() < 0.3:
                makeup = day + timedelta(days=1)
                entries.append(
                    LogEntry(
                        child=child,
                        date=makeup,
                        provision=provision,
                        status="delivered",
                        minutes_delivered=provision.session_minutes,
                        is_makeup=True,
                    )
                )
    LogEntry.objects.bulk_create(entries, batch_size=2000)
    return user, child, start, end


def timed(function: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Median and best wall time, and median CPU time of this process, in milliseconds, after a warm-up.

    On a shared machine the wall time counts the time other processes held the cores; the CPU time
    does not (on PostgreSQL it leaves out the server's own work).
    """
    function()
    times, cpu = [], []
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        function()
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
    return statistics.median(times), min(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--into-dev-db", action="store_true", help="build into the configured database and stop")
    args = parser.parse_args()
    if args.into_dev_db:
        user, child, start, end = build_child()
        user.email = "bench@example.com"
        user.save()
        print(f"Built child {child.pk} ({start} to {end}); sign in as bench@example.com / bench bench bench")
        return

    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    # "This school year" on the page is the fourth year, seen from its last day.
    clock = time_machine.travel(datetime.combine(school_year_dates(LAST_YEAR)[1], datetime.min.time()), tick=True)
    clock.start()
    try:
        began = time.perf_counter()
        user, child, start, end = build_child()
        built = time.perf_counter() - began
        compliance = compute_compliance(child, start, end)
        provisions = sum(len(p.versions) for p in compliance.provisions)
        print(f"Database: {connection.vendor}; data built in {built:.1f} s")
        print(
            f"Child: {start} to {end}, {compliance.totals.expected} expected provision-days over "
            f"{sum(1 for d in compliance.days if d.school_day)} school days, {len(compliance.provisions)} provisions "
            f"({provisions} versions), {LogEntry.objects.filter(child=child).count()} entries"
        )
        results = {
            "compute_compliance, 4 school years": timed(lambda: compute_compliance(child, start, end), args.runs),
            "compute_compliance + find_patterns, 4 years": timed(
                lambda: find_patterns(compute_compliance(child, start, end)), args.runs
            ),
            "dashboard data (numbers, patterns, SVG charts), 4 years": timed(
                lambda: dashboard(child, start, end), args.runs
            ),
        }
        client = Client()
        client.force_login(user)
        url = reverse("insights:dashboard", kwargs={"child_id": child.pk})

        def page(params: dict[str, str]) -> None:
            response = client.get(url, params)
            assert response.status_code == 200, response.status_code

        results["dashboard page, this school year"] = timed(lambda: page({}), args.runs)
        results["dashboard page, 4 school years"] = timed(
            lambda: page({"range": "custom", "from": start.isoformat(), "to": end.isoformat()}), args.runs
        )
        width = max(len(name) for name in results)
        print(f"{'':{width}}  median    best     CPU  ({args.runs} runs; load average {os.getloadavg()[0]:.1f})")
        for name, (median, best, cpu) in results.items():
            print(f"{name:{width}}  {median:6.1f}  {best:6.1f}  {cpu:6.1f}  ms")
    finally:
        clock.stop()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
