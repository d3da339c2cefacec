"""Recall and precision of the IEP import on generated IEPs, printed as the table in docs/import.md.

    .venv/bin/python bench/import_accuracy.py

Each sample of ``tests/iep_samples.py`` (five layouts, a scanned page, three later variations) is
made with Typst, read by ``plans.iep_import.extract`` and scored against its truth: a provision is
found when a candidate's wording equals the truth's (95% similar for the OCR page); minutes are
right when minutes and period both are.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.settings")


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}% ({part}/{whole})" if whole else "n/a"


def main() -> int:
    from plans.iep_import import extract
    from tests.iep_samples import Score, all_samples, score, variation_samples

    rows = []
    total = Score()
    for group, samples in (("layout", all_samples()), ("variation", variation_samples())):
        for sample in samples:
            pdf = sample.pdf()
            started = time.perf_counter()
            found = extract(pdf)
            seconds = time.perf_counter() - started
            result = score(sample, found.candidates)
            total.add(result)
            dates = "yes" if found.dates == sample.dates else "no"
            rows.append(
                f"| {sample.layout} ({group}) | {found.pages} | {pct(result.matched, result.expected)} "
                f"| {pct(result.matched, result.found)} | {pct(result.exact, result.matched)} "
                f"| {pct(result.kind_right, result.matched)} | {pct(result.minutes_right, result.minutes_expected)} "
                f"| {dates} | {seconds:.2f} s |"
            )
    print("| document | pages | recall | precision | exact wording | kind | minutes and period | dates | time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    minutes_precision = pct(total.minutes_right, total.minutes_found)
    print(
        f"| **all** | | **{pct(total.matched, total.expected)}** | **{pct(total.matched, total.found)}** "
        f"| {pct(total.exact, total.matched)} | {pct(total.kind_right, total.matched)} "
        f"| recall {pct(total.minutes_right, total.minutes_expected)}, precision {minutes_precision} | | |"
    )
    for wording in total.missed:
        print(f"missed: {wording}")
    for wording in total.extra:
        print(f"extra: {wording}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
