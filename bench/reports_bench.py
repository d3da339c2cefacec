"""Benchmark: evidence reports end to end from the request, stage by stage (issues 5 and 17).

    .venv/bin/python bench/reports_bench.py                      # demo child, 1 and 4 school years
    .venv/bin/python bench/reports_bench.py --cases 4 --runs 7   # one case
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/reports_bench.py

Builds a throwaway test database with, as cases: ``demo`` (``manage.py seed_demo --today 2027-06-04``,
the demo family's first child over its whole school year, with its IEP PDF, a photo and an email)
and ``1`` / ``4`` (a demo-like child of ``tests.reports_support.build_demo_child``: 15 provisions,
about 180 school days a year, realistic misses, for 1 or 4 school years). It POSTs the reports form
as the parent, the way the browser does, and times the whole request; ``reports.stages`` gives the
split (chain check, numbers, ledger export, render, Bates, storing, recording, after the report)
with wall time and this process's CPU time, and the render worker reports its compile time and its
own CPU. The "compile alone" column is the worker's Typst compile; issue 17's goal is an end to end
within 1.25x of it. Results go to docs/benchmarks.md under "## Reports" and "## Report path". The
RFC 3161 anchor after a report is measured apart (bench/report_anchor_bench.py): the reports here are
made in 2031 (after the built histories), which a real authority's clock would refuse.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django
import time_machine

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

DEMO_TODAY = date(2027, 6, 4)
AFTER_THE_HISTORIES = datetime(2031, 1, 5, 16, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", nargs="+", default=["demo", "1", "4"], help="demo, 1, 4 (school years)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kinds", nargs="+", default=["evidence", "summary"])
    options = parser.parse_args()
    setup_test_environment()
    folder = tempfile.mkdtemp(prefix="iepright-bench-")
    # A database of its own, so a test run of the same checkout is never clobbered.
    test = connection.settings_dict.setdefault("TEST", {})
    test["NAME"] = str(Path(folder) / "bench.sqlite3") if connection.vendor == "sqlite" else "bench_reports_iepright"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(
            ATTACHMENT_ROOT=Path(folder) / "a",
            REPORT_ROOT=Path(folder) / "r",
            DEBUG=False,
            REPORT_AFTER_REPORT_IN_THREAD=True,  # as in production (the test settings run it inline)
        ):
            run(options.cases, options.runs, options.kinds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def demo_case() -> tuple[Any, Any, date, date]:
    from django.core.management import call_command

    from accounts.models import User
    from plans.demo import DEMO_PEOPLE

    call_command("seed_demo", today=DEMO_TODAY, stdout=open(os.devnull, "w"))  # noqa: SIM115
    parent = User.objects.get(email=DEMO_PEOPLE[0][0])
    child: Any = parent.memberships.get().household.children.order_by("pk").first()
    calendar: Any = child.calendars.order_by("-first_day").first()
    return parent, child, calendar.first_day, min(DEMO_TODAY, calendar.last_day)


def built_case(years: int) -> tuple[Any, Any, date, date]:
    from accounts.models import Household, Membership, Role, User
    from tests.reports_support import build_demo_child

    parent = User.objects.create_user(
        email=f"bench{years}@example.com", password="bench password 123", display_name="Ana"
    )
    home = Household.objects.create(name=f"Bench family {years}")
    Membership.objects.create(user=parent, household=home, role=Role.OWNER)
    child = build_demo_child(home, parent, name=f"Child {years}", years=years)
    return parent, child, date(2026, 8, 24), date(2026 + years, 6, 4)


def run(cases: list[str], runs: int, kinds: list[str]) -> None:
    from evidence.models import EvidenceRecord
    from logbook.models import LogEntry
    from reports import receipts
    from reports.models import GeneratedReport
    from reports.stages import recording

    print(
        f"Reports benchmark on {connection.vendor}, {runs} runs each (medians); "
        f"load average {os.getloadavg()[0]:.2f} at the start"
    )
    for case in cases:
        started = time.perf_counter()
        parent, child, start, end = demo_case() if case == "demo" else built_case(int(case))
        built = time.perf_counter() - started
        # The built histories are recorded up to their last school day (in the future); a chain's clock
        # never runs backwards (evidence.verify), so the reports are made after all of them.
        travel = time_machine.travel(AFTER_THE_HISTORIES + timedelta(days=len(cases) * cases.index(case)), tick=True)
        travel.start()
        client = Client()
        client.force_login(parent)
        print(
            f"\n## {'demo child' if case == 'demo' else case + ' school year(s)'}: "
            f"{LogEntry.objects.filter(child=child).count()} entries, "
            f"{EvidenceRecord.objects.filter(child=child).count()} ledger records (built in {built:.1f} s)"
        )
        for kind in kinds:
            walls: dict[str, list[float]] = defaultdict(list)
            cpus: dict[str, list[float]] = defaultdict(list)
            order: list[str] = []
            totals, total_cpus, compiles, pages, loads = [], [], [], [], []
            for _ in range(runs):
                loads.append(os.getloadavg()[0])
                with recording() as stages:
                    wall, cpu = time.perf_counter(), time.process_time()
                    response = client.post(
                        reverse("reports:report_list", args=[child.pk]),
                        {
                            "kind": kind,
                            "start": start.isoformat(),
                            "end": end.isoformat(),
                            "bates_prefix": "BENCH-",
                            "bates_start": "1",
                        },
                    )
                    totals.append(time.perf_counter() - wall)
                    total_cpus.append(time.process_time() - cpu)
                    # The anchor and the receipt run after the response (a thread): wait, so that their
                    # stages are recorded and they do not overlap the next request.
                    waiting = getattr(receipts, "wait_for_after_reports", None)
                    if waiting is not None:
                        waiting()
                assert response.status_code == 302, response.content.decode()[:3000]
                report = GeneratedReport.objects.filter(child=child).order_by("-pk").first()
                assert report is not None
                pages.append(report.pages)
                for item in stages:
                    if item.name not in order:
                        order.append(item.name)
                    walls[item.name].append(item.wall)
                    cpus[item.name].append(item.cpu)
                compiles.append(sum(s.wall for s in stages if s.name.strip().startswith("worker: Typst compile")))
            median = statistics.median
            print(
                f"\n{kind}, {pages[-1]} pages; load average {min(loads):.2f}-{max(loads):.2f} during the runs\n"
                f"| stage | wall (ms) | CPU (ms) |\n| --- | --- | --- |"
            )
            for name in order:
                print(f"| {name} | {median(walls[name]) * 1000:,.0f} | {median(cpus[name]) * 1000:,.0f} |")
            print(f"| **request, end to end** | **{median(totals) * 1000:,.0f}** | {median(total_cpus) * 1000:,.0f} |")
            ratio = median(totals) / median(compiles) if median(compiles) else float("nan")
            print(
                f"outside the compile: {(median(totals) - median(compiles)) * 1000:,.0f} ms wall; "
                f"this process's CPU per request {median(total_cpus) * 1000:,.0f} ms, the worker's "
                f"{median(cpus['  worker: own CPU, start to end']) * 1000:,.0f} ms"
            )
            print(
                f"end to end {median(totals):.3f} s (best {min(totals):.3f}, worst {max(totals):.3f}); "
                f"Typst compile alone {median(compiles):.3f} s; ratio {ratio:.2f}x "
                f"(best-of ratio {min(t / c for t, c in zip(totals, compiles, strict=True) if c):.2f}x)"
            )
        travel.stop()
    print(f"\nDone at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
