"""Benchmark: the work after a report (issue 17): the RFC 3161 anchor and the receipt, and anchors in verification.

    .venv/bin/python bench/report_anchor_bench.py [--anchors 30]

With a local authority (``tests/tsa.py``: ``openssl ts`` on loopback; a real one adds a network round
trip, up to TSA_TIMEOUT), N times: append a record, anchor the head, send the receipt (in-memory
mail). Then ``verify_child`` of that chain twice: the first checks each token's signature, the second
finds them checked already (``evidence.verify._token_problem``). Results: docs/benchmarks.md, "Report path".
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

from django.test import override_settings  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402


def run(anchors: int, folder: str) -> None:
    from accounts.models import Household, Membership, Role, User
    from evidence import verify
    from evidence.ledger import append
    from evidence.timestamps import anchor_head
    from plans.models import Child
    from reports.receipts import send_receipt
    from tests.tsa import LocalTsa

    with (
        LocalTsa() as tsa,
        override_settings(TSA_URL=tsa.url, TSA_CA_FILE=tsa.ca_file, REPORT_ROOT=Path(folder) / "r"),
    ):
        owner = User.objects.create_user(email="owner@example.com", password=None, display_name="Owner")
        home = Household.objects.create(name="Bench family")
        Membership.objects.create(user=owner, household=home, role=Role.OWNER)
        child = Child.objects.create(household=home, name="Bench child")
        walls, cpus, mails = [], [], []
        for n in range(anchors):
            append(child_id=child.pk, kind="note.created", object_type="note", object_id=n, payload={})
            wall, cpu = time.perf_counter(), time.process_time()
            anchor_head(child.pk, reason="report")
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            wall = time.perf_counter()
            send_receipt(home)
            mails.append(time.perf_counter() - wall)
        print(
            f"anchor_head at a local openssl authority: median {statistics.median(walls) * 1000:.0f} ms wall, "
            f"{statistics.median(cpus) * 1000:.1f} ms CPU; receipt (in-memory mail) "
            f"{statistics.median(mails) * 1000:.1f} ms; load average {os.getloadavg()[0]:.2f}"
        )
        verify._GOOD_TOKENS.clear()
        cpu = time.process_time()
        report = verify.verify_child(child.pk)
        cold = time.process_time() - cpu
        cpu = time.process_time()
        verify.verify_child(child.pk)
        warm = time.process_time() - cpu
        print(
            f"verify_child with {report.anchors_checked} anchors: {cold * 1000:.0f} ms CPU the first time, "
            f"{warm * 1000:.0f} ms CPU again (tokens found good are not checked again)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--anchors", type=int, default=30)
    options = parser.parse_args()
    with scratch_database("anchor") as folder:
        run(options.anchors, str(folder))


if __name__ == "__main__":
    main()
