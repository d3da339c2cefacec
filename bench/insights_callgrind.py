"""Instruction counts of the four-year insights arithmetic, which a busy machine does not change.

Wall-clock medians on the shared 2-core machine move 2-10x with the load average (docs/benchmarks.md);
counting instructions under valgrind does not. Build the data once, then count with and without
the repeated work and take the difference:

    IEPRIGHT_DATA_DIR=/tmp/cg .venv/bin/python manage.py migrate -v0
    IEPRIGHT_DATA_DIR=/tmp/cg .venv/bin/python bench/insights_bench.py --into-dev-db
    for n in 0 3; do IEPRIGHT_DATA_DIR=/tmp/cg valgrind --tool=callgrind --callgrind-out-file=/tmp/cg/out.$n \\
        .venv/bin/python bench/insights_callgrind.py --repeat $n 2>&1 | grep 'refs:'; done

(instructions at --repeat 3 minus those at --repeat 0) / 3 = one compute_compliance + find_patterns.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.settings")
# Never the developer's own data/ database: a scratch folder unless IEPRIGHT_DATA_DIR says otherwise.
os.environ.setdefault("IEPRIGHT_DATA_DIR", str(Path(tempfile.gettempdir()) / "iepright-bench-callgrind"))

import django

django.setup()

from insights.compliance import compute_compliance  # noqa: E402
from insights.patterns import find_patterns  # noqa: E402
from logbook.models import LogEntry  # noqa: E402
from plans.models import Child  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    child = Child.objects.get(household__memberships__user__email="bench@example.com")
    days = LogEntry.objects.filter(child=child).order_by("date").values_list("date", flat=True)
    start, end = days.first(), days.last()
    assert start and end
    compute_compliance(child, start, end)  # warm: imports, query compilation caches
    for _ in range(args.repeat):
        find_patterns(compute_compliance(child, start, end))


if __name__ == "__main__":
    main()
