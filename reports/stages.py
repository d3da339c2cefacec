"""Where the time of one report goes: named stages, timed only while someone is listening.

``generate_report`` marks its stages (``with stage("verify"): ...``); outside ``recording()`` a mark
costs one context-variable lookup and nothing is kept. ``bench/reports_bench.py`` records them to
print the stage table of docs/benchmarks.md: wall time and this process's CPU time for each stage,
plus the figures the render worker reports about itself (``note``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    name: str
    wall: float  # seconds
    cpu: float  # seconds of this process's CPU (time.process_time), or the worker's own when noted


_listening: ContextVar[list[Stage] | None] = ContextVar("report_stages", default=None)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as stage ``name`` when someone is recording; otherwise do nothing."""
    found = _listening.get()
    if found is None:
        yield
        return
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        found.append(Stage(name, time.perf_counter() - wall, time.process_time() - cpu))


def note(name: str, wall: float, cpu: float = 0.0) -> None:
    """Add a stage measured elsewhere (the render worker's own figures)."""
    found = _listening.get()
    if found is not None:
        found.append(Stage(name, wall, cpu))


@contextmanager
def recording() -> Iterator[list[Stage]]:
    """Collect the stages of the reports made inside the block, in the order they ran."""
    found: list[Stage] = []
    token = _listening.set(found)
    try:
        yield found
    finally:
        _listening.reset(token)
