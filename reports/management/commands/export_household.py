"""manage.py export_household --household ID --output FILE.zip: the whole household, also a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Household
from reports.household import export_household


class Command(BaseCommand):
    help = "Write one household's records, ledger, attachments and reports to a zip archive (docs/export-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--household", type=int, required=True, help="The household's id.")
        parser.add_argument("--output", required=True, help="Where to write the .zip archive.")

    def handle(self, *args: Any, **options: Any) -> None:
        home = Household.objects.filter(pk=options["household"]).first()
        if home is None:
            raise CommandError(f"There is no household with id {options['household']}.")
        output = Path(options["output"])
        temporary = output.with_name(output.name + ".part")
        with temporary.open("wb") as handle:
            summary = export_household(home, handle)
        temporary.replace(output)
        self.stdout.write(f"Wrote {output} ({summary.files} files).")
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name}: {count}")
        for child_id, head in summary.heads.items():
            self.stdout.write(f"  child {child_id}: {head['count']} ledger records, head {head['head']}")
