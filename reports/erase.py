"""Erasing a child's records: the owner's right to delete their own data (design.md sections 5, 7).

It lives with the export and import of a household because, like them, it reaches every app's
records. Everything goes in one transaction: the daily log, the IEP versions (newest first, since a
version protects the one it amends and its IEP file), the ledger and attachments through the one
sanctioned purge path (``evidence.purge``), and the child with what remains (calendars, absences,
day notes, reports). Stored files no one else uses are removed after the commit. The access log is
the household's and keeps its lines.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from evidence.purge import purge_child_records
from logbook.models import LogEntry
from plans.models import Child
from reports.models import GeneratedReport
from reports.storage import report_path


def erase_child(child: Child, user: Any) -> int:
    """Delete ``child`` and every record of theirs; return how many ledger records were erased."""
    with transaction.atomic():
        report_hashes = set(GeneratedReport.objects.filter(child=child).values_list("sha256", flat=True))
        LogEntry.objects.filter(child=child).delete()  # entries protect their provisions
        for iep in child.ieps.order_by("-effective_from", "-pk"):
            iep.delete()
        erased = purge_child_records(child.pk, user)
        child.delete()
        transaction.on_commit(lambda: _remove_unused_reports(report_hashes))
    return erased


def _remove_unused_reports(hashes: set[str]) -> None:
    still_used = set(GeneratedReport.objects.filter(sha256__in=hashes).values_list("sha256", flat=True))
    for sha256 in hashes - still_used:
        report_path(sha256).unlink(missing_ok=True)
