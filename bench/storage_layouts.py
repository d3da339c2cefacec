"""PostgreSQL only: what a row of the ledger and of the log would weigh laid out otherwise.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/storage_layouts.py

Builds ``--children`` child-years (as bench/storage_bench.py does), then copies the two big tables
into scratch tables with ``CREATE TABLE AS`` in another column order or without a column, and
prints each copy's heap bytes a row after VACUUM FULL (indexes not included). It changes nothing
in the app: it prices the options docs/benchmarks.md, "Storage", lists as left for later.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402
from bench.storage_bench import build_child_years  # noqa: E402

# Alignment order for a padding-free row: 8-byte, 4-byte, 2-byte, 1-byte, then variable-length.
ALIGNMENT = {"d": 0, "i": 1, "s": 2, "c": 3}


def heap_bytes_a_row(select: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS layout_probe")
        cursor.execute(f"CREATE TABLE layout_probe AS {select}")
        cursor.execute("VACUUM FULL layout_probe")
        cursor.execute("SELECT pg_relation_size('layout_probe'), COUNT(*) FROM layout_probe")
        size, rows = cursor.fetchone()
        cursor.execute("DROP TABLE layout_probe")
    return float(size) / rows


def index_bytes_an_entry(columns: str) -> float:
    """The unique slot index's bytes an entry, built on a copy of the log with its columns in this order."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS layout_probe")
        cursor.execute("CREATE TABLE layout_probe AS SELECT * FROM logbook_logentry")
        cursor.execute(f"CREATE UNIQUE INDEX layout_probe_slot ON layout_probe ({columns})")
        cursor.execute("SELECT pg_relation_size('layout_probe_slot'), COUNT(*) FROM layout_probe")
        size, rows = cursor.fetchone()
        cursor.execute("DROP TABLE layout_probe")
    return float(size) / rows


def columns(table: str) -> list[tuple[str, int, str]]:
    """(name, length or -1 for variable, alignment) of the table's live columns, in table order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, typlen, typalign FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [table],
        )
        return list(cursor.fetchall())


def padding_free(table: str, leave_out: tuple[str, ...] = ()) -> str:
    kept = [c for c in columns(table) if c[0] not in leave_out]
    ordered = sorted(kept, key=lambda c: (c[1] == -1, ALIGNMENT[c[2]] if c[1] != -1 else 9))
    return ", ".join(name for name, *_ in ordered)


def run(children: int) -> None:
    build_child_years(children)
    options = {
        "log entries as they are": "SELECT * FROM logbook_logentry ORDER BY id",
        "log entries, padding-free order": f"SELECT {padding_free('logbook_logentry')} FROM logbook_logentry",
        "ledger as it is": "SELECT * FROM evidence_evidencerecord ORDER BY id",
        "ledger without prev_hash": (
            f"SELECT {padding_free('evidence_evidencerecord', ('prev_hash',))} FROM evidence_evidencerecord"
        ),
        "ledger without prev_hash and id": (
            f"SELECT {padding_free('evidence_evidencerecord', ('prev_hash', 'id'))} FROM evidence_evidencerecord"
        ),
    }
    small = padding_free("logbook_logentry").replace("version", "version::smallint AS version")
    small = small.replace("recording_lag_days", "recording_lag_days::smallint AS recording_lag_days")
    small = small.replace("minutes_delivered", "minutes_delivered::smallint AS minutes_delivered")
    options["log entries, padding-free, version, lag and minutes as 2 bytes"] = f"SELECT {small} FROM logbook_logentry"
    for title, select in options.items():
        print(f"{title}: {heap_bytes_a_row(select):.1f} heap bytes a row")
    # PostgreSQL pads an index tuple's columns as it pads a row's: the 1-byte is_makeup last costs 8 bytes.
    for order in ("child_id, date, provision_id, is_makeup", "child_id, date, is_makeup, provision_id"):
        print(f"unique slot index ({order}): {index_bytes_an_entry(order):.1f} bytes an entry")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--children", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        parser.error("PostgreSQL only: set DATABASE_URL")
    with scratch_database("storage_layouts"):
        run(args.children)


if __name__ == "__main__":
    main()
