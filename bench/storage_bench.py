"""Bytes per child-year on the configured database, table by table, and what would shrink them.

    .venv/bin/python bench/storage_bench.py [--children 10]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/storage_bench.py

Builds, in a throw-away database, ``--children`` households with one child each and one school year
of realistic logs (tests.reports_support.build_demo_child: 15 provisions, about 2,160 entries and as
many ledger records a year), then measures each table with its indexes (SQLite: the dbstat virtual
table after VACUUM; PostgreSQL: pg_total_relation_size after VACUUM FULL) and divides by the
number of children. It also splits the ledger into its rows and each index, and gives the payload's size as text, as
zlib alone would make it and as stored. Results go in docs/benchmarks.md, section "Storage".
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def table_bytes() -> dict[str, int]:
    """Bytes of each table, its indexes included (and, on PostgreSQL, its TOAST)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type IN ('table', 'index')")
            owner = dict((name, table) for table, name in cursor.fetchall())
            cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            sizes: dict[str, int] = {}
            for name, size in cursor.fetchall():
                table = owner.get(name, name)
                sizes[table] = sizes.get(table, 0) + size
            return sizes
        cursor.execute("VACUUM FULL")
        cursor.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public'"
        )
        return dict(cursor.fetchall())


def table_parts(table: str) -> dict[str, int]:
    """A table's bytes by part: the rows (heap, or SQLite's table b-tree) and each index."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, SUM(pgsize) FROM dbstat WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = %s) GROUP BY name",
                [table],
            )
            return {("rows" if name == table else name): int(size) for name, size in cursor.fetchall()}
        cursor.execute(
            "SELECT 'rows', pg_relation_size(%s::regclass) + COALESCE(pg_total_relation_size(reltoastrelid), 0) "
            "FROM pg_class WHERE oid = %s::regclass UNION ALL "
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index WHERE indrelid = %s::regclass",
            [table, table, table],
        )
        return {name: int(size) for name, size in cursor.fetchall()}


def column_bytes(column: str) -> float:
    """The average stored size of one ledger column, in bytes."""
    size = "length" if connection.vendor == "sqlite" else "octet_length"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT AVG({size}({column})) FROM evidence_evidencerecord")
        return float(cursor.fetchone()[0] or 0)


def build_child_years(children: int) -> Any:
    """``children`` households with one child and a school year of logs each; the last child."""
    from accounts.models import Household, Membership, Role, User
    from tests.reports_support import build_demo_child

    for n in range(children):
        parent = User.objects.create_user(email=f"p{n}@example.com", password=None, display_name=f"Parent {n}")
        home = Household.objects.create(name=f"Family {n}")
        Membership.objects.create(user=parent, household=home, role=Role.OWNER)
        child = build_demo_child(home, parent, name=f"Child {n}", years=1)
    return child


def run(children: int) -> None:
    from evidence.models import EvidenceRecord
    from evidence.verify import verify_child
    from logbook.models import LogEntry

    child = build_child_years(children)
    chain = verify_child(child.pk, check_current=False)
    assert chain.ok, chain
    sizes = table_bytes()
    total = sum(sizes.values())
    ledger = sizes["evidence_evidencerecord"]
    records = EvidenceRecord.objects.count()
    print(
        f"{connection.vendor}: {children} child-years, {LogEntry.objects.count():,} log entries, {records:,} "
        f"ledger records; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"all tables: {total / children / 1e6:.2f} MB per child-year; ledger {ledger / total:.0%} of it")
    for name, size in sorted(sizes.items(), key=lambda item: -item[1])[:8]:
        print(f"  {name}: {size / children / 1e3:,.0f} KB per child-year")
    print(f"ledger per record: {ledger / records:.0f} bytes, of which")
    for name, size in sorted(table_parts("evidence_evidencerecord").items(), key=lambda item: -item[1]):
        print(f"  {name}: {size / records:.0f} bytes ({size / children / 1e3:,.0f} KB per child-year)")
    entries = LogEntry.objects.count()
    print(f"log entries per entry: {sizes['logbook_logentry'] / entries:.0f} bytes, of which")
    for name, size in sorted(table_parts("logbook_logentry").items(), key=lambda item: -item[1]):
        print(f"  {name}: {size / entries:.0f} bytes ({size / children / 1e3:,.0f} KB per child-year)")
    payloads = list(EvidenceRecord.objects.values_list("payload", flat=True))
    raw = sum(len(p.encode()) for p in payloads)
    packed = sum(len(zlib.compress(p.encode(), 9)) for p in payloads)
    print(
        f"payload: {raw / records:.0f} bytes as JSON text, {packed / records:.0f} zlib-compressed one by one "
        f"without a dictionary, {column_bytes('payload'):.0f} as stored"
    )
    print(f"hash and prev_hash as stored: {column_bytes('hash'):.0f} + {column_bytes('prev_hash'):.0f} bytes")
    try:
        from evidence.fields import decode_payload, encode_payload
    except ImportError:  # before evidence/0008
        pass
    else:
        start = time.process_time()
        stored = [encode_payload(p) for p in payloads]
        encode = time.process_time() - start
        start = time.process_time()
        assert [decode_payload(b) for b in stored] == payloads
        decode = time.process_time() - start
        print(
            f"payload encoding, CPU time: {encode / records * 1e6:.1f} us to encode, "
            f"{decode / records * 1e6:.1f} us to decode (and compare) a record"
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    entry = EvidenceRecord.objects.filter(child_id=child.pk, object_type="log_entry").values_list("object_id")[1000]
    history = EvidenceRecord.objects.filter(child_id=child.pk, object_type="log_entry", object_id=entry[0])
    print("plan of an entry's history (logbook.services.entry_history):")
    print("  " + history.order_by("seq").explain().replace("\n", "\n  "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=10)
    args = parser.parse_args()
    setup_test_environment()
    folder = tempfile.mkdtemp(prefix="iepright-storage-")
    test = connection.settings_dict.setdefault("TEST", {})
    test["NAME"] = (
        str(Path(folder) / "bench.sqlite3")
        if connection.vendor == "sqlite"
        else f"bench_storage_iepright_{os.getpid()}"
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args.children)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
