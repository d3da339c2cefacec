"""Benchmark: what the evidence report's chronology costs in Typst, layout by layout (issue 17).

    .venv/bin/python bench/chronology_bench.py                       # all variants, 1 and 4 years, 5 runs
    .venv/bin/python bench/chronology_bench.py --years 1 --runs 3 --variants current,grid
    .venv/bin/python bench/chronology_bench.py --callgrind --years 1 --runs 1   # instruction counts

Builds one demo-like child with four school years of logs (tests.reports_support.build_demo_child)
in a throw-away database (bench/scratch.py), and takes the exact inputs ``generate_report`` hands the renderer
for the evidence report of its first school year and of all four years (data, ledger file,
timestamp). It then compiles them in the real render worker with copies of the templates that
differ only in the chronology's layout (``VARIANTS``). The figure is the worker's own CPU time
(user + system from its resource usage: the Typst compile plus a constant ~40 ms to start Python),
which a busy machine inflates much less than wall time; variants take turns run by run, so a change
of load hits them all alike. With ``--callgrind`` each compile runs under valgrind's callgrind
instead and the figure is the count of instructions executed: about 50 times slower, but the same
on a quiet or a busy machine (the ``callgrind.out`` files are kept for ``callgrind_annotate``).

Each variant's PDF is compared with the layout before issue 17 (``before``): page count, and the same text once
whitespace is collapsed (``pdftotext``), so a variant that drops or reorders anything shows it.
``--inputs DIR`` keeps the captured inputs there and reuses them on the next run (building four
years takes a while). Results go to docs/benchmarks.md under "## Chronology layout".
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import types
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iepright.test_settings")

TEMPLATES = ROOT / "reports" / "typst"
RANGES = {1: (date(2026, 8, 24), date(2027, 6, 4)), 4: (date(2026, 8, 24), date(2030, 6, 4))}

# The chronology section of evidence.typ before issue 17 (commit 4bb5412): every variant but
# "current" starts from it, so the figures stay comparable after the templates change.
BEFORE = r"""  // ---- Chronology -------------------------------------------------------------------------------
  = Chronology of every missed or partly delivered entry
  #if d.misses.len() == 0 [No missed or partly delivered entry was logged in this range.] else [
    Every entry logged as missed or partly delivered, oldest first (#d.misses.len() entries), as the ledger records it. "First recorded" is the day the entry was first written to the ledger, its lag after the school day, and who wrote it; every later change is listed under it with its date, how long after the school day, and the reason given. "Ledger" gives the numbers of its first and latest records in the attached chain. Withdrawn entries are in the appendix.
    #set text(size: 8.5pt)
    #table(
      columns: (0.9in, 1.85in, 1fr, 1.0in),
      table.header[Date][Provision and IEP wording][What happened][First recorded],
      ..d.misses.map(m => (
        [#m.date \ #m.weekday],
        [*#m.label*#m.makeup_text \ #text(size: 7.5pt, emph(m.wording))],
        [
          *#m.status*#m.minutes_text. #m.reason#if m.cause_text == "school-caused" [ #box[*(school-caused)*]] else if m.cause_text != "" [ *(#m.cause_text)*]. \
          How known: #m.source#m.reporter_text.
          #if m.note != "" [\ Note: “#m.note”]
          #if not m.counted [\ _Not in the day counts: a make-up session or a day the provision was not expected._]
          #for a in m.attachments { exhibit-mention(a) }
        ],
        [#m.recorded \ #m.lag_text #if m.device_text != "" [\ #m.device_text] #if m.recorded_by != "" [\ by #m.recorded_by] #for e in m.edits [\ #text(fill: bad, weight: "bold")[#e.text] (ledger \##e.seq)] #if m.record != none [\ Ledger \##m.record.first#if m.record.seq != m.record.first [ to \##m.record.seq]]],
      ).map(c => table.cell(breakable: m.long, c))).flatten(),
    )
  ]
]

"""

# The chronology table of evidence.typ, as the variants below find it.
TABLE_OPEN = "    #table(\n      columns: (0.9in, 1.85in, 1fr, 1.0in),\n"
HEADER = "      table.header[Date][Provision and IEP wording][What happened][First recorded],\n"
ROWS_OPEN = "      ..d.misses.map(m => (\n"
ROWS_CLOSE = "      ).map(c => table.cell(breakable: m.long, c))).flatten(),\n    )\n"
DATE_CELL = "        [#m.date \\ #m.weekday],\n"
WORDING = " \\ #text(size: 7.5pt, emph(m.wording))"
CELL_SHOW = '  show table.cell.where(y: 0): set text(weight: "bold")\n'

Edit = tuple[str, str, str]  # file, old text (must occur exactly once), new text


@dataclass(frozen=True)
class Variant:
    name: str
    about: str
    keeps: bool  # keeps what the report needs (tagged table, repeated header, long notes break)
    edits: list[Edit] = field(default_factory=list)
    as_is: bool = False  # the templates as they are; otherwise the chronology as it was (BEFORE), then the edits


FIXED_STROKE: list[Edit] = [
    (
        "evidence.typ",
        TABLE_OPEN + HEADER,
        TABLE_OPEN + "      stroke: (top: 0.3pt + rule, bottom: 0.3pt + rule),\n"
        "      table.header(table.hline(stroke: 0.8pt + ink), [Date], [Provision and IEP wording], "
        "[What happened], [First recorded]),\n",
    )
]
OWN_RUN: list[Edit] = [("evidence.typ", "  = Chronology of every", "  #pagebreak(weak: true)\n  = Chronology of every")]
# One table per school year (July 1 to June 30), each from a new page: a page break ends a page run,
# and Typst lays out page runs in parallel.
YEAR_RUNS: list[Edit] = [
    *OWN_RUN,
    (
        "evidence.typ",
        TABLE_OPEN,
        "    #let school-year(m) = {\n"
        "      let year = int(m.date.slice(-4))\n"
        '      if m.date.slice(0, 3) in ("Jan", "Feb", "Mar", "Apr", "May", "Jun") { year - 1 } else { year }\n'
        "    }\n"
        "    #let years = d.misses.map(school-year).dedup()\n"
        "    #for (i, year) in years.enumerate() [\n"
        "    #if i > 0 { pagebreak() }\n"
        "    #if years.len() > 1 [== School year #year\\-#calc.rem(year + 1, 100)]\n" + TABLE_OPEN,
    ),
    ("evidence.typ", ROWS_OPEN, "      ..d.misses.filter(m => school-year(m) == year).map(m => (\n"),
    ("evidence.typ", ROWS_CLOSE, ROWS_CLOSE + "    ]\n"),
]

VARIANTS = [
    Variant("current", "the templates as they are (since issue 17: lean cells and fixed strokes)", True, as_is=True),
    Variant("before", "the layout before issue 17: one table, each of the 4 cells table.cell(breakable: m.long)", True),
    Variant(
        "no-rows",
        "the chronology's heading, text and header row without any row (what everything else costs)",
        False,
        [("evidence.typ", ROWS_OPEN, "      ..d.misses.slice(0, 0).map(m => (\n")],
    ),
    Variant(
        "grid",
        "a grid instead of a table (same strokes, insets, bold header): not a tagged table",
        False,
        [
            (
                "evidence.typ",
                TABLE_OPEN + HEADER,
                "    #grid(\n      columns: (0.9in, 1.85in, 1fr, 1.0in),\n      inset: (x: 5pt, y: 4pt),\n"
                "      stroke: (x, y) => (top: if y == 0 { 0.8pt + ink } else { 0.3pt + rule }, bottom: 0.3pt + rule),\n"
                "      grid.header[*Date*][*Provision and IEP wording*][*What happened*][*First recorded*],\n",
            ),
            ("evidence.typ", "table.cell(breakable: m.long, c)", "grid.cell(breakable: m.long, c)"),
        ],
    ),
    Variant(
        "all-breakable",
        "no table.cell wrapping: every row may break across pages (Typst's default for auto rows)",
        False,
        [("evidence.typ", ROWS_CLOSE, "      )).flatten(),\n    )\n")],
    ),
    Variant(
        "first-cell",
        "only the first cell of a row says breakable: m.long (a row with one unbreakable cell stays whole)",
        True,
        [
            ("evidence.typ", DATE_CELL, "        table.cell(breakable: m.long)[#m.date \\ #m.weekday],\n"),
            ("evidence.typ", ROWS_CLOSE, "      )).flatten(),\n    )\n"),
        ],
    ),
    Variant(
        "set-rule",
        "set table.cell(breakable: false) once; only long rows wrap their cells as breakable",
        True,
        [
            ("evidence.typ", TABLE_OPEN, "    #set table.cell(breakable: false)\n" + TABLE_OPEN),
            (
                "evidence.typ",
                ROWS_CLOSE,
                "      ).map(c => if m.long { table.cell(breakable: true, c) } else { c })).flatten(),\n    )\n",
            ),
        ],
    ),
    Variant(
        "fixed-stroke",
        "the chronology's strokes as fixed values and a header hline, not the (x, y) function per cell",
        True,
        [
            (
                "evidence.typ",
                TABLE_OPEN + HEADER,
                TABLE_OPEN + "      stroke: (top: 0.3pt + rule, bottom: 0.3pt + rule),\n"
                "      table.header(table.hline(stroke: 0.8pt + ink), [Date], [Provision and IEP wording], "
                "[What happened], [First recorded]),\n",
            )
        ],
    ),
    Variant(
        "no-cell-show",
        "without the frame's show rule on header cells (bold), for every table of the report",
        False,
        [("lib.typ", CELL_SHOW, "")],
    ),
    Variant(
        "no-repeat",
        "the header row not repeated on each page",
        False,
        [("evidence.typ", "      table.header[Date]", "      table.header(repeat: false)[Date]")],
    ),
    Variant(
        "chunks-40",
        "one table per 40 rows instead of one for the whole chronology",
        True,
        [
            ("evidence.typ", TABLE_OPEN, "    #for rows in d.misses.chunks(40) [\n" + TABLE_OPEN),
            ("evidence.typ", ROWS_OPEN, "      ..rows.map(m => (\n"),
            ("evidence.typ", ROWS_CLOSE, ROWS_CLOSE + "    ]\n"),
        ],
    ),
    Variant(
        "no-wording",
        "without the IEP wording under each provision (less text per row)",
        False,
        [("evidence.typ", WORDING, "")],
    ),
    Variant(
        "own-run",
        "a page break before the chronology: it becomes a page run of its own, laid out in parallel",
        True,
        OWN_RUN,
    ),
    Variant(
        "year-runs",
        "one table per school year, each from a new page (one page run each, laid out in parallel)",
        True,
        YEAR_RUNS,
    ),
    Variant(
        "year-runs+fixed-stroke",
        "year-runs with fixed strokes",
        True,
        [*YEAR_RUNS, ("evidence.typ", TABLE_OPEN + HEADER, FIXED_STROKE[0][2])],
    ),
    Variant(
        "lean-cells",
        "the same cells with fewer pieces: plain lines joined into one string, text(weight/style) for strong/emph",
        True,
        [("evidence.typ", "LEAN", "")],
    ),
    Variant(
        "lean+fixed-stroke",
        "lean-cells with fixed strokes",
        True,
        [("evidence.typ", "LEAN", ""), *FIXED_STROKE],
    ),
    Variant(
        "lean+fixed-stroke+year-runs",
        "lean-cells, fixed strokes, one table and page run per school year",
        True,
        [("evidence.typ", "LEAN", ""), *YEAR_RUNS, *FIXED_STROKE],
    ),
    Variant(
        "plain-strings",
        "each cell one plain string built in Typst (no bold, italic, sizes, colours, conditionals)",
        False,
        [("evidence.typ", "ROWS", "")],  # replaced whole in apply(): the row tuple
    ),
]

LEAN_ROW = """      ..d.misses.map(m => (
        m.date + "\\n" + m.weekday,
        [#text(weight: "bold", m.label)#(m.makeup_text + "\\n")#text(size: 7.5pt, style: "italic", m.wording)],
        [#text(weight: "bold", m.status)#(m.minutes_text + ". " + m.reason)#if m.cause_text == "school-caused" [ #box(text(weight: "bold", "(school-caused)"))] else if m.cause_text != "" [ #text(weight: "bold", "(" + m.cause_text + ")")]#(". \\nHow known: " + m.source + m.reporter_text + "." + if m.note != "" { "\\nNote: \u201c" + m.note + "\u201d" } else { "" })#if not m.counted [\\ #text(style: "italic", "Not in the day counts: a make-up session or a day the provision was not expected.")]#for a in m.attachments { exhibit-mention(a) }],
        [#((m.recorded, m.lag_text, m.device_text, if m.recorded_by != "" { "by " + m.recorded_by } else { "" }).filter(s => s != "").join("\\n"))#for e in m.edits [\\ #text(fill: bad, weight: "bold", e.text) (ledger \\##e.seq)]#if m.record != none { "\\nLedger #" + str(m.record.first) + if m.record.seq != m.record.first { " to #" + str(m.record.seq) } else { "" } }],
"""


PLAIN_ROW = """      ..d.misses.map(m => (
        m.date + "\\n" + m.weekday,
        m.label + m.makeup_text + "\\n" + m.wording,
        m.status + m.minutes_text + ". " + m.reason + ". How known: " + m.source + m.reporter_text + "." + if m.note != "" { "\\nNote: " + m.note } else { "" },
        m.recorded + "\\n" + m.lag_text + if m.recorded_by != "" { "\\nby " + m.recorded_by } else { "" },
"""


def apply(variant: Variant, folder: Path) -> Path:
    """Copies of the templates with the variant's edits, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for template in TEMPLATES.glob("*.typ"):
        shutil.copyfile(template, folder / template.name)
    if not variant.as_is:
        path = folder / "evidence.typ"
        text = path.read_text()
        start, end = text.index("  // ---- Chronology ---"), text.index('#if d.at("communications"')
        path.write_text(text[:start] + BEFORE + text[end:])
    for name, old, new in variant.edits:
        path = folder / name
        text = path.read_text()
        if old in ("ROWS", "LEAN"):
            start = text.index(ROWS_OPEN)
            end = text.index(ROWS_CLOSE)
            text = text[:start] + (PLAIN_ROW if old == "ROWS" else LEAN_ROW) + text[end:]
        else:
            if text.count(old) != 1:
                raise SystemExit(f"{variant.name}: {old!r} found {text.count(old)} times in {name}; update the bench")
            text = text.replace(old, new)
        path.write_text(text)
    return folder


# ---- Capturing the renderer's inputs -----------------------------------------------------------


def capture(folder: Path) -> dict[int, dict[str, Any]]:
    """The render inputs of the 1-year and 4-year evidence reports, saved in ``folder``."""
    saved = folder / "inputs.json"
    if saved.is_file():
        return {int(k): v for k, v in json.loads(saved.read_text()).items()}
    import django

    django.setup()
    from django.test import override_settings

    from bench.scratch import scratch_database

    with (
        scratch_database("chrono") as scratch,
        override_settings(ATTACHMENT_ROOT=scratch / "a", REPORT_ROOT=scratch / "r", DEBUG=False),
    ):
        inputs = _capture(folder)
    shutil.rmtree(scratch, ignore_errors=True)  # the reports and files it made; the inputs are copied out
    saved.write_text(json.dumps({str(k): v for k, v in inputs.items()}, ensure_ascii=False))
    return inputs


def _capture(folder: Path) -> dict[int, dict[str, Any]]:
    import time_machine

    import reports.services as services
    from accounts.models import Household, Membership, Role, User
    from tests.reports_support import build_demo_child

    parent = User.objects.create_user(email="bench@example.com", password=None, display_name="Ana")
    home = Household.objects.create(name="Bench family")
    Membership.objects.create(user=parent, household=home, role=Role.OWNER)
    child = build_demo_child(home, parent, name="Child", years=4)
    from reports.render import Worker

    real = Worker.hand_over  # the request hands its data to a started worker (reports.services)
    inputs: dict[int, dict[str, Any]] = {}
    for years, (start, end) in RANGES.items():
        seen: list[dict[str, Any]] = []

        def keep(
            worker, data, *, attachments=None, timestamp=None, files=None, recompress=True, seen=seen, years=years
        ):  # type: ignore[no-untyped-def]
            files_dir = folder / f"files-{years}"
            files_dir.mkdir(parents=True, exist_ok=True)
            for name, path in (files or {}).items():
                shutil.copyfile(path, files_dir / name)
            seen.append(
                {
                    "template": Path(worker.source).stem,
                    "data": copy.deepcopy(data),
                    "attachments": [vars(a) for a in attachments or []],
                    "timestamp": timestamp.isoformat() if timestamp else None,
                    "files": {name: str(files_dir / name) for name in files or {}},
                }
            )
            return real(worker, data, attachments=attachments, timestamp=timestamp, files=files, recompress=recompress)

        Worker.hand_over = keep  # type: ignore[method-assign]
        try:
            # After the last school day of the four years: a ledger's clock never runs backwards.
            with time_machine.travel(datetime(2030, 6, 20, 12, 0, tzinfo=UTC)):
                services.generate_report(
                    child, user=parent, kind="evidence", start=start, end=end, bates_prefix="BENCH-"
                )
        finally:
            Worker.hand_over = real  # type: ignore[method-assign]
        inputs[years] = seen[0]
    return inputs


# ---- Compiling ---------------------------------------------------------------------------------


@dataclass
class Result:
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    instructions: list[int] = field(default_factory=list)
    peak_mb: float = 0.0
    pages: int = 0
    same_text: bool | None = None


def compile_once(variant_dir: Path, given: dict[str, Any], callgrind_out: Path | None) -> Any:
    """One compile of ``given`` with the templates in ``variant_dir``, in the real render worker."""
    import reports.render as render

    attachments = [render.Attachment(**a) for a in given["attachments"]]
    files = {name: Path(path) for name, path in given["files"].items()}
    stamp = datetime.fromisoformat(given["timestamp"]) if given["timestamp"] else datetime.now(UTC)
    saved_dir, saved_subprocess = render.TEMPLATE_DIR, render.subprocess
    render.TEMPLATE_DIR = variant_dir
    if callgrind_out is not None:

        def popen(args, **kwargs):  # type: ignore[no-untyped-def]
            tool = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={callgrind_out}", "--quiet"]
            return subprocess.Popen(tool + list(args), **kwargs)

        # One thread: Rayon's idle workers spin, which would add instructions that vary run to run.
        os.environ["RAYON_NUM_THREADS"] = "1"
        render.subprocess = types.SimpleNamespace(  # type: ignore[assignment]
            Popen=popen, PIPE=subprocess.PIPE, TimeoutExpired=subprocess.TimeoutExpired
        )
    try:
        return render.render_pdf(
            given["template"],
            copy.deepcopy(given["data"]),
            attachments=attachments,
            timestamp=stamp,
            files=files,
            timeout=3600 if callgrind_out else 300,
        )
    finally:
        render.TEMPLATE_DIR, render.subprocess = saved_dir, saved_subprocess


def instructions_in(out: Path) -> int:
    """The total instruction count (Ir) of a callgrind.out file."""
    for line in out.read_text(errors="replace").splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"No total in {out}")


def text_of(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--years", type=int, nargs="+", default=[1, 4], choices=sorted(RANGES))
    parser.add_argument("--variants", default="", help="comma-separated names (default: all)")
    parser.add_argument("--callgrind", action="store_true", help="count instructions under valgrind instead")
    parser.add_argument("--inputs", default="", help="folder to keep and reuse the captured inputs in")
    args = parser.parse_args()
    chosen = [v for v in VARIANTS if not args.variants or v.name in args.variants.split(",")]
    chosen = [VARIANTS[1], VARIANTS[0], *[v for v in chosen if v.name not in ("current", "before")]]
    work = Path(tempfile.mkdtemp(prefix="iepright-chrono-variants-"))
    keep = Path(args.inputs) if args.inputs else work / "inputs"
    keep.mkdir(parents=True, exist_ok=True)
    inputs = capture(keep)
    dirs = {v.name: apply(v, work / v.name) for v in chosen}
    figure = "instructions (callgrind)" if args.callgrind else "worker CPU time"
    print(f"Chronology layout benchmark: {figure}, {args.runs} run(s) per variant; load average {load()}")
    probe: dict[str, Any] = {
        "template": "probe",
        "data": {"title": "Probe", "text": "plain", "prefix": "P-", "generated": {"by": "Bench"}},
        "attachments": [],
        "timestamp": None,
        "files": {},
    }
    fixed = []
    for run in range(args.runs):
        out = work / f"callgrind.out.probe.{run}" if args.callgrind else None
        rendered = compile_once(dirs["current"], probe, out)
        fixed.append(instructions_in(out) / 1e9 if out else rendered.cpu_seconds)
    unit = "G instructions" if args.callgrind else "s of worker CPU"
    print(f"A one-page document (probe.typ), the worker's fixed cost: {statistics.median(fixed):.3f} {unit}")
    for years in args.years:
        given = inputs[years]
        rows = len(given["data"]["misses"])
        results = {v.name: Result() for v in chosen}
        texts: dict[str, str] = {}
        for run in range(args.runs):
            for v in chosen:
                out = work / f"callgrind.out.{years}y.{v.name}.{run}" if args.callgrind else None
                rendered = compile_once(dirs[v.name], given, out)
                r = results[v.name]
                r.cpu.append(rendered.cpu_seconds)
                r.wall.append(rendered.compile_seconds)
                r.peak_mb = max(r.peak_mb, rendered.peak_memory_kb / 1024)
                r.pages = rendered.pages
                if out is not None:
                    r.instructions.append(instructions_in(out))
                if run == 0:
                    texts[v.name] = text_of(rendered.pdf)
                    r.same_text = texts[v.name] == texts["before"]
        base = results["before"]
        print(f"\n{years} school year(s), {rows} chronology rows; load average {load()}")
        print(
            "| variant | keeps what the report needs | pages | same text | "
            + figure
            + " | vs before | compile wall | peak |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for v in chosen:
            r = results[v.name]
            if args.callgrind:
                value = statistics.median(r.instructions)
                shown = f"{value / 1e9:.2f} G"
                ratio = value / statistics.median(base.instructions)
            else:
                value = statistics.median(r.cpu)
                shown = f"{value:.3f} s (best {min(r.cpu):.3f})"
                ratio = value / statistics.median(base.cpu)
            print(
                f"| {v.name} | {'yes' if v.keeps else 'no'} | {r.pages} | {'yes' if r.same_text else 'no'} | "
                f"{shown} | {ratio:.2f}x | {statistics.median(r.wall):.3f} s | {r.peak_mb:.0f} MB |"
            )
    print("\nVariants:")
    for v in chosen:
        print(f"  {v.name}: {v.about}")
    if args.callgrind:
        print(f"\ncallgrind.out files: {work}")
    print(f"\nDone at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average {load()}")


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


if __name__ == "__main__":
    main()
