"""The render worker: one short-lived process that compiles one Typst document and exits.

Started by ``reports.render`` as ``python reports/render_worker.py``; it imports nothing of the
project (only ``typst``, ``pikepdf`` and the standard library), so it starts in a few tens of
milliseconds and gives all of its memory back when it exits. Protocol, on standard input: first a
line of JSON naming the template and the private root (``source``, ``root``), sent as soon as the
worker starts, so that its imports and Typst's font scan overlap the parent's reading; then, once
the parent has the data, a line of JSON (``inputs`` but the data, ``standards``, ``timestamp``,
``recompress``) and the data's own JSON text up to the end of input, handed to the template as
``sys.inputs.data`` as it is. On standard output: one JSON status line (``ok``,
``error``, ``pages``, ``peak_memory_kb``, ``warnings``, ``ready_seconds``...) followed, when ok,
by the PDF bytes.

Typst writes its structure objects (the tags of PDF/UA, the page tree, fonts' dictionaries) as
plain uncompressed objects: about half of each report. ``recompress`` packs them into compressed
object streams with qpdf (inside ``pikepdf``) before the file leaves the worker, so the file that is
stored, hashed, Bates-counted and recorded in the ledger is the compressed one (docs/reports.md,
"Smaller files").
"""

from __future__ import annotations

import importlib
import io
import json
import os
import resource
import sys
import threading
import time
from datetime import datetime
from typing import Any


def own_peak_memory_kb() -> int:
    """This process's own peak resident memory in KiB.

    ``ru_maxrss`` is not it on Linux: it keeps the high-water mark of the process before ``exec``,
    which for a worker forked from a web process is the web process's size (222 MB reported where
    the render used 117 MB). ``VmHWM`` in /proc/self/status belongs to the address space that
    ``exec`` created, so it counts this worker alone; elsewhere ``ru_maxrss`` is the fallback.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def save_options() -> dict[str, Any]:
    """How ``pikepdf.Pdf.save`` rewrites a PDF/A-3b file: what ``pikepdf.pdfa.resolve_save_kwargs``
    pins for PDF/A-3b (a test checks they agree), plus a deterministic document ID.

    Object streams need PDF 1.5, which PDF/A-3 (PDF 1.7) allows. Streams Typst left uncompressed
    are compressed, except the XMP metadata, which qpdf never compresses (PDF/A forbids a /Filter
    on it); already compressed streams (fonts, images, the attached files) are copied untouched.
    The XMP packet is not rewritten, the content streams are not normalised. The trailer /ID keeps
    Typst's first half and gets a second half computed from the content (``deterministic_id``), as
    the PDF specification asks of a rewritten file: the same Typst file always gives the same bytes.
    """
    import pikepdf

    return {
        "preserve_pdfa": True,
        "encryption": None,
        "qdf": False,
        "normalize_content": False,
        "stream_decode_level": pikepdf.StreamDecodeLevel.generalized,
        "fix_metadata_version": False,
        "compress_streams": True,
        "recompress_flate": False,
        "linearize": False,
        "deterministic_id": True,
        "static_id": False,
        "min_version": "",
        "force_version": "",
        "object_stream_mode": pikepdf.ObjectStreamMode.generate,
    }


def finish(pdf: bytes, recompress: bool) -> tuple[bytes, int]:
    """The PDF to hand back (recompressed unless told not to) and its number of pages."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = len(document.pages)
        if not recompress:
            return pdf, pages
        out = io.BytesIO()
        document.save(out, **save_options())
    return out.getvalue(), pages


def main() -> int:
    started = time.perf_counter()
    # First line: the template and the root, known before the data (reports.render.start_worker). The
    # imports and the font scan happen now, while the parent still reads; then the data arrive.
    where = json.loads(sys.stdin.buffer.readline())
    status: dict[str, object] = {"ok": False}
    pdf = b""
    # pikepdf (0.1 s to import) is needed only after the compile: imported in a thread meanwhile.
    importing = threading.Thread(target=importlib.import_module, args=("pikepdf",), daemon=True)
    importing.start()
    try:
        import typst

        compiler = typst.Compiler(where["source"], root=where["root"])
        ready = time.perf_counter()
        request = json.loads(sys.stdin.buffer.readline())
        arrived = time.perf_counter()
        data = sys.stdin.buffer.read().decode()
        compile_started = time.perf_counter()
        result, warnings = compiler.compile_with_warnings(
            sys_inputs={**request["inputs"], "data": data},
            pdf_standards=request["standards"],
            timestamp=datetime.fromisoformat(request["timestamp"]),
        )
        if not isinstance(result, bytes):
            raise RuntimeError("Typst returned no PDF.")
        compile_seconds = time.perf_counter() - compile_started
        importing.join()
        cpu_before = time.process_time()
        pdf, pages = finish(result, bool(request.get("recompress", True)))
        status = {
            "ok": True,
            "pages": pages,
            "typst_size": len(result),
            "warnings": [getattr(w, "message", str(w)) for w in warnings],
            "ready_seconds": round(ready - started, 4),
            "idle_seconds": round(arrived - ready, 4),  # ready, waiting for the data
            "read_seconds": round(compile_started - arrived, 4),
            "compile_seconds": round(compile_seconds, 4),
            "recompress_cpu_seconds": round(time.process_time() - cpu_before, 4),
        }
    except Exception as error:
        message = getattr(error, "message", None) or str(error)
        where_text = getattr(error, "diagnostic", "") or ""
        status = {"ok": False, "error": message, "where": str(where_text)[-2000:]}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    status["peak_memory_kb"] = own_peak_memory_kb()
    status["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 4)
    out = sys.stdout.buffer
    out.write(json.dumps(status).encode() + b"\n")
    out.write(pdf)
    out.flush()
    return 0


if __name__ == "__main__":
    code = main()
    # Out at once: the answer is written and flushed, and the parent reads to the end of the output,
    # which closes only when the process is gone. An orderly exit first frees the compiler's caches and
    # the documents, object by object: 30-40 ms for four years, spent after the answer was complete.
    sys.stderr.flush()
    os._exit(code)
