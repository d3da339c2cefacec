"""Ledger benchmark: append throughput and verification time for one long chain.

    .venv/bin/python bench/ledger_bench.py [--records 50000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/ledger_bench.py

Runs against a throw-away database (bench/scratch.py, like a test database) and prints:
appends per second committed one by one (each its own transaction, as a parent's tap is) and
batched 1,000 per transaction (as seed_demo or an import does), then the time to verify the whole
chain, to export it, and to check the export with tools/verify_ledger_export.py. Beside the
wall-clock figures, "CPU here" is this process's CPU time (the ORM, hashing, the payload encoding;
SQLite runs inside this process, PostgreSQL does not): steadier than wall-clock on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402

SINGLE_APPENDS = 1000
BATCH = 1000


def payload(n: int) -> dict[str, object]:
    """A log entry's state, about the size the logbook records."""
    return {
        "child": 1,
        "date": (date(2026, 8, 24) + timedelta(days=n // 4)).isoformat(),
        "provision": n % 4 + 1,
        "status": ["delivered", "partial", "missed", "delivered"][n % 4],
        "minutes": 30 if n % 4 == 1 else None,
        "miss_reason": "substitute" if n % 4 == 2 else "",
        "source": "child_said",
        "reported_by": "Maya",
        "note": "Sub teacher today; no extended time on the spelling quiz." if n % 4 == 2 else "",
        "is_makeup": False,
        "retracted": False,
        "client_id": f"6f1c1a9e-0000-4000-8000-{n:012d}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=50_000)
    records = parser.parse_args().records

    from accounts.models import Household
    from evidence.export import ledger_export
    from evidence.ledger import append
    from evidence.verify import verify_child
    from plans.models import Child

    def add(child_id: int, n: int) -> None:
        append(
            child_id=child_id,
            kind="log_entry.created",
            object_type="log_entry",
            object_id=n,
            payload=payload(n),
            event_date=date(2026, 8, 24) + timedelta(days=n // 4),
        )

    household = Household.objects.create(name="Bench household")
    child = Child.objects.create(household=household, name="Bench child")
    vendor = connection.vendor
    print(f"Database: {vendor} ({connection.settings_dict['NAME']}), {records} records")

    start, cpu = time.perf_counter(), time.process_time()
    for n in range(SINGLE_APPENDS):
        add(child.pk, n)
    single = time.perf_counter() - start
    print(
        f"append, one transaction each: {SINGLE_APPENDS / single:,.0f}/s ({single / SINGLE_APPENDS * 1000:.2f} ms each; "
        f"CPU here {(time.process_time() - cpu) / SINGLE_APPENDS * 1000:.2f} ms each)"
    )

    start, cpu = time.perf_counter(), time.process_time()
    n = SINGLE_APPENDS
    while n < records:
        with transaction.atomic():
            for _ in range(min(BATCH, records - n)):
                add(child.pk, n)
                n += 1
    batched = time.perf_counter() - start
    batched_cpu = time.process_time() - cpu
    print(
        f"append, {BATCH} per transaction: {(records - SINGLE_APPENDS) / batched:,.0f}/s "
        f"(CPU here {batched_cpu / (records - SINGLE_APPENDS) * 1e6:.0f} us each)"
    )

    start, cpu = time.perf_counter(), time.process_time()
    # The chain alone: this bench's log_entry records have no LogEntry rows behind them, so the
    # logbook's current-state check (registered since) would report every one as missing.
    report = verify_child(child.pk, check_current=False)
    verify_seconds = time.perf_counter() - start
    verify_cpu = time.process_time() - cpu
    assert report.ok and report.record_count == records, report.problem
    print(
        f"verify_child, {records} records: {verify_seconds:.2f} s ({records / verify_seconds:,.0f} records/s; "
        f"CPU here {verify_cpu:.2f} s)"
    )

    start = time.perf_counter()
    document = ledger_export(child.pk)
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as handle:
        handle.write(json.dumps(document, ensure_ascii=False))
    export_seconds = time.perf_counter() - start
    size_mb = Path(handle.name).stat().st_size / 1e6
    print(f"ledger_export + json.dumps: {export_seconds:.2f} s ({size_mb:.1f} MB)")

    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-I", str(ROOT / "tools" / "verify_ledger_export.py"), handle.name],
        capture_output=True,
        text=True,
        check=True,
    )
    script_seconds = time.perf_counter() - start
    Path(handle.name).unlink()
    print(f"tools/verify_ledger_export.py: {script_seconds:.2f} s -> {result.stdout.strip()[:40]}...")


if __name__ == "__main__":
    with scratch_database("ledger"):
        main()
