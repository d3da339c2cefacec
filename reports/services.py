"""Making reports: gather the numbers, render the PDF, store it, record it.

``generate_report`` is the one way a report is made (the reports page, the ``report`` command and the
benchmark all call it):

0. the Typst worker (``reports.render.start_worker``) is started first: its start, imports and font
   scan overlap the reading;
1. ``reports.data.report_data`` reads the chain once (as tuples), the ledger facts, the export and
   the numbers in one read-only snapshot (no write lock: nobody's writes wait for it);
2. the worker renders them, still without any lock, while this process proves the chain it read
   (every record re-hashed, every link, the current rows, stored files and anchors:
   ``reports.data.ChainRead.prove``); the PDF is kept only if the proof passed, and only then the export;
3. one short write transaction checks that the chain it was read from still stands (the records
   appended since link on: ``evidence.verify.verify_since``), takes the Bates range, stores the file
   by its SHA-256 and saves the ``GeneratedReport`` row and its ledger record;
4. after the commit, a thread time-stamps the new head and emails the owner's receipt
   (``reports.receipts.after_report_soon``), so the person does not wait for either.
"""

from __future__ import annotations

import contextvars
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence import ledger
from evidence.attachments import attachment_path
from evidence.verify import verify_since
from plans.models import Child
from reports import bates
from reports.data import ChainBroken, ChainRead, Exhibit, ReportInputs, ReportNotMade, report_data
from reports.ledger_copy import ATTACHMENT_NAME
from reports.models import GeneratedReport
from reports.receipts import after_report_soon
from reports.render import Attachment, Rendered, render_pdf, start_worker
from reports.snapshot import read_snapshot
from reports.stages import note, stage
from reports.storage import store_report

__all__ = ["ChainBroken", "PagesTaken", "ReportNotMade", "generate_report"]


class PagesTaken(ReportNotMade):
    """Other reports of the household kept taking the Bates numbers this one was numbered with."""


BATES_TRIES = 3

TEMPLATES: dict[str, str] = {GeneratedReport.Kind.SUMMARY: "summary", GeneratedReport.Kind.EVIDENCE: "evidence"}


def _person(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "IEP Right (command line)"
    name = getattr(user, "name", "") or str(user)
    email = getattr(user, "email", "")
    return f"{name} ({email})" if email and email != name else name


def generate_report(
    child: Child,
    *,
    user: Any,
    kind: str,
    start: date,
    end: date,
    provision_ids: list[int] | None = None,
    bates_prefix: str = "",
    ask: str = "",
    generated_at: datetime | None = None,
) -> GeneratedReport:
    """Render, store and record one report of ``child`` from ``start`` to ``end`` (both included).

    Its pages take the household's next Bates numbers. Raises ``ChainBroken`` (nothing made) when the
    child's chain does not verify.
    """
    if kind not in TEMPLATES:
        raise ValueError(f"Unknown report kind {kind!r}")
    if end < start:
        raise ValueError("The range ends before it starts.")
    moment = (generated_at or timezone.now()).astimezone(UTC)
    inputs = ReportInputs(
        child=child,
        kind=kind,
        start=start,
        end=end,
        provision_ids=provision_ids,
        bates_prefix=bates_prefix,
        bates_start=_peek(child),
        ask=ask,
        generated_by=_person(user),
        generated_at=moment,
        declarant=_name(user),
    )
    # The worker first: its start, imports and font scan overlap the reading. Then one read-only
    # snapshot, no lock held: the chain read once (facts, export), the numbers read, and the render
    # in a thread while this one proves the chain it was read from.
    with stage("start the render worker"):
        worker = start_worker(TEMPLATES[kind])
    chain: ChainRead | None = None
    try:
        with stage("read snapshot: read, render and verify (with commit)"), collections_paused(), read_snapshot():
            data, chain = report_data(inputs)
            exhibits: list[Exhibit] = data.pop("exhibit_files")
            attachments, files = _attachments(child, data, chain, exhibits)
            with stage("hand the data to the render worker"):
                # In this thread, before the proof starts: handed over from a waiting thread, each
                # piece of the data waited for the proof to let go of the interpreter lock.
                worker.hand_over(data, attachments=attachments, timestamp=moment, files=files)

            def render() -> Rendered:
                with stage("render (parent and worker)"):
                    return _noted(worker.answer())

            rendered = _while_rendering(render, chain.prove, worker.kill)
        kept = chain.keep_export()  # only now: the chain it holds verified
        if kept is not None and chain.ledger_file is not None:
            files[chain.ledger_file.name] = kept  # a new render (Bates below) reads it from there
    finally:
        worker.close()
        if chain is not None:
            chain.discard_export()
    for _try in range(BATES_TRIES):
        # Only now the write lock: the chain it was made from still stands, the page numbers, the record.
        with stage("write transaction (with commit)"), transaction.atomic():
            with stage("  chain since the read"):
                _check_since(child, chain)
            with stage("  Bates take"):
                taken = bates.take(child.household, inputs.bates_start, rendered.pages)
            if taken:
                report = _record(child, user, kind, data, rendered, moment, inputs)
        if taken:
            break
        if _try + 1 < BATES_TRIES:
            # Another report of the household took these numbers meanwhile: number the pages again.
            inputs = replace(inputs, bates_start=_peek(child))
            data["bates"]["start"] = inputs.bates_start
            rendered = _render(kind, data, attachments, moment, files)
    else:
        raise PagesTaken(_("Other reports kept taking the page numbers; please try again."))
    # After commit: an RFC 3161 anchor over the new head and the owner's integrity receipt (issue 8),
    # in a thread of their own so the person does not wait for the authority and the mail server.
    transaction.on_commit(lambda: after_report_soon(report))
    return report


def _attachments(
    child: Child, data: dict[str, Any], chain: ChainRead, exhibits: list[Exhibit]
) -> tuple[list[Attachment], dict[str, Path]]:
    """The files carried inside the PDF (the ledger export, documents), and every file the worker reads."""
    attachments = []
    files = {e.sha256: attachment_path(e.sha256) for e in exhibits}
    if chain.ledger_file is not None:
        files[chain.ledger_file.name] = chain.ledger_file  # handed over as a file, read by the worker
        attachments.append(
            Attachment(
                ATTACHMENT_NAME,
                "",
                f"Every ledger record of {child.name}'s hash chain at generation ({data['ledger']['count']} "
                "records), to verify with tools/verify_ledger_export.py",
                path=f"/exhibits/{chain.ledger_file.name}",
            )
        )
    for exhibit in exhibits:
        if exhibit.shown == "attached":
            attachments.append(
                Attachment(
                    exhibit.file_name,
                    "",
                    f"{exhibit.label}: {exhibit.name}, SHA-256 {exhibit.sha256}",
                    exhibit.content_type.split(";")[0],
                    path=exhibit.page_path,
                )
            )
    return attachments, files


def _render(
    kind: str,
    data: dict[str, Any],
    attachments: list[Attachment],
    moment: datetime,
    files: dict[str, Path],
) -> Rendered:
    with stage("render (parent and worker)"):
        rendered = render_pdf(TEMPLATES[kind], data, attachments=attachments, timestamp=moment, files=files)
    return _noted(rendered)


def _noted(rendered: Rendered) -> Rendered:
    """The worker's own figures, for a bench listening to the stages."""
    note("  worker: start, imports, fonts (overlapping the read)", rendered.ready_seconds)
    note("  worker: ready, waiting for the data", rendered.idle_seconds)
    note("  worker: from the hand-over, all but the compile (wall)", rendered.seconds - rendered.compile_seconds)
    note("  worker: recompress (its CPU)", 0.0, rendered.recompress_cpu_seconds)
    note("  worker: Typst compile (wall)", rendered.compile_seconds)
    note("  worker: own CPU, start to end", rendered.seconds, rendered.cpu_seconds)
    return rendered


def _while_rendering(render: Callable[[], Rendered], check: Callable[[], None], cancel: Callable[[], None]) -> Rendered:
    """Render in a thread while this thread runs ``check``; the PDF only if the check passed.

    The render is a worker process (another core) and the check reads the records this process
    already holds and its database snapshot, so the two overlap. If the check fails, the render is
    cancelled (``cancel`` stops the worker) and the check's error raised: a report is made only from
    a chain that verified.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["rendered"] = render()
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error
        finally:
            connections.close_all()  # this thread's, if anything opened one

    thread = threading.Thread(target=contextvars.copy_context().run, args=(run,), name="report-render")
    thread.start()
    try:
        check()
    except BaseException:
        cancel()
        raise
    finally:
        thread.join()
    if "error" in outcome:
        raise outcome["error"]
    rendered: Rendered = outcome["rendered"]
    return rendered


_paused_lock = threading.Lock()
_paused = 0
_was_enabled = True


@contextmanager
def collections_paused() -> Iterator[None]:
    """No cyclic garbage collection while a report reads and proves its chain (reference counting
    still frees everything else).

    The read keeps tens of thousands of new objects alive (the records, their payloads, the
    histories), which sets off full collections that scan the whole process: a quarter to a third of
    the parent's CPU time for four years (docs/benchmarks.md). Nested or concurrent reports share one
    pause; collection resumes, if it was on, when the last one ends.
    """
    global _paused, _was_enabled
    with _paused_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def _check_since(child: Child, chain: ChainRead) -> None:
    """Under the write lock: the records appended since the report's read continue the chain it verified.

    The report states the head it was read at; that head must still be in the chain, with sound
    records after it (a parent may have logged a day while the report rendered).
    """
    ledger.lock_chain(child.pk)
    since = verify_since(child.pk, chain.check)
    if since.problem is not None:
        raise ChainBroken.at(since.problem)


def _peek(child: Child) -> int:
    with stage("Bates peek"):
        return bates.peek(child.household)


def _record(
    child: Child, user: Any, kind: str, data: dict[str, Any], rendered: Rendered, moment: datetime, inputs: ReportInputs
) -> GeneratedReport:
    """Store the file, and save its row and its ledger record (inside the caller's transaction)."""
    with stage("  store PDF"):
        digest = store_report(rendered.pdf)
    with stage("  save row, ledger append"):
        report = _save_report(child, user, kind, data, rendered, digest, moment, inputs)
        # The report's own record in the chain anchors its file hash: later, anyone can show that this
        # exact file was generated then, from the ledger as it stood at its stated head.
        ledger.append(
            child_id=child.pk,
            kind="report.generated",
            object_type="report",
            object_id=report.pk,
            payload=report_payload(report),
            user=user,
        )
    return report


def _name(user: Any) -> str:
    """The person's name alone (no email address), as they would sign."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return getattr(user, "name", "") or str(user)


def report_payload(report: GeneratedReport) -> dict[str, Any]:
    """The ledger payload of a generated report (no floats: render timings stay out of the chain)."""
    return {
        "id": report.pk,
        "kind": report.kind,
        "title": report.title,
        "parameters": report.parameters,
        "generated_at": report.generated_at.astimezone(UTC).isoformat(),
        "generated_by_name": report.generated_by_name,
        "sha256": report.sha256,
        "size": report.size,
        "pages": report.pages,
        "bates_first": report.bates_first,
        "bates_last": report.bates_last,
        "ledger_head": report.ledger_head,
        "ledger_count": report.ledger_count,
    }


def current_reports(child_id: int) -> dict[str, dict[str, Any]]:
    """Verification's view of the current report rows (evidence.verify.register_current_state)."""
    return {str(r.pk): report_payload(r) for r in GeneratedReport.objects.filter(child_id=child_id)}


def _save_report(
    child: Child,
    user: Any,
    kind: str,
    data: dict[str, Any],
    rendered: Any,
    digest: str,
    moment: datetime,
    inputs: ReportInputs,
) -> GeneratedReport:
    start, end = inputs.start, inputs.end
    provision_ids, bates_prefix, bates_start, ask = (
        inputs.provision_ids,
        inputs.bates_prefix,
        inputs.bates_start,
        inputs.ask,
    )
    return GeneratedReport.objects.create(
        child=child,
        kind=kind,
        title=data["title"],
        parameters={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "provision_ids": provision_ids,
            "bates_prefix": bates_prefix,
            "bates_start": bates_start,
            "ask": ask,
        },
        generated_at=moment,
        generated_by=user if getattr(user, "is_authenticated", False) else None,
        generated_by_name=data["generated"]["by"],
        sha256=digest,
        size=len(rendered.pdf),
        pages=rendered.pages,
        bates_first=bates.label(bates_prefix, bates_start),
        bates_last=bates.label(bates_prefix, bates_start + rendered.pages - 1),
        ledger_head=data["ledger"]["head"],
        ledger_count=data["ledger"]["count"],
        render_seconds=round(rendered.seconds, 3),
        render_peak_kb=rendered.peak_memory_kb,
    )
