"""``manage.py compliance --child ID --from DATE --to DATE [--provision ID ...]``: the numbers as JSON.

Prints ``compute_compliance(...).to_json()`` (shape in docs/insights-json.md), for checks, scripts
and support. ``--patterns`` adds the pattern findings, ``--days`` the per-day summaries.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from insights.compliance import compute_compliance
from insights.patterns import find_patterns
from plans.models import Child


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Print a child's compliance numbers (design.md section 6) for a date range as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--child", type=int, required=True, help="the child's id")
        parser.add_argument("--from", dest="start", type=str, required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", type=str, required=True, help="last day, YYYY-MM-DD")
        parser.add_argument(
            "--provision",
            dest="provisions",
            type=int,
            action="append",
            help="only this provision (any version's id selects its whole history); repeat for more",
        )
        parser.add_argument("--patterns", action="store_true", help="add the pattern findings")
        parser.add_argument("--days", action="store_true", help="add a summary of every day")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = iso_date(options["start"]), iso_date(options["end"])
        if end < start:
            raise CommandError("--to is before --from.")
        try:
            child = Child.objects.get(pk=options["child"])
        except Child.DoesNotExist:
            raise CommandError(f"No child with id {options['child']}.") from None
        compliance = compute_compliance(child, start, end, options["provisions"])
        data = compliance.to_json(include_days=options["days"])
        if options["patterns"]:
            data["patterns"] = find_patterns(compliance).to_json()
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
