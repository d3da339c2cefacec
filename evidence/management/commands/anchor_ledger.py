"""``manage.py anchor_ledger [--child ID] [--loop]``: RFC 3161 time-stamps over every changed chain head.

Run it at least daily (cron, or ``--loop`` which repeats every 24 hours). Each chain whose head is not
anchored yet gets a token from the time-stamping authority at TSA_URL, stored as an evidence.Anchor;
verification then checks that every anchored head is still in its chain (docs/verification.md).
Exit code 1 if any chain could not be anchored.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidence.timestamps import TimestampError, anchor_head, children_needing_anchor

DAY_SECONDS = 24 * 60 * 60


class Command(BaseCommand):
    help = "Time-stamp each changed chain head with the authority at TSA_URL (RFC 3161) and store the token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--child", type=int, action="append", help="Only this child's chain (repeatable).")
        parser.add_argument("--loop", action="store_true", help="Run again every 24 hours.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TSA_URL:
            raise CommandError("No time-stamping authority is configured: set TSA_URL (docs/verification.md).")
        while True:
            failed = self.anchor(options["child"])
            if not options["loop"]:
                break
            time.sleep(DAY_SECONDS)
        if failed:
            sys.exit(1)

    def anchor(self, only: list[int] | None) -> bool:
        due = children_needing_anchor()
        if only:
            due = [child_id for child_id in due if child_id in only]
        failed, done = False, 0
        for child_id in due:
            try:
                anchor = anchor_head(child_id, reason="daily")
            except TimestampError as error:
                failed = True
                self.stderr.write(f"Child {child_id}: not anchored. {error}")
                continue
            if anchor is not None:
                done += 1
                self.stdout.write(
                    f"Child {child_id}: record {anchor.seq}, head {anchor.head_hash}, "
                    f"time-stamped {anchor.gen_time:%Y-%m-%d %H:%M:%S} UTC"
                )
        self.stdout.write(f"Anchored {done} of {len(due)} changed chains.")
        return failed
