"""Instruction counts of one Today request (test client: middleware, view, queries, template).

A busy machine changes wall-clock times 2-10x; instruction counts under valgrind stay put, so a
change to the request path can be judged on the shared machine. Uses the child that
``bench/insights_bench.py --into-dev-db`` builds (15 provisions, four school years), seen on a
Thursday of its last school year:

    IEPRIGHT_DATA_DIR=/tmp/cg .venv/bin/python manage.py migrate -v0
    IEPRIGHT_DATA_DIR=/tmp/cg .venv/bin/python bench/insights_bench.py --into-dev-db
    for n in 0 5; do IEPRIGHT_DATA_DIR=/tmp/cg valgrind --tool=callgrind --callgrind-out-file=/tmp/cg/today.$n \\
        .venv/bin/python bench/today_callgrind.py --repeat $n 2>&1 | grep 'refs:'; done

(instructions at --repeat 5 minus those at --repeat 0) / 5 = one Today request. Quicker, and as
independent of the load: ``--calls`` counts the Python function calls of each request (cProfile).
``--writes`` lists the statements that write (INSERT, UPDATE, DELETE) in one repeat request: on
SQLite each is an fsync (synchronous=FULL); count those with
``strace -f -c -e trace=fsync,fdatasync`` at --repeat 0 and --repeat 20. It prints this process's
CPU and wall time per repeat request too (meaningless under valgrind or strace; state the load).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django

django.setup()

import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from plans.models import Child  # noqa: E402

THURSDAY = datetime(2026, 5, 14, 16, 0, tzinfo=ZoneInfo("America/New_York"))
WRITES = {"INSERT", "UPDATE", "DELETE", "REPLACE"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--calls", action="store_true", help="count Python function calls per request (no valgrind)")
    parser.add_argument("--writes", action="store_true", help="list the writes of one repeat request")
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    child = Child.objects.select_related("household").get(household__memberships__user__email="bench@example.com")
    user = child.household.memberships.get().user
    client = Client()
    client.force_login(user)
    url = reverse("logbook:today", args=[child.pk])
    with time_machine.travel(THURSDAY, tick=False):
        assert client.get(url).status_code == 200  # warm: templates, URL resolvers, query caches
        if args.writes:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            writes = [q["sql"] for q in captured.captured_queries if q["sql"].split(" ", 1)[0].upper() in WRITES]
            print(f"one repeat request: {len(captured)} queries, {len(writes)} writes")
            for sql in writes:
                print(f"  {sql[:140]}")
        cpu, wall = time.process_time(), time.perf_counter()
        if args.calls:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        for _ in range(args.repeat):
            response = client.get(url)
            assert response.status_code == 200
        if args.calls:
            profiler.disable()
            stats = pstats.Stats(profiler)
            print(f"{stats.total_calls / args.repeat:,.0f} Python function calls per request")  # type: ignore[attr-defined]
    if args.repeat:
        cpu_ms = (time.process_time() - cpu) * 1000 / args.repeat
        wall_ms = (time.perf_counter() - wall) * 1000 / args.repeat
        print(f"{len(response.content):,} bytes of HTML; per request {cpu_ms:.1f} ms CPU, {wall_ms:.1f} ms wall")


if __name__ == "__main__":
    main()
