"""The child's deadlines page: the events the parent entered and every deadline they give rise to."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import log_access
from deadlines import services
from deadlines.access import event_for
from deadlines.facts import deadlines_for
from deadlines.forms import DisabilityForm, EventForm, RemoveEventForm
from deadlines.models import DeadlineEvent, DeadlineSettings
from plans.access import child_for, may
from plans.models import Child

INVALID = 422


def _context(request: HttpRequest, child: Child, **extra: Any) -> dict[str, Any]:
    events = list(DeadlineEvent.objects.filter(child=child).order_by("-date", "-pk"))
    settings = DeadlineSettings.objects.filter(child=child).first()
    return {
        "child": child,
        "can_edit": may(request.user, child, "edit"),
        "deadlines": deadlines_for(child, timezone.localdate()),
        "events": [e for e in events if not e.is_retracted],
        "removed_events": [e for e in events if e.is_retracted],
        "today": timezone.localdate(),
        "form": EventForm(),
        "disability_form": DisabilityForm(initial={"disability": settings.disability if settings else ""}),
        **extra,
    }


@login_required
def deadline_list(request: HttpRequest, child_id: int) -> HttpResponse:
    """GET: the deadlines and events; POST (editors): add an event."""
    child = child_for(request.user, child_id, need="edit" if request.method == "POST" else "view")
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            event = services.record_event(
                child,
                form.cleaned_data["kind"],
                form.cleaned_data["date"],
                request.user,
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Saved: %(event)s.") % {"event": event.get_kind_display()})
            return redirect("deadlines:list", child_id=child.pk)
        return render(request, "deadlines/deadlines.html", _context(request, child, form=form), status=INVALID)
    log_access(request.user, child.household, "view", child_id=child.pk, path=request.path)
    return render(request, "deadlines/deadlines.html", _context(request, child))


@login_required
def event_edit(request: HttpRequest, child_id: int, event_id: int) -> HttpResponse:
    event = event_for(request.user, event_id, need="edit", child_id=child_id)
    if event.is_retracted:
        messages.error(request, _("This event was removed. It is kept as it was."))
        return redirect("deadlines:list", child_id=event.child_id)
    form = EventForm(request.POST or None, instance=DeadlineEvent.objects.get(pk=event.pk))
    if request.method == "POST":
        if form.is_valid():
            services.edit_event(
                event,
                kind=form.cleaned_data["kind"],
                day=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                user=request.user,
            )
            messages.success(request, _("Changed. The earlier version stays in the history."))
            return redirect("deadlines:list", child_id=event.child_id)
        status = INVALID
    else:
        status = 200
    context = {"child": event.child, "event": event, "form": form, "remove_form": RemoveEventForm()}
    return render(request, "deadlines/event_edit.html", context, status=status)


@login_required
def event_remove(request: HttpRequest, child_id: int, event_id: int) -> HttpResponse:
    event = event_for(request.user, event_id, need="edit", child_id=child_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RemoveEventForm(request.POST)
    if not form.is_valid():
        context = {"child": event.child, "event": event, "form": EventForm(instance=event), "remove_form": form}
        return render(request, "deadlines/event_edit.html", context, status=INVALID)
    services.retract_event(event, reason=form.cleaned_data["reason"], user=request.user)
    messages.success(request, _("Removed. It stays in the history with your reason."))
    return redirect("deadlines:list", child_id=event.child_id)


@login_required
def disability(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = DisabilityForm(request.POST)
    if not form.is_valid():
        return render(
            request, "deadlines/deadlines.html", _context(request, child, disability_form=form), status=INVALID
        )
    services.set_disability(child, form.cleaned_data["disability"], request.user)
    messages.success(request, _("Saved."))
    return redirect("deadlines:list", child_id=child.pk)
