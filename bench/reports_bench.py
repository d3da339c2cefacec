"""Benchmark: evidence reports end to end from the request (issue 5).

    .venv/bin/python bench/reports_bench.py            # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/reports_bench.py

Builds a throwaway test database with a demo-like child (15 provisions, about 180 school days a
year, realistic misses) for 1 and for 4 school years, then POSTs the reports form as the parent, the
way the browser does, and times the whole request (numbers, ledger export, render in the worker,
storing, recording). It also prints the split (data / render) and the render worker's peak memory.
Targets: a full-year evidence report under 1 s, a 4-year one under 3 s. Results go to
docs/benchmarks.md under "## Reports".
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

RUNS = 5


def main() -> None:
    setup_test_environment()
    folder = tempfile.mkdtemp(prefix="iepright-bench-")
    # A database of its own, so a test run of the same checkout is never clobbered.
    test = connection.settings_dict.setdefault("TEST", {})
    test["NAME"] = str(Path(folder) / "bench.sqlite3") if connection.vendor == "sqlite" else "bench_reports_iepright"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(ATTACHMENT_ROOT=Path(folder) / "a", REPORT_ROOT=Path(folder) / "r", DEBUG=False):
            run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from accounts.models import Household, Membership, Role, User
    from reports import data as report_data_module
    from reports.models import GeneratedReport
    from tests.reports_support import build_demo_child

    engine = connection.vendor
    parent = User.objects.create_user(email="bench@example.com", password="bench password 123", display_name="Ana")
    home = Household.objects.create(name="Bench family")
    Membership.objects.create(user=parent, household=home, role=Role.OWNER)
    client = Client()
    client.force_login(parent)
    print(f"Reports benchmark on {engine}, {RUNS} runs each (median, worst); load average {os.getloadavg()[0]:.1f}")
    for years in (1, 4):
        started = time.perf_counter()
        child = build_demo_child(home, parent, name=f"Child {years}", years=years)
        built = time.perf_counter() - started
        end = date(2026 + years, 6, 4)
        from evidence.models import EvidenceRecord
        from logbook.models import LogEntry

        print(
            f"\n{years} school year(s): {LogEntry.objects.filter(child=child).count()} entries, "
            f"{EvidenceRecord.objects.filter(child=child).count()} ledger records (built in {built:.1f} s)"
        )
        for kind in ("evidence", "summary"):
            totals, datas, renders, peaks, pages, cpus = [], [], [], [], [], []
            for _ in range(RUNS):
                real = report_data_module.report_data
                took: list[float] = []
                import reports.render as render_module

                real_render = render_module.render_pdf
                rendered: list[object] = []

                def timed_render(*args, real_render=real_render, rendered=rendered, **kwargs):  # type: ignore[no-untyped-def]
                    result = real_render(*args, **kwargs)
                    rendered.append(result)
                    return result

                def timed(inputs, real=real, took=took):  # type: ignore[no-untyped-def]
                    t = time.perf_counter()
                    result = real(inputs)
                    took.append(time.perf_counter() - t)
                    return result

                import reports.services as services

                services.report_data = timed
                services.render_pdf = timed_render
                try:
                    t = time.perf_counter()
                    response = client.post(
                        reverse("reports:report_list", args=[child.pk]),
                        {
                            "kind": kind,
                            "start": "2026-08-24",
                            "end": end.isoformat(),
                            "bates_prefix": "BENCH-",
                            "bates_start": "1",
                        },
                    )
                    totals.append(time.perf_counter() - t)
                finally:
                    services.report_data = real
                    services.render_pdf = real_render
                assert response.status_code == 302, response.content[:500]
                report = GeneratedReport.objects.filter(child=child).order_by("-pk").first()
                assert report is not None
                datas.append(took[0])
                renders.append(report.render_seconds)
                peaks.append(report.render_peak_kb / 1024)
                pages.append(report.pages)
                cpus.append(rendered[0].cpu_seconds)  # type: ignore[attr-defined]
            print(
                f"  {kind:8s} {pages[0]:3d} pages: request {statistics.median(totals):.3f} s (worst {max(totals):.3f}), "
                f"data {statistics.median(datas):.3f} s, render worker {statistics.median(renders):.3f} s "
                f"(CPU {statistics.median(cpus):.3f} s), "
                f"worker peak {max(peaks):.0f} MB"
            )
    print(f"\nDone at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
