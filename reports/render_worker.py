"""The render worker: one short-lived process that compiles one Typst document and exits.

Started by ``reports.render`` as ``python reports/render_worker.py``; it imports nothing of the
project (only ``typst`` and the standard library), so it starts in a few tens of milliseconds and
gives all of its memory back when it exits. Protocol: a JSON request on standard input
(``source``, ``root``, ``inputs``, ``standards``, ``timestamp``); on standard output one JSON status
line (``ok``, ``error``, ``peak_memory_kb``, ``warnings``) followed, when ok, by the PDF bytes.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from datetime import datetime


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


def main() -> int:
    started = time.perf_counter()
    request = json.loads(sys.stdin.buffer.read())
    status: dict[str, object] = {"ok": False}
    pdf = b""
    try:
        import typst

        compile_started = time.perf_counter()
        result, warnings = typst.compile_with_warnings(
            request["source"],
            root=request["root"],
            sys_inputs=request["inputs"],
            pdf_standards=request["standards"],
            timestamp=datetime.fromisoformat(request["timestamp"]),
        )
        if not isinstance(result, bytes):
            raise RuntimeError("Typst returned no PDF.")
        pdf = result
        status = {
            "ok": True,
            "warnings": [getattr(w, "message", str(w)) for w in warnings],
            "read_seconds": round(compile_started - started, 4),
            "compile_seconds": round(time.perf_counter() - compile_started, 4),
        }
    except Exception as error:
        message = getattr(error, "message", None) or str(error)
        where = getattr(error, "diagnostic", "") or ""
        status = {"ok": False, "error": message, "where": str(where)[-2000:]}
    usage = resource.getrusage(resource.RUSAGE_SELF)
    status["peak_memory_kb"] = own_peak_memory_kb()
    status["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 4)
    out = sys.stdout.buffer
    out.write(json.dumps(status).encode() + b"\n")
    out.write(pdf)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
