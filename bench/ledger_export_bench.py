"""The evidence report's ledger export: fresh each time versus kept and extended (reports.ledger_copy).

    .venv/bin/python bench/ledger_export_bench.py [--years 4] [--runs 7]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/ledger_export_bench.py

Builds one child with ``--years`` school years (tests.reports_support.build_demo_child) in a
throw-away database and times, median of ``--runs``: the whole export as text (what every evidence
report did before), and the kept export extended by one new record (what the next report does: each
report appends its own record). Results go in docs/benchmarks.md, section "Reports".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402


def run(years: int, runs: int) -> None:
    from accounts.models import Household, Membership, Role, User
    from evidence.ledger import append
    from reports.ledger_copy import ledger_export_file, ledger_export_text
    from tests.reports_support import build_demo_child

    parent = User.objects.create_user(email="bench@example.com", password=None, display_name="Ana")
    home = Household.objects.create(name="Bench family")
    Membership.objects.create(user=parent, household=home, role=Role.OWNER)
    child = build_demo_child(home, parent, years=years)
    fresh, kept = [], []
    size = 0
    for n in range(runs):
        started = time.perf_counter()
        text, _head, count = ledger_export_text(child)
        fresh.append(time.perf_counter() - started)
        size = len(text.encode())
        if n == 0:
            ledger_export_file(child)  # the first report writes the kept file
        append(child_id=child.pk, kind="note.created", object_type="note", object_id=n, payload={}, user=parent)
        started = time.perf_counter()
        ledger_export_file(child)
        kept.append(time.perf_counter() - started)
    print(
        f"{connection.vendor}, {years} years: {count:,} records, {size / 1e6:.1f} MB of JSON; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"fresh export as text: median {statistics.median(fresh) * 1000:.0f} ms, best {min(fresh) * 1000:.0f} ms")
    print(
        f"kept export + 1 record, written as a file: median {statistics.median(kept) * 1000:.0f} ms, "
        f"best {min(kept) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with scratch_database("export") as folder, override_settings(REPORT_ROOT=folder / "reports"):
        run(args.years, args.runs)


if __name__ == "__main__":
    main()
