"""Children, their IEP versions and provisions, read-only (changes are made on the pages, where each
goes through ``plans.services`` and the ledger). Every read goes through the access layer and writes
an access-log row."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from api.errors import answers
from api.reads import viewed
from plans.access import child_for, children_for, iep_for
from plans.models import Child, Iep, Provision
from plans.payloads import iep_payload, provision_payload

router = Router(tags=["children and IEPs"])


class ChildOut(Schema):
    id: int
    household: int
    name: str
    date_of_birth: date | None
    school: str
    grade: str
    district: str
    state: str
    can_edit: bool


class SourceFileOut(Schema):
    id: int
    sha256: str
    name: str
    size: int


class IepOut(Schema):
    """One IEP version (its ledger payload)."""

    id: int
    child: int
    status: str
    effective_from: date | None
    effective_to: date | None
    meeting_date: date | None
    annual_review_due: date | None
    reevaluation_due: date | None
    case_manager_name: str
    case_manager_email: str
    amends: int | None
    amendment_note: str
    source_file: SourceFileOut | None


class ProvisionOut(Schema):
    """One provision in the IEP's exact words (its ledger payload)."""

    id: int
    iep: int
    lineage: str
    position: int
    kind: str
    label: str
    wording: str
    setting: str
    responsible_staff: str
    schedule: str
    weekdays: list[str]
    minutes: int | None
    period: str
    sessions: int | None = None  # sessions per period, where the IEP states them
    session_minutes: int | None
    purpose: str


class IepWithProvisionsOut(IepOut):
    provisions: list[ProvisionOut]


class OnDayIn(Schema):
    on: date | None = None


def _child_out(child: Child, editable: set[int]) -> dict[str, Any]:
    return {
        "id": child.pk,
        "household": child.household_id,
        "name": child.name,
        "date_of_birth": child.date_of_birth,
        "school": child.school,
        "grade": child.grade,
        "district": child.district,
        "state": child.state,
        "can_edit": child.pk in editable,
    }


def _provisions(iep: Iep) -> list[dict[str, Any]]:
    return [provision_payload(p) for p in Provision.objects.filter(iep=iep).order_by("position", "pk")]


@router.get("/children", response=answers(list[ChildOut]), url_name="children")
def list_children(request: HttpRequest) -> Any:
    """Every child the caller may see, in every household they belong to."""
    editable = set(children_for(request.user, "edit").values_list("pk", flat=True))
    return [_child_out(child, editable) for child in children_for(request.user).order_by("name", "pk")]


@router.get("/children/{int:child_id}", response=answers(ChildOut), url_name="child")
def get_child(request: HttpRequest, child_id: int) -> Any:
    child = viewed(request, child_for(request.user, child_id))
    editable = set(children_for(request.user, "edit").filter(pk=child.pk).values_list("pk", flat=True))
    return _child_out(child, editable)


@router.get("/children/{int:child_id}/ieps", response=answers(list[IepOut]), url_name="ieps")
def list_ieps(request: HttpRequest, child_id: int) -> Any:
    """Every IEP version of the child, newest first (drafts included, marked by ``status``)."""
    child = viewed(request, child_for(request.user, child_id))
    ieps = Iep.objects.filter(child=child).select_related("source_file").order_by("-effective_from", "-pk")
    return [iep_payload(iep) for iep in ieps]


@router.get("/children/{int:child_id}/ieps/{int:iep_id}", response=answers(IepWithProvisionsOut), url_name="iep")
def get_iep(request: HttpRequest, child_id: int, iep_id: int) -> Any:
    """One IEP version with its provisions."""
    iep = iep_for(request.user, iep_id, child_id=child_id)
    viewed(request, iep.child)
    return {**iep_payload(iep), "provisions": _provisions(iep)}


@router.get("/children/{int:child_id}/provisions", response=answers(list[ProvisionOut]), url_name="provisions")
def list_provisions(request: HttpRequest, child_id: int, when: Query[OnDayIn]) -> Any:
    """The provisions of the IEP in force on ``on`` (default today); empty when none is."""
    child = viewed(request, child_for(request.user, child_id))
    iep = child.iep_on(when.on or timezone.localdate())
    return _provisions(iep) if iep is not None else []
