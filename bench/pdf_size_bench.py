"""Benchmark: report file sizes before and after recompressing Typst's objects (issue 17, "PDF size").

    .venv/bin/python bench/pdf_size_bench.py [--runs 3]

Builds, in a throw-away database (bench/scratch.py), the demo-like child of ``bench/reports_bench.py`` (15
provisions, realistic logs) for one school year and, apart, for four; makes through
``generate_report`` (what the Reports page calls) the meeting summary and the evidence report of the
year, the evidence report again once 20 worksheet photos, 5 saved emails and the IEP as a PDF are kept
with the year's misses (as ``bench/evidence_exhibits_bench.py`` does), and the 4-year evidence report.
For each it renders the same document once more as Typst writes it (``recompress=False``) and prints:

- what Typst's file is made of: plain (uncompressed) objects, with the structure elements (tags)
  among them; streams without a filter (the XMP metadata...); compressed streams (fonts, images,
  page contents, attached files); the cross-reference table;
- the stored, recompressed file's size and its object streams;
- the CPU time of the recompression inside the worker (the ``pikepdf`` import included; median of
  ``--runs``), and of ``pikepdf`` alone on the same bytes in this process (median of 5).

Results: docs/benchmarks.md, "Report file size".
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

import django
import time_machine

django.setup()

from django.test import override_settings  # noqa: E402

from bench.scratch import scratch_database  # noqa: E402

PHOTOS, EMAILS = 20, 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="a folder to write each report to, as Typst wrote it and as stored")
    args = parser.parse_args()
    print(f"Report file sizes, {args.runs} runs each, started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    # The demo children's records are written as of each school day's evening, up to June 2030: the
    # reports (and their own ledger records) come after, as a chain's clock never runs backwards.
    with (
        scratch_database("pdfsize") as folder,
        override_settings(ATTACHMENT_ROOT=folder / "a", REPORT_ROOT=folder / "r", DEBUG=False),
        time_machine.travel(datetime(2030, 7, 1, 12, 0, tzinfo=UTC), tick=True),
    ):
        run(args.runs, args.keep)
    print(f"\nDone at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {os.getloadavg()[0]:.1f}")


def composition(pdf: bytes) -> dict[str, int]:
    """Bytes of each kind of object in a PDF with a classic cross-reference table (as Typst writes)."""
    found = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf)
    if found is None:
        raise ValueError("not a file with a classic cross-reference table")
    xref = int(found.group(1))
    header = re.match(rb"xref\s+(\d+)\s+(\d+)\s+", pdf[xref:])
    assert header is not None
    count, table = int(header.group(2)), xref + header.end()
    offsets = sorted(
        int(pdf[table + 20 * n : table + 20 * n + 10])
        for n in range(count)
        if pdf[table + 20 * n + 17 : table + 20 * n + 18] == b"n"
    )
    parts = {"plain": 0, "plain_count": 0, "struct": 0, "struct_count": 0, "raw_streams": 0, "raw_count": 0}
    parts |= {"filtered": 0, "filtered_count": 0, "xref": len(pdf) - xref, "total": len(pdf)}
    for start, end in zip(offsets, [*offsets[1:], xref], strict=True):
        chunk = pdf[start:end]
        head, keyword, _rest = chunk.partition(b"stream\n")
        if not keyword:
            head, keyword, _rest = chunk.partition(b"stream\r\n")
        if keyword:
            kind = "filtered" if b"/Filter" in head else "raw_streams"
            count_key = "filtered_count" if kind == "filtered" else "raw_count"
        elif re.search(rb"/Type\s*/StructElem|/S\s*/\w+[\s\S]*/P\s+\d+\s+0\s+R", chunk):
            kind, count_key = "struct", "struct_count"
        else:
            kind, count_key = "plain", "plain_count"
        parts[kind] += len(chunk)
        parts[count_key] += 1
    return parts


def object_streams(pdf: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return sum(
            1
            for obj in document.objects
            if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Type") == pikepdf.Name.ObjStm
        )


def pikepdf_cpu(pdf: bytes) -> float:
    """Median CPU seconds of opening and saving ``pdf`` as the worker does, in this process."""
    from reports.render_worker import finish

    finish(pdf, True)  # imports done
    times = []
    for _ in range(5):
        started = time.process_time()
        finish(pdf, True)
        times.append(time.process_time() - started)
    return statistics.median(times)


def measure(name: str, runs: int, make: Any, keep: Path | None) -> None:
    from reports import services as services_module

    real = services_module.render_pdf
    rendered: list[Any] = []
    typst_renders: list[Any] = []

    def both(*args: Any, **kwargs: Any) -> Any:
        if not typst_renders:  # a worker of its own (the report's started worker renders once)
            typst_renders.append(real(*args, **{**kwargs, "worker": None}, recompress=False))
        result = real(*args, **kwargs)
        rendered.append(result)
        return result

    from reports import render

    services_module.render_pdf = both  # type: ignore[assignment]
    slots, render._slots = render._slots, threading.BoundedSemaphore(2)  # the report's worker holds one
    try:
        reports = [make() for _ in range(runs)]
    finally:
        services_module.render_pdf = real  # type: ignore[assignment]
        render._slots = slots
    report, typst_file = reports[-1], typst_renders[0].pdf
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        (keep / f"{slug}.typst.pdf").write_bytes(typst_file)
        (keep / f"{slug}.stored.pdf").write_bytes(read(report))
    parts = composition(typst_file)
    total = parts["total"]

    def share(key: str) -> str:
        return f"{parts[key] / 1024:,.0f} KB ({100 * parts[key] / total:.0f}%)"

    print(f"\n{name}: {report.pages} pages")
    print(
        f"  Typst's file {total / 1024:,.0f} KB: plain objects {parts['plain_count'] + parts['struct_count']:,} = "
        f"{share('plain')} + structure elements {share('struct')}; streams without a filter "
        f"{parts['raw_count']} = {share('raw_streams')}; compressed streams {parts['filtered_count']} = "
        f"{share('filtered')}; xref table {share('xref')}"
    )
    uncompressed = parts["plain"] + parts["struct"] + parts["raw_streams"] + parts["xref"]
    print(f"  uncompressed in all: {uncompressed / 1024:,.0f} KB ({100 * uncompressed / total:.0f}%)")
    cpu = statistics.median(r.recompress_cpu_seconds for r in rendered)
    print(
        f"  stored file {report.size / 1024:,.0f} KB ({100 * report.size / total:.0f}% of Typst's, "
        f"{(total - report.size) / 1024:,.0f} KB less), {object_streams(read(report))} object streams; "
        f"recompress CPU in the worker {cpu:.3f} s (of {statistics.median(r.cpu_seconds for r in rendered):.2f} s), "
        f"pikepdf alone {pikepdf_cpu(typst_file):.3f} s; worker peak {max(r.peak_memory_kb for r in rendered) / 1024:.0f} MB "
        f"({typst_renders[0].peak_memory_kb / 1024:.0f} MB without); load average {os.getloadavg()[0]:.1f}"
    )


def read(report: Any) -> bytes:
    from reports.storage import read_report

    return read_report(report.sha256)


def run(runs: int, keep: Path | None) -> None:

    from accounts.models import Household, Membership, Role, User
    from reports.services import generate_report
    from tests.reports_support import attach_sample_exhibits, build_demo_child

    parent = User.objects.create_user(email="bench@example.com", password="bench password 123", display_name="Ana")
    home = Household.objects.create(name="Bench family")
    Membership.objects.create(user=parent, household=home, role=Role.OWNER)
    one = build_demo_child(home, parent, name="Child 1", years=1)
    four = build_demo_child(home, parent, name="Child 4", years=4)
    year = {"start": date(2026, 8, 24), "end": date(2027, 6, 4), "bates_prefix": "B-"}

    def report(child: Any, kind: str, **options: Any) -> Any:
        return lambda: generate_report(child, user=parent, kind=kind, **{**year, **options})

    measure("meeting summary, 1 school year", runs, report(one, "summary"), keep)
    measure("evidence, 1 school year", runs, report(one, "evidence"), keep)
    measure("evidence, 4 school years", runs, report(four, "evidence", end=date(2030, 6, 4)), keep)

    attach_sample_exhibits(one, parent, PHOTOS, EMAILS)
    measure(f"evidence, 1 school year, {PHOTOS} photos, {EMAILS} emails, IEP PDF", runs, report(one, "evidence"), keep)


if __name__ == "__main__":
    main()
