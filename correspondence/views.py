"""Pages of the communications log: the list, a new record, a quick call, an email import, one record.

Every view reaches the child through ``plans.access.child_for`` (and a communication through
``correspondence.access.communication_for``): 404 for anyone else; saving needs "edit", so a
viewer reads everything and any POST answers 404. Invalid posts answer 422 and save nothing.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import log_access
from correspondence import eml, services
from correspondence.access import communication_for
from correspondence.events import record_communication_event
from correspondence.forms import CallForm, CommunicationForm, ImportForm, RetractForm
from correspondence.models import Channel, Communication, Direction
from correspondence.pages import INVALID, add_errors, child_page
from evidence.models import EvidenceRecord
from logbook.models import LogEntry
from plans.access import child_for
from plans.models import Provision


@login_required
def communication_list(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    log_access(request.user, child.household, "view", child_id=child.pk, path=request.path)
    comms = list(Communication.objects.filter(child=child).select_related("in_reply_to"))
    answers = services.first_answers(child)
    today = timezone.localdate()
    overdue = services.overdue_follow_ups(child, today)
    rows = [{"comm": c, "answer": answers.get(c.pk)} for c in comms]
    return child_page(
        request,
        "correspondence/list.html",
        child,
        {"rows": rows, "overdue": overdue, "today": today},
    )


@login_required
def communication_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    initial = {
        "date": timezone.localdate(),
        "client_id": uuid.uuid4(),
        "channel": Channel.EMAIL,
        "direction": Direction.SENT,
    }
    if request.GET.get("reply_to", "").isdigit():
        initial["in_reply_to"] = int(request.GET["reply_to"])
        initial["direction"] = Direction.RECEIVED
    if request.GET.get("entry", "").isdigit():  # "about this miss": ticked in advance (only if offered)
        initial["entry_ids"] = [request.GET["entry"]]
    form = CommunicationForm(request.POST or None, request.FILES or None, child=child, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    comm = services.create_communication(
                        child, user=request.user, client_id=form.cleaned_data["client_id"], **form.values()
                    )
                    services.attach_files(comm, form.cleaned_data.get("files") or [], request.user)
                    if form.cleaned_data.get("event"):
                        day = form.cleaned_data.get("event_day") or comm.date
                        record_communication_event(comm, form.cleaned_data["event"], day, request.user)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Saved in the communications log."))
                return redirect("correspondence:detail", child_id=child.pk, communication_id=comm.pk)
        return child_page(request, "correspondence/form.html", child, {"form": form}, status=INVALID)
    return child_page(request, "correspondence/form.html", child, {"form": form})


@login_required
def call_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    iep = child.current_iep(timezone.localdate())
    initial = {"client_id": uuid.uuid4(), "direction": Direction.SENT}
    if iep is not None and iep.case_manager_name:
        initial.update(counterpart_name=iep.case_manager_name, counterpart_role=_("Case manager"))
        initial["to_address"] = iep.case_manager_email
    form = CallForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                comm = services.log_call(
                    child,
                    user=request.user,
                    client_id=data["client_id"],
                    counterpart_name=data["counterpart_name"],
                    counterpart_role=data["counterpart_role"],
                    direction=data["direction"],
                    summary=data["summary"],
                    to_address=data["to_address"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Call saved. You can send a short email to confirm it in writing."))
                return redirect("correspondence:detail", child_id=child.pk, communication_id=comm.pk)
        return child_page(request, "correspondence/call.html", child, {"form": form}, status=INVALID)
    return child_page(request, "correspondence/call.html", child, {"form": form})


@login_required
def import_eml(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    form = ImportForm(request.POST or None, request.FILES or None, initial={"client_id": uuid.uuid4()})
    if request.method == "POST":
        if form.is_valid():
            raw, name = form.raw_bytes()
            try:
                comm = eml.import_email(
                    child,
                    raw,
                    user=request.user,
                    client_id=form.cleaned_data["client_id"],
                    filename=name,
                    follow_up_due=form.cleaned_data.get("follow_up_due"),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                kept_inside = getattr(comm, "kept_inside", [])
                messages.success(request, _("Email imported. The original file is kept as evidence."))
                if kept_inside:
                    messages.info(
                        request,
                        _("These attachments stay inside the original email file: %(names)s.")
                        % {"names": ", ".join(kept_inside)},
                    )
                return redirect("correspondence:detail", child_id=child.pk, communication_id=comm.pk)
        return child_page(request, "correspondence/import.html", child, {"form": form}, status=INVALID)
    return child_page(request, "correspondence/import.html", child, {"form": form})


def _history(comm: Communication) -> list[dict[str, Any]]:
    records = EvidenceRecord.objects.filter(
        child_id=comm.child_id, object_type="communication", object_id=str(comm.pk)
    ).order_by("-seq")
    items = []
    for record in records:
        payload = json.loads(record.payload)
        action = record.kind.rsplit(".", 1)[-1]
        reason = payload.get("retraction_reason") if action == "retracted" else payload.get("edit_reason")
        items.append(
            {
                "record": record,
                "action": {"created": _("Recorded"), "edited": _("Changed"), "retracted": _("Withdrawn")}.get(
                    action, action
                ),
                "reason": reason if action != "created" else "",
                "subject": payload.get("subject", ""),
                "body": payload.get("body", ""),
            }
        )
    return items


def _render_detail(
    request: HttpRequest, comm: Communication, form: RetractForm | None = None, status: int = 200
) -> HttpResponse:
    child = comm.child
    parent_name = getattr(request.user, "display_name", "") or ""
    draft = services.call_follow_up_draft(comm, parent_name) if comm.channel == Channel.CALL else None
    provisions = Provision.objects.filter(pk__in=comm.provision_ids).order_by("label")
    entries = (
        LogEntry.objects.filter(child=comm.child, pk__in=comm.entry_ids).select_related("provision").order_by("date")
    )
    context = {
        "comm": comm,
        "history": _history(comm),
        "attachments": services.attachments_of(comm),
        "replies": list(comm.replies.order_by("date", "pk")),
        "provisions": provisions,
        "entries": entries,
        "draft": draft,
        "form": form or RetractForm(),
        "overdue": comm.is_follow_up_overdue(timezone.localdate(), comm.replies.current().exists()),
    }
    return child_page(request, "correspondence/detail.html", child, context, status=status)


@login_required
def communication_detail(request: HttpRequest, child_id: int, communication_id: int) -> HttpResponse:
    comm = communication_for(request.user, communication_id, child_id=child_id)
    log_access(request.user, comm.child.household, "view", child_id=comm.child_id, path=request.path)
    return _render_detail(request, comm)


@login_required
def communication_edit(request: HttpRequest, child_id: int, communication_id: int) -> HttpResponse:
    comm = communication_for(request.user, communication_id, need="edit", child_id=child_id)
    child = comm.child
    initial = {
        "date": comm.date,
        "time": comm.time,
        "channel": comm.channel,
        "direction": comm.direction,
        "counterpart_name": comm.counterpart_name,
        "counterpart_role": comm.counterpart_role,
        "subject": comm.subject,
        "body": comm.body,
        "provision_ids": comm.provision_ids,
        "entry_ids": comm.entry_ids,
        "follow_up_due": comm.follow_up_due,
        "in_reply_to": comm.in_reply_to_id,
        "client_id": uuid.uuid4(),
    }
    form = CommunicationForm(request.POST or None, child=child, editing=True, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.edit_communication(
                    comm,
                    user=request.user,
                    client_id=form.cleaned_data["client_id"],
                    edit_reason=form.cleaned_data["edit_reason"],
                    **form.values(),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Changed. The earlier version stays in the record's history."))
                return redirect("correspondence:detail", child_id=child.pk, communication_id=comm.pk)
        return child_page(request, "correspondence/form.html", child, {"form": form, "comm": comm}, status=INVALID)
    return child_page(request, "correspondence/form.html", child, {"form": form, "comm": comm})


@login_required
def communication_retract(request: HttpRequest, child_id: int, communication_id: int) -> HttpResponse:
    comm = communication_for(request.user, communication_id, need="edit", child_id=child_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RetractForm(request.POST)
    if form.is_valid():
        try:
            services.retract_communication(comm, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Withdrawn. The record and its history are kept."))
            return redirect("correspondence:detail", child_id=comm.child_id, communication_id=comm.pk)
    return _render_detail(request, comm, form=form, status=INVALID)


@login_required
def follow_up_settle(request: HttpRequest, child_id: int, communication_id: int) -> HttpResponse:
    """Mark a follow-up as settled without a recorded reply (e.g. the question was answered in person)."""
    comm = communication_for(request.user, communication_id, need="edit", child_id=child_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.edit_communication(
            comm,
            user=request.user,
            client_id=uuid.uuid4(),
            edit_reason=_("Follow-up marked as settled"),
            follow_up_closed=True,
        )
    except ValidationError as error:
        form = RetractForm()
        add_errors(form, error)
        return _render_detail(request, comm, form=form, status=INVALID)
    messages.success(request, _("Follow-up marked as settled."))
    return redirect("correspondence:detail", child_id=comm.child_id, communication_id=comm.pk)
