"""Saving what the IEP import found: the reviewed candidates become provisions in one step.

``plans.iep_import`` reads a document into plain dicts; this module turns the ones the parent
accepted into ``Provision`` rows of a draft IEP, each with its ledger record, in one transaction:
all land or none. The IEP document is already stored as an attachment when the review starts; it
becomes the IEP's source document here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max

from evidence.attachments import AttachmentRejected, link_attachment, store_attachment
from evidence.models import Attachment
from plans import services
from plans.models import MONDAY_TO_FRIDAY, Child, Iep, Provision, weekday_mask

IMPORTED_FIELDS = [
    "kind",
    "label",
    "wording",
    "setting",
    "responsible_staff",
    "minutes",
    "period",
    "sessions",
    "session_minutes",
]


def store_import_document(child: Child, uploaded_file: Any, user: Any) -> Attachment:
    """Keep the uploaded IEP at once (a ledger record): it becomes the IEP's document when saved."""
    try:
        return store_attachment(child_id=child.pk, uploaded_file=uploaded_file, user=user, object_type="iep")
    except AttachmentRejected as error:
        raise services.PlanError(str(error)) from error


def provision_from_candidate(iep: Iep, item: dict[str, Any]) -> Provision:
    """A provision (unsaved) from one reviewed candidate.

    The schedule maps onto the model's: named weekdays are chosen weekdays, "flexible" (the provider
    picks the days, e.g. "120 minutes per month") is the flexible schedule, anything else every day.
    """
    provision = Provision(iep=iep, **{name: item.get(name) for name in IMPORTED_FIELDS})
    provision.setting = provision.setting or ""
    provision.responsible_staff = provision.responsible_staff or ""
    provision.period = provision.period or ""
    provision.label = (provision.label or provision.wording)[:80]
    weekdays = [int(day) for day in item.get("weekdays") or []]
    if item.get("schedule") == "weekdays" and weekdays:
        provision.schedule, provision.weekdays = Provision.Schedule.WEEKDAYS, weekday_mask(weekdays)
    elif item.get("schedule") == "flexible":
        provision.schedule, provision.weekdays = Provision.Schedule.FLEXIBLE, MONDAY_TO_FRIDAY
    else:
        provision.schedule, provision.weekdays = Provision.Schedule.EVERY_DAY, MONDAY_TO_FRIDAY
    return provision


def add_imported_provisions(iep: Iep, items: Iterable[dict[str, Any]], *, user: Any) -> list[Provision]:
    """Create the accepted items at the end of the IEP's list, each with a ledger record, in one transaction."""
    services.ensure_changeable(iep)
    created: list[Provision] = []
    with transaction.atomic():
        last = iep.provisions.aggregate(last=Max("position"))["last"] or 0
        for offset, item in enumerate(items, start=1):
            provision = provision_from_candidate(iep, item)
            provision.position = last + offset
            provision.save()
            services.record_provision(provision, "created", user)
            created.append(provision)
    return created


def create_imported_iep(
    child: Child, iep: Iep, items: Iterable[dict[str, Any]], *, user: Any, document: Attachment | None
) -> tuple[Iep, list[Provision]]:
    """A new draft IEP with the reviewed dates, its document and the accepted items: one step."""
    with transaction.atomic():
        iep.child = child
        iep.source_file = document
        services.create_iep(iep, user=user)
        if document is not None:
            link_attachment(document, object_type="iep", object_id=iep.pk, user=user)
        provisions = add_imported_provisions(iep, items, user=user)
    return iep, provisions
