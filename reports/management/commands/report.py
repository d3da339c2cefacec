"""manage.py report --child ID --kind summary|evidence --from DATE --to DATE --output FILE.pdf"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.models import Child
from reports.data import ReportNotMade
from reports.render import RenderError
from reports.services import generate_report
from reports.storage import read_report


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date written YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Make a meeting summary or evidence report of one child (it is recorded like one made on the page)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--child", type=int, required=True, help="The child's id.")
        parser.add_argument("--kind", choices=["summary", "evidence"], required=True)
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="end", required=True, help="Last day, YYYY-MM-DD.")
        parser.add_argument("--output", required=True, help="Where to write the PDF.")
        parser.add_argument("--provision", type=int, action="append", help="Only this provision (repeatable).")
        parser.add_argument("--bates-prefix", default="", help="Printed before each page number, e.g. RIVERA-.")
        parser.add_argument("--ask", default="", help="'What we are asking for' text (meeting summary).")

    def handle(self, *args: Any, **options: Any) -> None:
        child = Child.objects.filter(pk=options["child"]).first()
        if child is None:
            raise CommandError(f"There is no child with id {options['child']}.")
        start, end = _day(options["start"]), _day(options["end"])
        if end < start:
            raise CommandError("--to is before --from.")
        try:
            report = generate_report(
                child,
                user=None,
                kind=options["kind"],
                start=start,
                end=end,
                provision_ids=options["provision"],
                bates_prefix=options["bates_prefix"].upper(),
                ask=options["ask"],
            )
        except (RenderError, ReportNotMade) as error:
            raise CommandError(str(error)) from None
        Path(options["output"]).write_bytes(read_report(report.sha256))
        self.stdout.write(
            f"Wrote {options['output']}: {report.pages} pages, SHA-256 {report.sha256}, "
            f"ledger head {report.ledger_head} ({report.ledger_count} records), {report.render_seconds:.2f} s to render."
        )
