"""Changes to IEPs, provisions, school calendars and absences, each recorded in the evidence ledger.

Every function here changes the current-state rows and appends the matching ledger record in one
transaction: both land or neither. The payload is the object's full state after the change
(``plans.payloads``). Functions raise ``PlanError`` with a plain message when a change is not allowed.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max

from evidence import ledger
from evidence.attachments import AttachmentRejected, store_attachment
from plans.models import Absence, Iep, NonSchoolDay, Provision, SchoolCalendar
from plans.payloads import absence_payload, calendar_payload, iep_payload, provision_payload
from plans.validation import long_date

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from evidence.models import Attachment

# Fields an amendment copies from the version it amends (the meeting date and the document are its own).
COPIED_IEP_FIELDS = ["effective_to", "annual_review_due", "reevaluation_due", "case_manager_name", "case_manager_email"]
COPIED_PROVISION_FIELDS = [
    "lineage",
    "position",
    "kind",
    "label",
    "wording",
    "setting",
    "responsible_staff",
    "schedule",
    "weekdays",
    "minutes",
    "period",
    "sessions",
    "session_minutes",
    "purpose",
]


class PlanError(ValueError):
    """A change that is not allowed; the message says why in plain words."""


def _record(
    child_id: int, object_type: str, action: str, object_id: int, payload: dict[str, Any], user: Any, day: date | None
) -> None:
    ledger.append(
        child_id=child_id,
        kind=f"{object_type}.{action}",
        object_type=object_type,
        object_id=object_id,
        payload=payload,
        user=user,
        event_date=day,
    )


def _record_iep(iep: Iep, action: str, user: Any) -> None:
    _record(iep.child_id, "iep", action, iep.pk, iep_payload(iep), user, iep.effective_from)


def _record_provision(provision: Provision, action: str, user: Any) -> None:
    _record(provision.iep.child_id, "provision", action, provision.pk, provision_payload(provision), user, None)


def _record_calendar(calendar: SchoolCalendar, action: str, user: Any) -> None:
    _record(calendar.child_id, "calendar", action, calendar.pk, calendar_payload(calendar), user, None)


def ensure_changeable(iep: Iep) -> None:
    """A superseded version is a record of what was agreed: it is never changed."""
    if iep.status == Iep.Status.SUPERSEDED:
        raise PlanError("This version was replaced by an amendment. It is kept exactly as it was.")


def store_iep_document(iep: Iep, document: UploadedFile, user: Any) -> Attachment:
    """Keep the IEP file as an evidence attachment: stored by content hash, its type checked by content."""
    try:
        return store_attachment(
            child_id=iep.child_id, uploaded_file=document, user=user, object_type="iep", object_id=str(iep.pk)
        )
    except AttachmentRejected as error:
        raise PlanError(str(error)) from error


def _attach_document(iep: Iep, document: UploadedFile | None, user: Any) -> None:
    if document is not None:
        iep.source_file = store_iep_document(iep, document, user)
        iep.save(update_fields=["source_file"])


def create_iep(iep: Iep, *, user: Any, document: UploadedFile | None = None) -> Iep:
    """Save a new IEP as a draft: its items are typed in before it counts for the log."""
    with transaction.atomic():
        iep.status = Iep.Status.DRAFT
        iep.created_by = user
        iep.save()
        _attach_document(iep, document, user)
        _record_iep(iep, "created", user)
    return iep


def update_iep(iep: Iep, *, user: Any, document: UploadedFile | None = None) -> Iep:
    """Save edits to an IEP's dates and contacts (and a newly uploaded document)."""
    ensure_changeable(iep)
    with transaction.atomic():
        iep.save()
        _attach_document(iep, document, user)
        _record_iep(iep, "edited", user)
    return iep


def activate_iep(iep: Iep, *, user: Any) -> Iep:
    """Put a draft in effect. An earlier version still running at its start ends the day before."""
    if iep.status != Iep.Status.DRAFT:
        raise PlanError("This IEP is already in effect.")
    if not iep.provisions.exists():
        raise PlanError("Add at least one item from the IEP first.")
    others = Iep.objects.filter(child_id=iep.child_id, status=Iep.Status.ACTIVE).exclude(pk=iep.pk)
    later = others.filter(effective_from__gte=iep.effective_from).order_by("effective_from").first()
    if later is not None:
        raise PlanError(
            f"Another IEP is already in effect from {long_date(later.effective_from)}. "
            "Change this IEP's start date, or amend that one."
        )
    with transaction.atomic():
        for earlier in others.filter(effective_from__lt=iep.effective_from):
            if earlier.effective_to is None or earlier.effective_to >= iep.effective_from:
                earlier.effective_to = iep.effective_from - timedelta(days=1)
                earlier.status = Iep.Status.SUPERSEDED
                earlier.save(update_fields=["effective_to", "status"])
                _record_iep(earlier, "edited", user)
        iep.status = Iep.Status.ACTIVE
        iep.save(update_fields=["status"])
        _record_iep(iep, "edited", user)
    return iep


def amend_iep(iep: Iep, effective_from: date, user: Any, note: str = "") -> Iep:
    """A new version in effect from ``effective_from``, with copies of every provision to edit.

    The amended version ends the day before and is marked superseded; it stays readable as it was.
    Copies keep their provision's ``lineage``, so an item can be followed across versions.
    """
    if iep.status != Iep.Status.ACTIVE:
        raise PlanError("Only an IEP that is in effect can be amended.")
    if effective_from <= iep.effective_from or (iep.effective_to is not None and effective_from > iep.effective_to):
        raise PlanError("An amendment starts after the current version starts, and before it ends.")
    with transaction.atomic():
        amendment = Iep(
            child_id=iep.child_id,
            status=Iep.Status.ACTIVE,
            effective_from=effective_from,
            amends=iep,
            amendment_note=note.strip(),
            created_by=user,
            **{name: getattr(iep, name) for name in COPIED_IEP_FIELDS},
        )
        amendment.save()
        iep.effective_to = effective_from - timedelta(days=1)
        iep.status = Iep.Status.SUPERSEDED
        iep.save(update_fields=["effective_to", "status"])
        _record_iep(iep, "edited", user)
        _record_iep(amendment, "created", user)
        for original in iep.provisions.order_by("position", "pk"):
            copy = Provision(iep=amendment, **{name: getattr(original, name) for name in COPIED_PROVISION_FIELDS})
            copy.save()
            _record_provision(copy, "created", user)
    return amendment


def save_provision(provision: Provision, *, user: Any) -> Provision:
    """Create or edit one provision; a new one goes to the end of the list."""
    ensure_changeable(provision.iep)
    action = "edited" if provision.pk else "created"
    with transaction.atomic():
        if not provision.pk:
            last = provision.iep.provisions.aggregate(last=Max("position"))["last"]
            provision.position = (last or 0) + 1
        provision.save()
        _record_provision(provision, action, user)
    return provision


def delete_provision(provision: Provision, *, user: Any) -> None:
    """Remove an item typed in by mistake, as long as nothing was logged for it yet."""
    iep = provision.iep
    ensure_changeable(iep)
    if provision.log_entries.exists():  # type: ignore[attr-defined]
        raise PlanError("This item already has log entries, so it stays. If the IEP changed, amend the IEP instead.")
    with transaction.atomic():
        payload = provision_payload(provision)
        provision_id = provision.pk
        provision.delete()
        _record(iep.child_id, "provision", "retracted", provision_id, payload, user, None)


def move_provision(provision: Provision, offset: int, *, user: Any) -> None:
    """Move a provision one place up (offset -1) or down (+1) in its IEP's list."""
    ensure_changeable(provision.iep)
    with transaction.atomic():
        siblings = list(provision.iep.provisions.order_by("position", "pk"))
        index = next(i for i, p in enumerate(siblings) if p.pk == provision.pk)
        target = index + offset
        if not 0 <= target < len(siblings):
            return
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
                _record_provision(sibling, "edited", user)


def save_calendar(calendar: SchoolCalendar, *, user: Any) -> SchoolCalendar:
    action = "edited" if calendar.pk else "created"
    with transaction.atomic():
        calendar.save()
        _record_calendar(calendar, action, user)
    return calendar


def add_non_school_day(day_off: NonSchoolDay, *, user: Any) -> NonSchoolDay:
    with transaction.atomic():
        day_off.save()
        _record_calendar(day_off.calendar, "edited", user)
    return day_off


def remove_non_school_day(day_off: NonSchoolDay, *, user: Any) -> None:
    calendar = day_off.calendar
    with transaction.atomic():
        day_off.delete()
        _record_calendar(calendar, "edited", user)


def add_absence(absence: Absence, *, user: Any) -> Absence:
    with transaction.atomic():
        absence.save()
        _record(absence.child_id, "absence", "created", absence.pk, absence_payload(absence), user, absence.date)
    return absence


def add_absences(child_id: int, days: list[date], reason: str, *, user: Any) -> list[Absence]:
    """A multi-day absence: one Absence (and one ledger record) per school day, all or none."""
    with transaction.atomic():
        return [add_absence(Absence(child_id=child_id, date=day, reason=reason), user=user) for day in days]


def remove_absence(absence: Absence, *, user: Any) -> None:
    with transaction.atomic():
        payload = absence_payload(absence)
        absence_id = absence.pk
        absence.delete()
        _record(absence.child_id, "absence", "retracted", absence_id, payload, user, absence.date)


def record_provision(provision: Provision, action: str, user: Any) -> None:
    """The ledger record of a provision change made by another plans module (``plans.importing``)."""
    _record_provision(provision, action, user)


def record_calendar(calendar: SchoolCalendar, action: str, user: Any) -> None:
    """The ledger record of a calendar change made by another plans module (``plans.calendar_import``)."""
    _record_calendar(calendar, action, user)
