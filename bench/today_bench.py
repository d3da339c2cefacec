"""Daily log benchmark: the Today page and the "Everything delivered" save, server side.

    .venv/bin/python bench/today_bench.py [--households 200] [--years 5] [--runs 60]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/today_bench.py

Builds, in a throw-away database (bench/scratch.py, like a test database): one child with
``--years`` school years of daily logs (6 provisions, recorded through ``logbook.demo`` and so
through the services and the ledger), and ``--households`` other households with a child and a few
weeks of logs each. The clock is frozen on a Thursday in November at school pick-up time.

Then it measures, with Django's test client (no network; middleware, view, templates and the
database all included): the Today page GET, the "Everything delivered" form POST and the same save
through the JSON API, each on a day not yet logged, printing median and 95th percentile times and
the number of queries of each.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402

NOW = datetime(2026, 11, 5, 16, 0, tzinfo=ZoneInfo("America/New_York"))
TODAY = NOW.date()


def school_year(child: Any, first_year: int) -> None:
    from plans.models import NonSchoolDay, SchoolCalendar

    calendar = SchoolCalendar.objects.create(
        child=child,
        name=f"{first_year}-{first_year + 1 - 2000}",
        first_day=date(first_year, 8, 24),
        last_day=date(first_year + 1, 6, 11),
    )
    NonSchoolDay.objects.create(
        calendar=calendar, name="Thanksgiving break", start=date(first_year, 11, 25), end=date(first_year, 11, 27)
    )
    NonSchoolDay.objects.create(
        calendar=calendar, name="Winter break", start=date(first_year, 12, 21), end=date(first_year + 1, 1, 1)
    )
    NonSchoolDay.objects.create(
        calendar=calendar, name="Spring break", start=date(first_year + 1, 3, 29), end=date(first_year + 1, 4, 2)
    )


def family(n: int, years: int) -> tuple[Any, Any]:
    """A household with an owner and a child with ``years`` school years and an IEP for each."""
    from accounts.models import Household, Membership, Role, User
    from plans.models import Child, Iep, Provision

    user = User.objects.create_user(email=f"parent{n}@example.com", password=None, display_name=f"Parent {n}")
    household = Household.objects.create(name=f"Household {n}")
    Membership.objects.create(user=user, household=household, role=Role.OWNER)
    child = Child.objects.create(household=household, name=f"Child {n}", state="CA")
    for first_year in range(
        TODAY.year - years + (0 if TODAY.month >= 8 else -1), TODAY.year + (1 if TODAY.month >= 8 else 0)
    ):
        school_year(child, first_year)
        iep = Iep.objects.create(
            child=child,
            effective_from=date(first_year, 9, 1),
            effective_to=date(first_year + 1, 8, 31),
            status=Iep.Status.ACTIVE,
        )
        for position, (kind, label, weekdays, minutes, session) in enumerate(
            [
                ("accommodation", "Extended time", 0b11111, None, None),
                ("accommodation", "Preferential seating", 0b11111, None, None),
                ("accommodation", "Copy of class notes", 0b11111, None, None),
                ("supplementary_aid", "Graphic organizer", 0b11111, None, None),
                ("service", "Speech therapy", 0b01010, 60, 30),
                ("service", "Occupational therapy", 0b10000, 30, 30),
            ]
        ):
            Provision.objects.create(
                iep=iep,
                position=position,
                kind=kind,
                label=label,
                wording=f"{label}, as the IEP says.",
                schedule="every_day" if weekdays == 0b11111 else "weekdays",
                weekdays=weekdays,
                minutes=minutes,
                period="week" if minutes else "",
                session_minutes=session,
            )
    return user, child


CPU_TIMES: dict[int, list[float]] = {}


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Wall-clock milliseconds of each run; this process's CPU milliseconds go to CPU_TIMES."""
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    CPU_TIMES[id(times)] = cpu
    return times


def profile(action: Callable[[], object], runs: int) -> None:
    """Where one request's time goes: its queries (with the database's time) and the top functions."""
    import cProfile
    import pstats

    with CaptureQueriesContext(connection) as captured:
        action()
    database = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    print(f"{len(captured)} queries, {database:.1f} ms in the database driver:")
    for q in captured.captured_queries:
        print(f"  {float(q['time']) * 1000:5.1f} ms  {q['sql'][:150]}")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        action()
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)


def queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def summary(name: str, times: list[float], count: int) -> str:
    cpu = statistics.median(CPU_TIMES.get(id(times), [0.0]))
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"| {name} | {statistics.median(times):.1f} ms | {p95:.1f} ms | {cpu:.1f} ms | {count} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=200)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--profile", action="store_true", help="print one Today request's queries and profile")
    args = parser.parse_args()

    from django.urls import reverse

    from evidence.models import EvidenceRecord
    from logbook.demo import add_demo_logs
    from logbook.models import LogEntry
    from plans.schooldays import SchoolDays

    rng = random.Random(2026)
    print(f"Database: {connection.vendor}; {args.households} other households, {args.years} years for one child")
    start = time.perf_counter()
    for n in range(args.households):
        user, child = family(n, 1)
        add_demo_logs(child, user, TODAY - timedelta(days=28), TODAY - timedelta(days=1), rng)
    print(f"other households built in {time.perf_counter() - start:.1f} s")

    user, child = family(10_000, args.years)
    first_day = date(TODAY.year - args.years + (0 if TODAY.month >= 8 else -1), 8, 24)
    start = time.perf_counter()
    demo = add_demo_logs(child, user, first_day, TODAY - timedelta(days=1), rng)
    seconds = time.perf_counter() - start
    print(
        f"{args.years} years of logs through logbook.demo: {demo.entries} entries on {demo.days_logged} days "
        f"in {seconds:.1f} s ({demo.days_logged / seconds:.0f} school days/s)"
    )
    # Days for the "Everything delivered" runs: the last school days, emptied again (their entries
    # only; the bench does not verify the ledger).
    school_days = SchoolDays.load(child, first_day, TODAY)
    targets = [d for d in school_days.attended_days(TODAY - timedelta(days=400), TODAY - timedelta(days=1))][
        -2 * args.runs - 1 :
    ]
    LogEntry.objects.filter(child=child, date__in=targets).delete()
    print(
        f"in the database: {LogEntry.objects.count()} log entries ({LogEntry.objects.filter(child=child).count()} "
        f"for the measured child), {EvidenceRecord.objects.count()} ledger records"
    )

    client = Client()
    client.force_login(user)
    today_url = reverse("logbook:today", args=[child.pk])

    def today_page() -> None:
        assert client.get(today_url).status_code == 200

    days = iter(targets)

    def all_delivered_form() -> None:
        url = reverse("logbook:all_delivered", args=[child.pk, next(days)])
        assert client.post(url, {"client_id": str(uuid.uuid4())}).status_code == 302

    def all_delivered_api() -> None:
        url = reverse("api:all_delivered", kwargs={"child_id": child.pk, "day": next(days)})
        response = client.post(url, {"client_id": str(uuid.uuid4())}, content_type="application/json")
        assert response.status_code == 200, response.content

    if args.profile:
        timed(today_page, 3)
        profile(today_page, 20)
        return
    rows = []
    for name, action in [
        ("Today page GET", today_page),
        ("Everything delivered, form POST", all_delivered_form),
        ("Everything delivered, API POST", all_delivered_api),
    ]:
        count = queries(action)
        timed(action, 3 if name.startswith("Today") else 0)  # warm up
        rows.append(summary(name, timed(action, args.runs - 1), count))
    print("| request | median | p95 | CPU median (this process) | queries |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    # The scratch database's test environment lets the test client's host name ("testserver") in.
    with scratch_database("today"), time_machine.travel(NOW, tick=True):
        main()
