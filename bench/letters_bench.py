"""Letters benchmark: drafting each kind of letter from a demo child's full school year, and one PDF.

    IEPRIGHT_DATA_DIR=/tmp/bench-letters .venv/bin/python bench/letters_bench.py [--runs 5]

Uses the database IEPRIGHT_DATA_DIR points to, loading the demo family there first when it is
empty (``seed_demo --if-empty``). Times ``advocacy.letters.draft_letter`` for every kind for the
first demo child (the whole school year so far, every provision with misses), with its query count,
then one letter's PDF render (the reports' Typst worker). Prints medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.settings")
# Never the developer's own data/ database: a scratch folder unless IEPRIGHT_DATA_DIR says otherwise.
os.environ.setdefault("IEPRIGHT_DATA_DIR", str(Path(tempfile.gettempdir()) / "iepright-bench-letters"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from advocacy.letters import draft_letter  # noqa: E402
from advocacy.models import Letter  # noqa: E402
from advocacy.pdf import letter_pdf  # noqa: E402
from advocacy.rules import LETTER_KINDS  # noqa: E402
from plans.models import Child  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--if-empty", verbosity=0)
    child = Child.objects.order_by("pk").first()
    assert child is not None
    print(f"child {child.name}: {child.log_entries.count()} log entries, {child.communications.count()} communications")
    for kind in LETTER_KINDS:
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                draft = draft_letter(child, kind, parent_name="Dana Okafor")
                times.append(time.perf_counter() - started)
        words = len(draft.body.split())
        print(f"{kind:24} {statistics.median(times) * 1000:7.0f} ms  {len(queries):3} queries  {words:5} words")
    letter = Letter.objects.filter(child=child).first()
    if letter is not None:
        started = time.perf_counter()
        pdf = letter_pdf(letter, "Dana Okafor")
        print(f"PDF of {letter.kind}: {(time.perf_counter() - started) * 1000:.0f} ms, {len(pdf):,} bytes")


if __name__ == "__main__":
    main()
