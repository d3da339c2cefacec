"""Deadlines benchmark: the pure calculator, as every child page, .ics, feed and reminder run uses it.

    .venv/bin/python bench/deadlines_bench.py [--events 40] [--runs 200]

Builds in memory (no database) a Texas child's facts with three school years of calendar (breaks
and holidays) and ``--events`` events spread over every event kind, including school-day counts
that run across summers, then times ``compute`` and prints the median and 95th percentile.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django  # noqa: E402

django.setup()

from deadlines.compute import Event, Facts, compute  # noqa: E402
from deadlines.counting import SchoolCalendar, SchoolYear  # noqa: E402
from deadlines.rules import EVENT_KINDS  # noqa: E402


def days(start: date, count: int) -> set[date]:
    return {start + timedelta(days=n) for n in range(count)}


def calendar() -> SchoolCalendar:
    years = []
    for year in (2025, 2026, 2027):
        off = days(date(year, 11, 24), 5) | days(date(year, 12, 21), 14) | days(date(year + 1, 3, 16), 5)
        years.append(SchoolYear(f"{year}-{year + 1 - 2000}", date(year, 8, 18), date(year + 1, 6, 5), frozenset(off)))
    return SchoolCalendar(tuple(years))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    kinds = [kind for kind, _label in EVENT_KINDS]
    events = tuple(
        Event(kinds[n % len(kinds)], date(2025, 9, 1) + timedelta(days=7 * n), id=n) for n in range(args.events)
    )
    cal = calendar()
    holidays = frozenset(d for year in cal.years for d in year.non_school_days if d.weekday() < 5)
    for state in ("TX", "CA", "PA"):
        facts = Facts(state=state, holidays=holidays, calendar=cal, events=events)
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            found = compute(facts, date(2026, 11, 20))
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{state}: {len(found)} deadlines from {len(events)} events: median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms"
        )


if __name__ == "__main__":
    main()
