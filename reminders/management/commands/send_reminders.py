"""Send the reminders that are due: once (for cron) or every few minutes with ``--loop`` (a worker).

Run beside the web process: ``python manage.py send_reminders --loop``. Each notice is recorded once,
so a second run, or two workers at once, send nothing twice.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from reminders.sender import send_due


class Command(BaseCommand):
    help = "Send due reminder emails once, or keep doing so with --loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running, checking every --interval seconds.")
        parser.add_argument(
            "--interval", type=int, default=300, help="Seconds between checks with --loop (default 300)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            result = send_due()
            self.stdout.write(
                f"Sent {result.emails} email(s) with {result.notices} notice(s) to {result.people} person(s) due."
            )
            if not options["loop"]:
                return
            close_old_connections()
            time.sleep(max(options["interval"], 10))
