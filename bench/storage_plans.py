"""The query plans behind the storage change (issue 17): do the lookups still find an index?

    .venv/bin/python bench/storage_plans.py [--children 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/storage_plans.py [--analyze]

Builds, in a throw-away database, ``--children`` children with a school year of logs each
(tests.reports_support.build_demo_child), ANALYZEs, and prints the plan of each lookup whose index
changed: log entries by child and day, week and range (Today, the week, insights, reports), a
user's deletion setting ``retracted_by`` to NULL, and the ledger lookups that used the hash's index.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402
from bench.storage_bench import build_child_years  # noqa: E402

ANALYZE = False  # --analyze: on PostgreSQL, run the reads and count the pages they touch (BUFFERS)


def explain(title: str, sql: str, params: list[Any]) -> None:
    if connection.vendor == "sqlite":
        prefix = "EXPLAIN QUERY PLAN "
    elif ANALYZE and sql.startswith("SELECT"):
        prefix = "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY OFF) "
    else:
        prefix = "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    print(f"{title}:\n  {sql}")
    for row in rows:
        print("    " + " ".join(str(part) for part in (row[-1:] if connection.vendor == "sqlite" else row)))


def run(children: int) -> None:
    from evidence.models import EvidenceRecord
    from logbook.models import LogEntry

    child = build_child_years(children)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    day = LogEntry.objects.filter(child=child).order_by("date").values_list("date", flat=True)[500]
    week = (day, date.fromordinal(day.toordinal() + 6))
    queries = {
        "entries of one day (Today, a retry's batch)": LogEntry.objects.filter(child=child, date=day),
        "entries of a week or range (Today's window, the API, insights)": LogEntry.objects.filter(
            child=child, date__range=week
        ).order_by("date", "provision_id"),
        "every entry of a child (exports, erasure)": LogEntry.objects.filter(child=child),
    }
    for title, query in queries.items():
        sql, params = query.query.sql_with_params()
        explain(title, sql, list(params))
    explain(
        "a user's deletion: SET NULL on retracted_by",
        "UPDATE logbook_logentry SET retracted_by_id = NULL WHERE retracted_by_id IN (%s, %s)",
        [1, 2],
    )
    last = EvidenceRecord.objects.filter(child=child).order_by("-seq").values_list("seq", "hash").first()
    assert last is not None
    sql, params = (
        EvidenceRecord.objects.filter(child_id=child.pk, seq=last[0], hash=last[1]).values("id").query.sql_with_params()
    )
    explain("the ledger: a report's head in its chain (public check, kept export)", sql, list(params))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=10)
    parser.add_argument("--analyze", action="store_true", help="PostgreSQL: run the reads, count pages touched")
    args = parser.parse_args()
    global ANALYZE
    ANALYZE = args.analyze
    with scratch_database("storage_plans"):
        run(args.children)


if __name__ == "__main__":
    main()
