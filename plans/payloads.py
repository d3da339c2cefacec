"""The full field state of plan records, as handed to the evidence ledger.

One function per object type, so the ledger's payloads and any later check that the current state
matches the latest payload use the same definition. Weekday masks are written as day names, which
say the same thing and can be read without the app.
"""

from __future__ import annotations

from typing import Any

from plans.models import WEEKDAY_NAMES, Absence, Iep, Provision, SchoolCalendar, weekday_set


def weekday_names(mask: int) -> list[str]:
    return [WEEKDAY_NAMES[day] for day in sorted(weekday_set(mask))]


def iep_payload(iep: Iep) -> dict[str, Any]:
    source = iep.source_file
    return {
        "id": iep.pk,
        "child": iep.child_id,
        "status": iep.status,
        "effective_from": iep.effective_from,
        "effective_to": iep.effective_to,
        "meeting_date": iep.meeting_date,
        "annual_review_due": iep.annual_review_due,
        "reevaluation_due": iep.reevaluation_due,
        "case_manager_name": iep.case_manager_name,
        "case_manager_email": iep.case_manager_email,
        "amends": iep.amends_id,
        "amendment_note": iep.amendment_note,
        "source_file": None
        if source is None
        else {"id": source.pk, "sha256": source.sha256, "name": source.original_name, "size": source.size},
    }


def provision_payload(provision: Provision) -> dict[str, Any]:
    """The provision's state; ``sessions`` appears only when set.

    ``sessions`` came after the first records were written: leaving it out while it is empty keeps
    every earlier record equal to the current state, so existing chains still verify.
    """
    payload = {
        "id": provision.pk,
        "iep": provision.iep_id,
        "lineage": str(provision.lineage),
        "position": provision.position,
        "kind": provision.kind,
        "label": provision.label,
        "wording": provision.wording,
        "setting": provision.setting,
        "responsible_staff": provision.responsible_staff,
        "schedule": provision.schedule,
        "weekdays": weekday_names(provision.weekdays),
        "minutes": provision.minutes,
        "period": provision.period,
        "session_minutes": provision.session_minutes,
        "purpose": provision.purpose,
    }
    if provision.sessions is not None:
        payload["sessions"] = provision.sessions
    return payload


def calendar_payload(calendar: SchoolCalendar) -> dict[str, Any]:
    return {
        "id": calendar.pk,
        "child": calendar.child_id,
        "name": calendar.name,
        "first_day": calendar.first_day,
        "last_day": calendar.last_day,
        "weekdays": weekday_names(calendar.weekdays),
        "non_school_days": [
            {"id": off.pk, "name": off.name, "start": off.start, "end": off.end}
            for off in calendar.non_school_days.order_by("start", "pk")
        ],
    }


def absence_payload(absence: Absence) -> dict[str, Any]:
    return {"id": absence.pk, "child": absence.child_id, "date": absence.date, "reason": absence.reason}


# --- Current-state loaders for verification (evidence.verify.register_current_state) -----------
# Each returns {object_id: payload} for one child's current rows, as the ledger should show them.


def current_ieps(child_id: int) -> dict[str, dict[str, Any]]:
    ieps = Iep.objects.filter(child_id=child_id).select_related("source_file")
    return {str(iep.pk): iep_payload(iep) for iep in ieps}


def current_provisions(child_id: int) -> dict[str, dict[str, Any]]:
    return {str(p.pk): provision_payload(p) for p in Provision.objects.filter(iep__child_id=child_id)}


def current_calendars(child_id: int) -> dict[str, dict[str, Any]]:
    return {str(c.pk): calendar_payload(c) for c in SchoolCalendar.objects.filter(child_id=child_id)}


def current_absences(child_id: int) -> dict[str, dict[str, Any]]:
    return {str(a.pk): absence_payload(a) for a in Absence.objects.filter(child_id=child_id)}


CURRENT_STATE_LOADERS = {
    "iep": current_ieps,
    "provision": current_provisions,
    "calendar": current_calendars,
    "absence": current_absences,
}
