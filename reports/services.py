"""Making reports: gather the numbers, render the PDF, store it, record it."""

from __future__ import annotations

from datetime import date
from typing import Any

from plans.models import Child
from reports.models import GeneratedReport


def generate_report(
    child: Child,
    *,
    user: Any,
    kind: str,
    start: date,
    end: date,
    provision_ids: list[int] | None = None,
    bates_prefix: str = "",
    bates_start: int = 1,
    ask: str = "",
) -> GeneratedReport:
    raise NotImplementedError("Reports arrive with the insights work.")
