"""Making reports: gather the numbers, render the PDF, store it, record it.

``generate_report`` is the one way a report is made (the reports page, the ``report`` command and the
benchmark all call it): ``reports.data.report_data`` reads the numbers and the ledger, the Typst
worker renders them (``reports.render``), the file is stored by its SHA-256 and a
``GeneratedReport`` row records who made it, when, from what and the ledger head it describes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidence import ledger
from plans.models import Child
from reports.data import ReportInputs, report_data
from reports.ledger_copy import ATTACHMENT_NAME
from reports.models import GeneratedReport
from reports.receipts import after_report
from reports.render import Attachment, render_pdf
from reports.storage import store_report

TEMPLATES: dict[str, str] = {GeneratedReport.Kind.SUMMARY: "summary", GeneratedReport.Kind.EVIDENCE: "evidence"}


def _person(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "IEP Right (command line)"
    name = getattr(user, "name", "") or str(user)
    email = getattr(user, "email", "")
    return f"{name} ({email})" if email and email != name else name


def generate_report(
    child: Child,
    *,
    user: Any,
    kind: str,
    start: date,
    end: date,
    provision_ids: list[int] | None = None,
    bates_prefix: str = "",
    bates_start: int = 1,
    ask: str = "",
    generated_at: datetime | None = None,
) -> GeneratedReport:
    """Render, store and record one report of ``child`` from ``start`` to ``end`` (both included)."""
    if kind not in TEMPLATES:
        raise ValueError(f"Unknown report kind {kind!r}")
    if end < start:
        raise ValueError("The range ends before it starts.")
    moment = (generated_at or timezone.now()).astimezone(UTC)
    inputs = ReportInputs(
        child=child,
        kind=kind,
        start=start,
        end=end,
        provision_ids=provision_ids,
        bates_prefix=bates_prefix,
        bates_start=bates_start,
        ask=ask,
        generated_by=_person(user),
        generated_at=moment,
    )
    data, ledger_text = report_data(inputs)
    attachments = []
    if kind == GeneratedReport.Kind.EVIDENCE:
        attachments.append(
            Attachment(
                ATTACHMENT_NAME,
                ledger_text,
                f"Every ledger record of {child.name}'s hash chain at generation ({data['ledger']['count']} "
                "records), to verify with tools/verify_ledger_export.py",
            )
        )
    rendered = render_pdf(TEMPLATES[kind], data, attachments=attachments, timestamp=moment)
    digest = store_report(rendered.pdf)
    with transaction.atomic():
        report = _save_report(child, user, kind, data, rendered, digest, moment, inputs)
        # The report's own record in the chain anchors its file hash: later, anyone can show that this
        # exact file was generated then, from the ledger as it stood at its stated head.
        ledger.append(
            child_id=child.pk,
            kind="report.generated",
            object_type="report",
            object_id=report.pk,
            payload=report_payload(report),
            user=user,
        )
    # After commit: an RFC 3161 anchor over the new head and the owner's integrity receipt (issue 8).
    transaction.on_commit(lambda: after_report(report))
    return report


def report_payload(report: GeneratedReport) -> dict[str, Any]:
    """The ledger payload of a generated report (no floats: render timings stay out of the chain)."""
    return {
        "id": report.pk,
        "kind": report.kind,
        "title": report.title,
        "parameters": report.parameters,
        "generated_at": report.generated_at.astimezone(UTC).isoformat(),
        "generated_by_name": report.generated_by_name,
        "sha256": report.sha256,
        "size": report.size,
        "pages": report.pages,
        "bates_first": report.bates_first,
        "bates_last": report.bates_last,
        "ledger_head": report.ledger_head,
        "ledger_count": report.ledger_count,
    }


def current_reports(child_id: int) -> dict[str, dict[str, Any]]:
    """Verification's view of the current report rows (evidence.verify.register_current_state)."""
    return {str(r.pk): report_payload(r) for r in GeneratedReport.objects.filter(child_id=child_id)}


def _save_report(
    child: Child,
    user: Any,
    kind: str,
    data: dict[str, Any],
    rendered: Any,
    digest: str,
    moment: datetime,
    inputs: ReportInputs,
) -> GeneratedReport:
    start, end = inputs.start, inputs.end
    provision_ids, bates_prefix, bates_start, ask = (
        inputs.provision_ids,
        inputs.bates_prefix,
        inputs.bates_start,
        inputs.ask,
    )
    return GeneratedReport.objects.create(
        child=child,
        kind=kind,
        title=data["title"],
        parameters={
            "start": start.isoformat(),
            "end": end.isoformat(),
            "provision_ids": provision_ids,
            "bates_prefix": bates_prefix,
            "bates_start": bates_start,
            "ask": ask,
        },
        generated_at=moment,
        generated_by=user if getattr(user, "is_authenticated", False) else None,
        generated_by_name=data["generated"]["by"],
        sha256=digest,
        size=len(rendered.pdf),
        pages=rendered.pages,
        bates_first=f"{bates_prefix}{bates_start:06d}",
        bates_last=f"{bates_prefix}{bates_start + rendered.pages - 1:06d}",
        ledger_head=data["ledger"]["head"],
        ledger_count=data["ledger"]["count"],
        render_seconds=round(rendered.seconds, 3),
        render_peak_kb=rendered.peak_memory_kb,
    )
