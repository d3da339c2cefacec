"""Benchmark: the full-year evidence report with its photos and documents, end to end (issue 10).

    .venv/bin/python bench/evidence_exhibits_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/evidence_exhibits_bench.py

Builds, in a throw-away database, the demo-like child of ``bench/reports_bench.py`` (15 provisions, one
school year of realistic logs), keeps 20 worksheet photos (PNG, about 2,000 x 1,450 px each) with its
most recent misses, 5 saved emails and the IEP as a PDF, then makes the evidence report of the year
through ``generate_report`` (what the Reports page calls): verifying the chain, reading the numbers
and the ledger, rendering with the photos on pages and the files embedded, storing and recording.
Prints the time of each part, the pages and the file's size. Results: docs/benchmarks.md,
"Reports with exhibits".
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django
import time_machine

django.setup()

from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402

RUNS = 3
PHOTOS, EMAILS = 20, 5


def main() -> None:
    # The built child's records are written as of each school day's evening, up to June 2027: the
    # files and the reports (and their ledger records) come after, as a chain's clock never runs backwards.
    with (
        scratch_database("exhibits") as folder,
        override_settings(ATTACHMENT_ROOT=folder / "a", REPORT_ROOT=folder / "r", DEBUG=False),
        time_machine.travel(datetime(2027, 7, 1, 12, 0, tzinfo=UTC), tick=True),
    ):
        run()


def run() -> None:

    from accounts.models import Household, Membership, Role, User
    from evidence.verify import verify_child
    from logbook.models import LogEntry
    from reports import data as report_data_module
    from reports import services as services_module
    from reports.services import generate_report
    from tests.reports_support import attach_sample_exhibits, build_demo_child

    parent = User.objects.create_user(email="bench@example.com", password="bench password 123", display_name="Ana")
    home = Household.objects.create(name="Bench family")
    Membership.objects.create(user=parent, household=home, role=Role.OWNER)
    child = build_demo_child(home, parent, name="Child 1", years=1)
    photo_bytes = attach_sample_exhibits(child, parent, PHOTOS, EMAILS)

    print(
        f"Evidence report with exhibits on {connection.vendor}, {RUNS} runs (median, worst); "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{LogEntry.objects.filter(child=child).count()} entries; {PHOTOS} photos ({photo_bytes / 1e6:.1f} MB), "
        f"{EMAILS} emails, the IEP PDF"
    )
    t = time.perf_counter()
    assert verify_child(child.pk).ok
    print(f"verify_child alone: {time.perf_counter() - t:.3f} s")
    totals, datas, renders, cpus, peaks, sizes, pages = [], [], [], [], [], [], []
    for _ in range(RUNS):
        real_data, real_render = report_data_module.report_data, services_module.render_pdf
        took: list[float] = []
        rendered: list[object] = []

        def timed_data(inputs, real=real_data, took=took):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            result = real(inputs)
            took.append(time.perf_counter() - started)
            return result

        def timed_render(*args, real=real_render, rendered=rendered, **kwargs):  # type: ignore[no-untyped-def]
            result = real(*args, **kwargs)
            rendered.append(result)
            return result

        services_module.report_data = timed_data
        services_module.render_pdf = timed_render
        try:
            started = time.perf_counter()
            report = generate_report(
                child, user=parent, kind="evidence", start=date(2026, 8, 24), end=date(2027, 6, 4), bates_prefix="B-"
            )
            totals.append(time.perf_counter() - started)
        finally:
            services_module.report_data, services_module.render_pdf = real_data, real_render
        datas.append(took[0])
        renders.append(report.render_seconds)
        cpus.append(rendered[0].cpu_seconds)  # type: ignore[attr-defined]
        peaks.append(report.render_peak_kb / 1024)
        sizes.append(report.size)
        pages.append(report.pages)
    print(
        f"evidence {pages[0]} pages, {sizes[0] / 1e6:.2f} MB: end to end {statistics.median(totals):.2f} s "
        f"(worst {max(totals):.2f}), data incl. chain check {statistics.median(datas):.2f} s, render worker "
        f"{statistics.median(renders):.2f} s (CPU {statistics.median(cpus):.2f} s), worker peak {max(peaks):.0f} MB"
    )
    print(f"Done at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
