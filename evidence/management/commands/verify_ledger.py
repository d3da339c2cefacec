"""``manage.py verify_ledger [--child ID]``: recompute every chain; exit code 1 if anything is broken.

It says what it checked, with counts: records (links, hashes, canonical payloads, time order), current
rows against their latest records, stored files re-hashed, report heads, RFC 3161 anchors.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from evidence.verify import ChainReport, database_problem, verify_all


def checked_text(report: ChainReport) -> str:
    return (
        f"{report.record_count} records, {report.current_checked} current items, "
        f"{report.files_checked} files re-hashed ({report.bytes_hashed:,} bytes), "
        f"{report.report_heads_checked} report heads, {report.anchors_checked} anchors"
    )


class Command(BaseCommand):
    help = (
        "Recompute each child's hash chain (sequence, links, hashes, canonical payloads, time order, report "
        "heads), check the current tables against the latest records, re-hash every stored file, check every "
        "RFC 3161 anchor, and name the first broken record."
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
            line = f"Child {report.child_id}: {checked_text(report)}, head {report.head_hash}"
            if report.problem:
                failed = True
                self.stderr.write(f"{line}: BROKEN. {report.problem}")
            else:
                self.stdout.write(f"{line}: OK")
        total = ChainReport(child_id=0)
        for report in reports:
            total.record_count += report.record_count
            total.current_checked += report.current_checked
            total.files_checked += report.files_checked
            total.bytes_hashed += report.bytes_hashed
            total.report_heads_checked += report.report_heads_checked
            total.anchors_checked += report.anchors_checked
        if failed:
            self.stderr.write(f"Verification FAILED ({len(reports)} chains: {checked_text(total)}).")
            sys.exit(1)
        self.stdout.write(f"Verification OK: {len(reports)} chains: {checked_text(total)}.")
