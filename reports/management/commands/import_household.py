"""manage.py import_household FILE.zip: restore an export into a fresh instance, ids and chain heads kept."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.household import ImportRefused, import_household


class Command(BaseCommand):
    help = (
        "Restore a household export (docs/export-format.md) with its original ids, so every ledger chain "
        "verifies with the same head. Refuses, writing nothing, if the archive was changed or the ids are taken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The .zip file written by export_household or the owner's download.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = import_household(options["archive"])
        except ImportRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write("Imported:")
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name}: {count}")
        for child_id, head in summary.heads.items():
            self.stdout.write(f"  child {child_id}: {head['count']} ledger records verify, head {head['head']}")
        if summary.users_created:
            self.stdout.write(
                "New accounts, inactive and without a password (activate them, then they choose a password with "
                "'Forgot password'): " + ", ".join(summary.users_created)
            )
        if summary.users_matched:
            self.stdout.write("Linked to existing accounts with the same email: " + ", ".join(summary.users_matched))
