"""``manage.py send_integrity_receipts [--household ID] [--loop]``: email each owner their chain heads.

Run weekly (cron, or ``--loop`` which repeats every 7 days). See reports/receipts.py.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.models import Household
from reports.receipts import send_receipt

WEEK_SECONDS = 7 * 24 * 60 * 60


class Command(BaseCommand):
    help = "Email every household's owner an integrity receipt: each child's record count, head hash and anchor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--household", type=int, action="append", help="Only this household (repeatable).")
        parser.add_argument("--loop", action="store_true", help="Run again every 7 days.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            households = Household.objects.order_by("pk")
            if options["household"]:
                households = households.filter(pk__in=options["household"])
            sent = sum(send_receipt(household) for household in households if household.children.exists())
            self.stdout.write(f"Sent {sent} integrity receipt(s).")
            if not options["loop"]:
                break
            time.sleep(WEEK_SECONDS)
