"""Benchmark: pikepdf's save options for the worker's recompression, on files as Typst wrote them.

    .venv/bin/python bench/pdf_size_bench.py --runs 1 --keep /tmp/reports     # Typst's files (*.typst.pdf)
    .venv/bin/python bench/recompress_bench.py /tmp/reports/*.typst.pdf [--runs 7]

For each file and each variant of ``reports.render_worker.save_options``: the CPU time of opening and
saving it in this process (median), the bytes written, and whether pikepdf's PDF/A validator finds
the same as in the file the worker writes today (``current``). Issue 17: the recompression is the
largest part of the worker's time after the compile.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pikepdf

from reports.render_worker import save_options


def variants() -> dict[str, dict[str, Any]]:
    base = save_options()
    level = pikepdf.StreamDecodeLevel
    return {
        "current": base,
        "decode none": {**base, "stream_decode_level": level.none},
        "decode specialized": {**base, "stream_decode_level": level.specialized},
        "no compress_streams": {**base, "compress_streams": False},
        "object streams preserve": {**base, "object_stream_mode": pikepdf.ObjectStreamMode.preserve},
        "no deterministic id": {**base, "deterministic_id": False},
    }


def save(pdf: bytes, options: dict[str, Any]) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        out = io.BytesIO()
        document.save(out, **options)
    return out.getvalue()


def findings(pdf: bytes) -> Counter[tuple[str, str, str]]:
    """What pikepdf's PDF/A-3b validator finds (as tests/test_report_pdf_size.py compares them)."""
    report = pikepdf.pdfa.validate_written(io.BytesIO(pdf), "3b")
    return Counter((f.rule, f.kind, re.sub(r"\b\d+ 0 R\b", "N 0 R", f.message)) for f in report.findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; pikepdf {pikepdf.__version__}, qpdf {pikepdf.__libqpdf_version__}")
    print("| file | variant | CPU ms (median) | bytes | PDF/A findings as current |\n| --- | --- | --- | --- | --- |")
    for path in options.files:
        pdf = path.read_bytes()
        reference: Counter[tuple[str, str, str]] | None = None
        for name, chosen in variants().items():
            save(pdf, chosen)
            times = []
            for _ in range(options.runs):
                started = time.process_time()
                written = save(pdf, chosen)
                times.append(time.process_time() - started)
            found = findings(written)
            reference = found if reference is None else reference
            print(
                f"| {path.name} ({len(pdf):,} B) | {name} | {statistics.median(times) * 1000:,.0f} | "
                f"{len(written):,} | {'yes' if found == reference else 'no'} |"
            )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
