"""What one more child-year costs: a checkout's own bench/storage_bench.py at two sizes, to the byte.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/storage_marginal.py [--checkout DIR]

``storage_bench`` divides all tables by the number of children, so its figure includes the fixed size
of the nearly empty tables (about 0.18 MB a child-year at 10 children on PostgreSQL). This runs the
``storage_bench.py`` of ``--checkout`` (this one by default; any commit since 4bb5412, e.g. a
``git worktree add --detach`` of it) with ``--children 10`` and ``--children 20``, each in its own
process and scratch database, takes the exact sum of the table sizes its ``table_bytes`` measured,
and prints (bytes at 20 - bytes at 10) / 10: the marginal child-year. Results go in
docs/benchmarks.md, "Storage".
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

# Run inside the checkout: its own bench, with table_bytes wrapped to print the exact total.
WRAPPER = """
import importlib.util, sys
sys.argv = ["storage_bench.py", "--children", sys.argv[1]]
spec = importlib.util.spec_from_file_location("storage_bench", "bench/storage_bench.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
measure = bench.table_bytes
def table_bytes():
    sizes = measure()
    print(f"EXACT {sum(sizes.values())} {sizes.get('logbook_logentry', 0)}", flush=True)
    return sizes
bench.table_bytes = table_bytes
bench.main()
"""


def total_bytes(checkout: Path, children: int) -> tuple[int, int]:
    """(all tables, log entries) in bytes, as the checkout's storage_bench measured them."""
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(children)], cwd=checkout, capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^EXACT (\d+) (\d+)$", out, re.MULTILINE)
    if match is None:
        raise SystemExit(f"{checkout}: storage_bench printed no sizes:\n{out}")
    return int(match[1]), int(match[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--sizes", type=int, nargs=2, default=(10, 20), metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    small, large = args.sizes
    (a, entries_a), (b, entries_b) = total_bytes(args.checkout, small), total_bytes(args.checkout, large)
    print(
        f"{args.checkout}: {small} child-years {a:,} bytes ({a / small / 1e6:.2f} MB each), log entries {entries_a:,}"
    )
    print(
        f"{args.checkout}: {large} child-years {b:,} bytes ({b / large / 1e6:.2f} MB each), log entries {entries_b:,}"
    )
    print(f"one more child-year: {(b - a) / (large - small):,.0f} bytes ({(b - a) / (large - small) / 1e6:.3f} MB)")


if __name__ == "__main__":
    main()
