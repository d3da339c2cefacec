"""Integrity receipts: the chain heads of a household, emailed to its owner, so a copy lives outside the server.

A receipt lists, for each child, the number of records, the head hash and the latest RFC 3161 anchor;
with a report, also the report's file hash, size and the head it was made from. Anyone holding an
old receipt can later check that the chain still contains that head (docs/verification.md), so the
server's operator cannot cut or rewrite history without the owner's mailbox showing it. Sent weekly
by ``manage.py send_integrity_receipts`` and after every report (``reports.services``), in a thread of
its own so that the person who asked for the report does not wait for the authority or the mail server.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from datetime import UTC, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import connections
from django.utils.translation import gettext as _

from accounts.models import Household, Role
from evidence.models import Anchor
from evidence.timestamps import TimestampError, anchor_head
from reports.ledger_copy import ledger_head
from reports.models import GeneratedReport
from reports.stages import stage

log = logging.getLogger(__name__)


def receipt_text(household: Household, report: GeneratedReport | None = None) -> str:
    """The receipt's body: plain text, one block per child, the report's facts first when there is one."""
    now = datetime.now(UTC)
    lines = [
        _("Integrity receipt for %(household)s, %(when)s UTC.")
        % {"household": household.name, "when": f"{now:%Y-%m-%d %H:%M}"},
        _("Keep this email: it is your own copy of the fingerprints of your records."),
        "",
    ]
    if report is not None:
        lines += [
            _("Report: %(title)s") % {"title": report.title},
            _("  File SHA-256: %(hash)s (%(size)s bytes, %(pages)s pages)")
            % {"hash": report.sha256, "size": report.size, "pages": report.pages},
            _("  Made from %(count)s records, head %(head)s")
            % {"count": report.ledger_count, "head": report.ledger_head},
            "",
        ]
    for child in household.children.order_by("pk"):
        head, count = ledger_head(child)
        lines += [
            _("%(name)s (child %(id)s): %(count)s records") % {"name": child.name, "id": child.pk, "count": count},
            _("  Head: %(head)s") % {"head": head},
        ]
        anchor = Anchor.objects.filter(child_id=child.pk).order_by("-seq", "-pk").first()
        if anchor is not None:
            lines.append(
                _("  Time-stamped: record %(seq)s at %(when)s UTC by %(tsa)s")
                % {"seq": anchor.seq, "when": f"{anchor.gen_time:%Y-%m-%d %H:%M:%S}", "tsa": anchor.tsa_url}
            )
        lines.append("")
    lines += [
        _("To check later: open Verify records for the child, or run tools/verify_ledger_export.py on the "
          "downloaded records with --expect-head and the head above (docs/verification.md)."),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def send_receipt(household: Household, report: GeneratedReport | None = None) -> int:
    """Email the receipt to the household's owner(s); the number of messages sent."""
    owners = list(
        household.memberships.filter(role=Role.OWNER, user__is_active=True).values_list("user__email", flat=True)
    )
    if not owners:
        return 0
    subject = _("Integrity receipt: %(household)s") % {"household": household.name}
    return send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        receipt_text(household, report),
        settings.DEFAULT_FROM_EMAIL,
        owners,
    )


def after_report(report: GeneratedReport) -> None:
    """Once a report is committed: time-stamp the chain head that now records it, and send the receipt.

    Neither may undo the report: an authority that is down is logged (the daily anchor_ledger run
    stamps the head later), and so is a mail failure.
    """
    if settings.TSA_URL:
        with stage("after the report: RFC 3161 anchor"):
            try:
                anchor_head(report.child_id, reason="report")
            except TimestampError as error:
                log.warning("Report %s: chain head not time-stamped: %s", report.pk, error)
    with stage("after the report: receipt email"):
        try:
            send_receipt(report.child.household, report)
        except OSError as error:
            log.warning("Report %s: integrity receipt not sent: %s", report.pk, error)


_running: set[threading.Thread] = set()
_running_lock = threading.Lock()


def after_report_soon(report: GeneratedReport) -> None:
    """``after_report``, in a thread of its own unless REPORT_AFTER_REPORT_IN_THREAD is off.

    The request that made the report then answers without waiting for the time-stamping authority
    (up to TSA_TIMEOUT seconds) and the mail server. The thread opens its own database connection
    and closes it when done; it is not a daemon, so a server stopping gracefully lets it finish. If
    the process is killed first, the daily ``anchor_ledger`` stamps the head and the weekly
    ``send_integrity_receipts`` carries it (the same fallbacks as for an authority that is down).
    """
    if not settings.REPORT_AFTER_REPORT_IN_THREAD:
        after_report(report)
        return
    context = contextvars.copy_context()  # keeps a benchmark's stage recording
    thread = threading.Thread(target=context.run, args=(_after_report_in_thread, report.pk), name="after-report")
    with _running_lock:
        _running.add(thread)
    thread.start()


def _after_report_in_thread(report_id: int) -> None:
    try:
        after_report(GeneratedReport.objects.select_related("child__household").get(pk=report_id))
    except Exception:
        log.exception("Report %s: the work after the report failed", report_id)
    finally:
        connections.close_all()  # this thread's connections only
        with _running_lock:
            _running.discard(threading.current_thread())


def wait_for_after_reports(timeout: float = 60.0) -> None:
    """Wait until this process's after-report threads have finished (tests, benchmarks)."""
    with _running_lock:
        threads = list(_running)
    for thread in threads:
        thread.join(timeout)
