"""Rendering a Typst template to an archival PDF in a short-lived worker process.

The ``typst`` binding keeps about 50 MB of caches between compiles, so no long-lived process
compiles: each render starts a fresh worker (``reports/render_worker.py``, a plain Python process
that imports only ``typst`` and ``pikepdf``), which compiles once, writes the PDF to its standard
output and exits, giving all its memory back. ``start_worker`` starts it before its data exist (a
report starts it before it reads the chain), so its start, imports and font scan overlap the reading. Before handing the PDF back, the worker packs Typst's
uncompressed objects into compressed object streams (``pikepdf``, i.e. qpdf): the file stored,
hashed and recorded is that smaller one, still PDF/A-3b and PDF/UA-1 (docs/reports.md, "Smaller
files"). The worker reports its own peak memory (``VmHWM``; ``ru_maxrss`` would include the web
process's size at spawn), stored with each report. A plain subprocess
rather than ``multiprocessing``: no re-import of the web server's main module in the child, and
the same behaviour under runserver, gunicorn, pytest and management commands. A semaphore lets one web process run at most ``REPORT_RENDERS_PER_PROCESS``
renders at a time (default 1), so a request never holds more than one; a render that takes longer
than ``REPORT_RENDER_TIMEOUT`` seconds is killed.

Data never becomes markup: the template reads it with ``json(bytes(sys.inputs.data))`` and places
strings as text, so ``#``, ``*``, ``$`` or ``]`` in a parent's note print as themselves. Files to
attach to the PDF (the ledger JSON) go in the same way, as exact strings, and the template attaches
them with ``pdf.attach``. Binary files (photos shown on a page, documents carried inside the PDF) are
copied into the worker's own temporary root under ``/exhibits/`` and read by the template from there.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reports import fonts

log = logging.getLogger(__name__)
TEMPLATE_DIR = Path(__file__).resolve().parent / "typst"
WORKER = Path(__file__).resolve().parent / "render_worker.py"
# PDF/A-3b (archival; allows attached files) and PDF/UA-1 (tagged, accessible) together.
PDF_STANDARDS = ["a-3b", "ua-1"]
DEFAULT_TIMEOUT = 60.0


class RenderError(RuntimeError):
    """The template could not be rendered."""


class RenderTimeout(RenderError):
    """The worker took longer than the timeout and was stopped."""


class RenderBusy(RenderError):
    """Every render slot of this process stayed taken for the whole wait."""


# A render that failed for another reason than time or a busy server is a fault of ours: the person is
# told that nothing was kept; the details go to the log.
RENDER_FAILED = gettext_lazy(
    "The PDF could not be made, and nothing was saved. Please try again; if it happens again, "
    "tell whoever runs this site."
)


def in_plain_words(error: RenderError) -> str:
    """What to tell the person whose PDF failed: a busy server or the time limit as they are, anything
    else (Typst's own diagnostics are no help to a parent) in general words, its details logged."""
    if isinstance(error, RenderBusy | RenderTimeout):
        return str(error)
    log.error("A PDF could not be made: %s", error)
    return str(RENDER_FAILED)


@dataclass(frozen=True)
class Attachment:
    """A file carried inside the PDF (PDF/A-3 associated file)."""

    name: str
    content: str
    description: str
    mime_type: str = "application/json"
    path: str = ""  # a file under the worker's root ("/exhibits/<sha256>") instead of ``content``


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    seconds: float
    peak_memory_kb: int
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    compile_seconds: float = 0.0  # the Typst compile alone, inside the worker
    cpu_seconds: float = 0.0  # the worker's CPU time, start to end (less sensitive to a busy machine)
    typst_size: int = 0  # bytes of the PDF as Typst wrote it, before recompression
    recompress_cpu_seconds: float = 0.0  # the worker's CPU time spent recompressing
    ready_seconds: float = 0.0  # the worker's start, imports and font scan, before it was handed the data
    idle_seconds: float = 0.0  # how long the ready worker then waited for the data (0: the data waited for it)


def _limits() -> tuple[int, float]:
    try:
        from django.conf import settings

        return (
            int(getattr(settings, "REPORT_RENDERS_PER_PROCESS", 1)),
            float(getattr(settings, "REPORT_RENDER_TIMEOUT", DEFAULT_TIMEOUT)),
        )
    except ImportError:  # pragma: no cover - used without Django (bench scripts)
        return 1, DEFAULT_TIMEOUT


_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _render_slots() -> threading.BoundedSemaphore:
    global _slots
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(_limits()[0])
        return _slots


def render_pdf(
    template: str,
    data: dict[str, Any],
    *,
    attachments: list[Attachment] | None = None,
    timestamp: datetime | None = None,
    timeout: float | None = None,
    files: dict[str, Path] | None = None,
    recompress: bool = True,
) -> Rendered:
    """Render ``reports/typst/<template>.typ`` with ``data`` into a PDF/A-3b + PDF/UA-1 file.

    ``data`` must be JSON-serialisable; every string in it is printed literally (characters no
    report font has become ``[U+XXXX]``). ``timestamp`` is the document's creation date (now by
    default). ``files`` maps a name to a file on disk; the template reads it as ``/exhibits/<name>``.
    ``recompress=False`` returns the file exactly as Typst wrote it (for tests and the benchmark).
    A worker is started, handed the data and closed here; a caller that has reading to do first
    starts its own (``start_worker``, then ``Worker.hand_over`` and ``Worker.answer``).
    Raises RenderTimeout, RenderBusy or RenderError.
    """
    with start_worker(template, timeout=timeout) as worker:
        worker.hand_over(data, attachments=attachments, timestamp=timestamp, files=files, recompress=recompress)
        return worker.answer()


def start_worker(template: str, *, timeout: float | None = None) -> Worker:
    """Start the worker of one render before its data exists (it waits for them on its standard input).

    Python's start, the imports and Typst's font scan then overlap whatever the caller reads meanwhile.
    Takes one of this process's render slots until the worker is closed.
    """
    source = TEMPLATE_DIR / f"{template}.typ"
    if not re.fullmatch(r"[a-z_]+", template) or not source.is_file():
        raise RenderError(f"No report template named {template!r}.")
    _per_process, default_timeout = _limits()
    limit = timeout if timeout is not None else default_timeout
    slots = _render_slots()
    if not slots.acquire(timeout=limit):
        raise RenderBusy(_("Another report is being made. Please try again in a minute."))
    try:
        return Worker(source.name, limit, slots)
    except BaseException:
        slots.release()
        raise


class Worker:
    """One render worker process and its private root, from its start to its one answer.

    The first line on its standard input names the template and the root (the worker imports
    ``typst`` and ``pikepdf`` and scans the fonts for it, then waits); ``hand_over`` links the files
    into the root and hands over the data, ``answer`` reads the PDF. ``close`` stops a worker that never got its
    data, removes the root and gives the render slot back.
    """

    def __init__(self, source_name: str, limit: float, slots: threading.BoundedSemaphore) -> None:
        self.limit, self._slots, self._closed = limit, slots, False
        self.handed_at = 0.0  # when hand_over began: the render's time runs from there
        self._folder = tempfile.TemporaryDirectory(prefix="iepright-render-")
        self.root = _prepare_root(Path(self._folder.name))
        self.source = str(self.root / source_name)
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=str(self.root),
        )
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps({"source": self.source, "root": str(self.root)}).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:  # it died at once: answer() reports what it said
            pass

    def hand_over(
        self,
        data: dict[str, Any],
        *,
        attachments: list[Attachment] | None = None,
        timestamp: datetime | None = None,
        files: dict[str, Path] | None = None,
        recompress: bool = True,
    ) -> None:
        """Give the worker its data, all of it, in the caller's thread; ``answer`` then waits for the PDF.

        Written in one blocking write (the worker reads to the end of its input before it writes
        anything) rather than by ``communicate`` in a waiting thread, whose 4 KB writes each need
        the interpreter lock: while this process proves the chain, each write waited for it, and the
        ready worker idled for a further ~0.1-0.2 s on four years of data. The time limit covers the
        hand-over too (a worker that never reads is stopped).
        """
        text_families, mono_families = fonts.available_families()
        payload = {
            "fonts": json.dumps({"text": list(text_families) + list(mono_families), "mono": list(mono_families)}),
            "attachments": json.dumps(
                [
                    {"name": a.name, "description": a.description, "mime": a.mime_type, "path": a.path}
                    for a in attachments or []
                ]
            ),
        }
        for number, attachment in enumerate(attachments or []):
            if not attachment.path:
                payload[f"file{number}"] = attachment.content
        _link_files(self.root, files or {})
        stamp = (timestamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        # The data go after a line of everything else, as their own JSON text: not escaped again as a
        # string inside the request (1.6 MB for four years), and the worker does not parse them.
        request = (
            json.dumps(
                {
                    "inputs": payload,
                    "standards": PDF_STANDARDS,
                    "timestamp": stamp.isoformat(),
                    "recompress": recompress,
                },
                ensure_ascii=False,
            ).encode()
            + b"\n"
            + json.dumps(fonts.printable_data(data), ensure_ascii=False).encode()
        )
        self.handed_at = time.perf_counter()
        assert self.process.stdin is not None
        try:
            _write_all(self.process.stdin.fileno(), request, self.handed_at + self.limit)
        except BrokenPipeError:  # it died: answer() reports what it said
            pass
        except TimeoutError:
            self.kill()
            raise _stopped_after(self.limit) from None

    def answer(self) -> Rendered:
        """The worker's PDF, once it has it (``hand_over`` first); stopped after the time limit."""
        return _run_worker(self)

    def kill(self) -> None:
        """Stop the worker now (its render is not wanted); safe while another thread waits for it."""
        if self.process.poll() is None:
            self.process.kill()

    def close(self) -> None:
        """Stop the worker if it still runs, remove its root, give the render slot back (once)."""
        if self._closed:
            return
        self._closed = True
        self.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()
        self._folder.cleanup()
        self._slots.release()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _prepare_root(root: Path) -> Path:
    """A private root for one render: the templates, and an empty ``exhibits/`` for its files."""
    for template in TEMPLATE_DIR.glob("*.typ"):
        shutil.copyfile(template, root / template.name)
    (root / "exhibits").mkdir()
    return root


def _link_files(root: Path, files: dict[str, Path]) -> None:
    """The files the template reads, under ``exhibits/`` in the worker's root."""
    folder = root / "exhibits"
    for name, path in files.items():
        if not re.fullmatch(r"[0-9A-Za-z._-]+", name):
            raise RenderError(f"Not a usable file name: {name!r}")
        try:
            os.link(path, folder / name)  # same file system: no copy
        except OSError:
            shutil.copyfile(path, folder / name)


def _write_all(fd: int, data: bytes, deadline: float) -> None:
    """Write ``data`` to a pipe as fast as the reader takes it (a pipe's worth a call), or raise
    ``TimeoutError`` at ``deadline`` (``time.perf_counter``)."""
    os.set_blocking(fd, False)
    view, sent = memoryview(data), 0
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_WRITE)
        while sent < len(view):
            left = deadline - time.perf_counter()
            if left <= 0 or not selector.select(left):
                raise TimeoutError
            try:
                sent += os.write(fd, view[sent:])
            except BlockingIOError:
                continue


def _stopped_after(limit: float) -> RenderTimeout:
    seconds = math.ceil(limit)
    return RenderTimeout(
        ngettext(
            "The report took longer than %(seconds)d second and was stopped. Nothing was saved.",
            "The report took longer than %(seconds)d seconds and was stopped. Nothing was saved.",
            seconds,
        )
        % {"seconds": seconds}
    )


def _run_worker(worker: Worker) -> Rendered:
    process = worker.process
    try:
        out, err = process.communicate(timeout=max(0.0, worker.handed_at + worker.limit - time.perf_counter()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise _stopped_after(worker.limit) from None
    seconds = time.perf_counter() - worker.handed_at
    head, _newline, pdf = out.partition(b"\n")
    try:
        status = json.loads(head)
    except ValueError:
        raise RenderError(
            f"The report worker stopped without an answer: {err.decode(errors='replace')[-500:]}"
        ) from None
    if not status.get("ok"):
        raise RenderError(f"The report could not be typeset: {status.get('error')}\n{status.get('where', '')}".strip())
    return Rendered(
        pdf=pdf,
        seconds=seconds,
        peak_memory_kb=int(status["peak_memory_kb"]),
        pages=int(status["pages"]),
        warnings=list(status.get("warnings", [])),
        compile_seconds=float(status.get("compile_seconds", 0.0)),
        cpu_seconds=float(status.get("cpu_seconds", 0.0)),
        typst_size=int(status.get("typst_size", len(pdf))),
        recompress_cpu_seconds=float(status.get("recompress_cpu_seconds", 0.0)),
        ready_seconds=float(status.get("ready_seconds", 0.0)),
        idle_seconds=float(status.get("idle_seconds", 0.0)),
    )
