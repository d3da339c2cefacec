"""What the records add up to: the insights numbers, the dates the IEP sets, and whether the child's
ledger verifies. Read-only; each read writes an access-log row."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Schema, Status

from api.errors import answers, range_too_long
from api.reads import viewed
from correspondence.models import Communication
from correspondence.payloads import communication_payload
from deadlines.facts import deadlines_for
from evidence.verify import verify_child
from insights.compliance import compute_compliance
from plans.access import child_for
from plans.models import Iep

router = Router(tags=["insights and evidence"])

MAX_RANGE_DAYS = 800


class RangeIn(Schema):
    start: date
    end: date


class VerificationOut(Schema):
    """The child's ledger: how many records, its head hash, and whether every check passed."""

    ok: bool
    record_count: int
    head_hash: str
    first_recorded_at: datetime | None
    last_recorded_at: datetime | None
    problem: str | None
    checked_types: list[str]


class DeadlineOut(Schema):
    """A date the IEP sets (an estimate from the dates entered: not legal advice)."""

    kind: str
    label: str
    due: date
    iep: int
    days_left: int


DEADLINE_FIELDS = {
    "annual_review_due": gettext_lazy("Annual IEP review due"),
    "reevaluation_due": gettext_lazy("Reevaluation due"),
}


@router.get("/children/{int:child_id}/insights", response=answers(dict[str, Any]), url_name="insights")
def insights(request: HttpRequest, child_id: int, span: Query[RangeIn]) -> Any:
    """The compliance numbers from ``start`` to ``end`` (shape in docs/insights-json.md)."""
    child = viewed(request, child_for(request.user, child_id))
    if span.end < span.start or (span.end - span.start).days > MAX_RANGE_DAYS:
        return Status(422, {"errors": {"end": [range_too_long(MAX_RANGE_DAYS)]}})
    return Status(200, compute_compliance(child, span.start, span.end).to_json())


DISCLAIMER = gettext_lazy(
    "Deadlines shown are estimates computed from the dates entered; filing limits can be lost: contact a lawyer, "
    "the state Parent Training and Information Center, or the Protection and Advocacy agency before a deadline. "
    "General information, not legal advice."
)


class DeadlinesOut(Schema):
    """The IEP's own dates and the deadlines computed from the law (shape of ``deadlines.compute.Deadline.as_json``)."""

    disclaimer: str
    iep_dates: list[DeadlineOut]
    deadlines: list[dict[str, Any]]


@router.get(
    "/children/{int:child_id}/communications", response=answers(list[dict[str, Any]]), url_name="communications"
)
def communications(request: HttpRequest, child_id: int) -> Any:
    """Every communication with the school kept for the child (withdrawn ones included), newest first,
    as its ledger payload (``correspondence.payloads.communication_payload``)."""
    child = viewed(request, child_for(request.user, child_id))
    found = Communication.objects.filter(child=child).order_by("-date", "-pk")
    return [communication_payload(comm) for comm in found]


@router.get("/children/{int:child_id}/deadlines", response=answers(DeadlinesOut), url_name="deadlines")
def deadlines(request: HttpRequest, child_id: int) -> Any:
    """The active IEP's review and reevaluation dates, and the deadlines the law sets from the events
    entered (``deadlines.facts.deadlines_for``), with the disclaimer to show beside them."""
    child = viewed(request, child_for(request.user, child_id))
    today = timezone.localdate()
    found = []
    for iep in Iep.objects.filter(child=child, status=Iep.Status.ACTIVE):
        for name, label in DEADLINE_FIELDS.items():
            due = getattr(iep, name)
            if due is not None:
                found.append(
                    {"kind": name, "label": str(label), "due": due, "iep": iep.pk, "days_left": (due - today).days}
                )
    return {
        "disclaimer": str(DISCLAIMER),
        "iep_dates": sorted(found, key=lambda d: (d["due"], d["kind"])),
        "deadlines": [deadline.as_json() for deadline in deadlines_for(child, today)],
    }


@router.get("/children/{int:child_id}/verification", response=answers(VerificationOut), url_name="verification")
def verification(request: HttpRequest, child_id: int) -> Any:
    """Recompute the child's hash chain and compare the current records with it, now."""
    child = viewed(request, child_for(request.user, child_id))
    report = verify_child(child.pk)
    return {
        "ok": report.ok,
        "record_count": report.record_count,
        "head_hash": report.head_hash,
        "first_recorded_at": report.first_recorded_at,
        "last_recorded_at": report.last_recorded_at,
        "problem": str(report.problem) if report.problem else None,
        "checked_types": report.checked_types,
    }
