"""``manage.py verify_ledger [--child ID]``: recompute every chain; exit code 1 if anything is broken."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evidence.verify import database_problem, verify_all


class Command(BaseCommand):
    help = (
        "Recompute each child's hash chain (sequence, links, hashes, canonical payloads), check the "
        "current tables against the latest records, and name the first broken record."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--child", type=int, action="append", help="Only this child's chain (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        protection = database_problem()
        if protection:
            failed = True
            self.stderr.write(f"Database: {protection}")
        reports = verify_all(options["child"])
        for report in reports:
            line = f"Child {report.child_id}: {report.record_count} records, head {report.head_hash}"
            if report.problem:
                failed = True
                self.stderr.write(f"{line}: BROKEN. {report.problem}")
            else:
                self.stdout.write(f"{line}: OK")
        total = sum(report.record_count for report in reports)
        if failed:
            self.stderr.write(f"Verification FAILED ({len(reports)} chains, {total} records).")
            sys.exit(1)
        self.stdout.write(f"Verification OK: {len(reports)} chains, {total} records.")
