"""Views of the plans app: children, IEP versions and their provisions, school calendars, absences.

Each view reaches the child's records through ``plans.access`` (need="edit" for changes, so a
read-only member gets 404 there), calls ``plans.services`` and renders. An invalid form answers 422
with the form and its messages, and saves nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import household_for, log_access
from plans import services
from plans.access import absence_for, calendar_for, child_for, iep_for, may, provision_for
from plans.calendar_import import federal_holidays
from plans.forms import AbsenceForm, AmendForm, CalendarForm, ChildForm, IepForm, NonSchoolDayForm, ProvisionForm
from plans.models import Absence, Child, Iep, NonSchoolDay, Provision, SchoolCalendar, weekday_phrase
from plans.schooldays import SchoolDays
from plans.summary import school_days_by_month, summarize_child

INVALID = 422  # an invalid form is answered with this status, the form and its messages


def _only_post(request: HttpRequest) -> HttpResponse | None:
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _viewed(request: HttpRequest, child: Child) -> None:
    """Note in the access log that this person viewed this child's records."""
    log_access(request.user, child.household, "view", child_id=child.pk, path=request.path)


def _can_edit(request: HttpRequest, child: Child) -> bool:
    return may(request.user, child, "edit")


def _page(
    request: HttpRequest, template: str, child: Child, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {"child": child, "can_edit": _can_edit(request, child), **context}, status=status)


def _refuse_if_superseded(request: HttpRequest, iep: Iep) -> HttpResponse | None:
    """A replaced version is kept as it was: send the person back to it with a word why."""
    if iep.status != Iep.Status.SUPERSEDED:
        return None
    messages.error(request, _("This version was replaced by an amendment. It is kept exactly as it was."))
    return redirect("plans:iep", child_id=iep.child_id, iep_id=iep.pk)


# --- Children ---------------------------------------------------------------------------------


@login_required
def child_new(request: HttpRequest, household_id: int) -> HttpResponse:
    household = household_for(request.user, household_id, need="edit")
    form = ChildForm(request.POST or None, instance=Child(household=household))
    if request.method == "POST":
        if form.is_valid():
            child = form.save()
            messages.success(request, _("%(name)s is added. Next, add the IEP.") % {"name": child.name})
            return redirect("plans:child", child_id=child.pk)
        status = INVALID
    else:
        status = 200
    return render(request, "plans/child_form.html", {"form": form, "household": household}, status=status)


@login_required
def child_overview(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    _viewed(request, child)
    today = timezone.localdate()
    context = {
        "child": child,
        "summary": summarize_child(child, today),
        "today": today,
        "can_edit": may(request.user, child, "edit"),
        "is_owner": may(request.user, child, "own"),
    }
    return render(request, "plans/child.html", context)


@login_required
def child_edit(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    form = ChildForm(request.POST or None, instance=child)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect("plans:child", child_id=child.pk)
        child.refresh_from_db()
        return _page(request, "plans/child_form.html", child, {"form": form}, status=INVALID)
    return _page(request, "plans/child_form.html", child, {"form": form})


# --- IEP versions -----------------------------------------------------------------------------


@login_required
def iep_list(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    _viewed(request, child)
    ieps = child.ieps.select_related("amends").order_by("-effective_from", "-pk")
    return _page(request, "plans/iep_list.html", child, {"ieps": ieps})


@login_required
def iep_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    form = IepForm(request.POST or None, request.FILES or None, instance=Iep(child=child))
    if request.method == "POST" and form.is_valid():
        try:
            iep = services.create_iep(form.instance, user=request.user, document=form.cleaned_data["document"])
        except services.PlanError as error:
            form.add_error("document", str(error))
        else:
            messages.success(request, _("IEP saved as a draft. Now add its items, in the IEP's exact words."))
            return redirect("plans:iep", child_id=child.pk, iep_id=iep.pk)
    status = INVALID if request.method == "POST" else 200
    return _page(request, "plans/iep_form.html", child, {"form": form}, status=status)


@login_required
def iep_detail(request: HttpRequest, child_id: int, iep_id: int) -> HttpResponse:
    iep = iep_for(request.user, iep_id, child_id=child_id)
    child = iep.child
    _viewed(request, child)
    provisions = list(iep.provisions.all())
    outside = iep.entries_outside_dates()
    for provision in provisions:
        provision.outside_days = outside.get(provision.pk, [])  # type: ignore[attr-defined]
    context = {
        "iep": iep,
        "provisions": provisions,
        "amendment": iep.amendments.order_by("effective_from").first(),  # type: ignore[attr-defined]
        "changeable": iep.status != Iep.Status.SUPERSEDED,
    }
    return _page(request, "plans/iep_detail.html", child, context)


@login_required
def iep_edit(request: HttpRequest, child_id: int, iep_id: int) -> HttpResponse:
    iep = iep_for(request.user, iep_id, need="edit", child_id=child_id)
    child = iep.child
    if refused := _refuse_if_superseded(request, iep):
        return refused
    form = IepForm(request.POST or None, request.FILES or None, instance=iep)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_iep(form.instance, user=request.user, document=form.cleaned_data["document"])
        except services.PlanError as error:
            form.add_error("document", str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect("plans:iep", child_id=child.pk, iep_id=iep.pk)
    if request.method == "POST":
        form.instance.refresh_from_db()
        return _page(request, "plans/iep_form.html", child, {"form": form, "iep": form.instance}, status=INVALID)
    return _page(request, "plans/iep_form.html", child, {"form": form, "iep": iep})


@login_required
def iep_activate(request: HttpRequest, child_id: int, iep_id: int) -> HttpResponse:
    iep = iep_for(request.user, iep_id, need="edit", child_id=child_id)
    if not_allowed := _only_post(request):
        return not_allowed
    try:
        services.activate_iep(iep, user=request.user)
    except services.PlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("This IEP is now in effect. You can log against it."))
    return redirect("plans:iep", child_id=iep.child_id, iep_id=iep.pk)


@login_required
def iep_amend(request: HttpRequest, child_id: int, iep_id: int) -> HttpResponse:
    iep = iep_for(request.user, iep_id, need="edit", child_id=child_id)
    child = iep.child
    if iep.status != Iep.Status.ACTIVE:
        messages.error(request, _("Only an IEP that is in effect can be amended."))
        return redirect("plans:iep", child_id=child.pk, iep_id=iep.pk)
    form = AmendForm(request.POST or None, iep=iep)
    if request.method == "POST":
        if form.is_valid():
            amendment = services.amend_iep(
                iep, form.cleaned_data["effective_from"], request.user, form.cleaned_data["note"]
            )
            messages.success(request, _("The amended IEP is ready. Change its items to match the amendment."))
            return redirect("plans:iep", child_id=child.pk, iep_id=amendment.pk)
        return _page(request, "plans/iep_amend.html", child, {"form": form, "iep": iep}, status=INVALID)
    return _page(request, "plans/iep_amend.html", child, {"form": form, "iep": iep})


# --- Provisions -------------------------------------------------------------------------------


def _provision_page(
    request: HttpRequest, iep: Iep, form: ProvisionForm, provision: Provision | None = None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "iep": iep, "provision": provision}
    return _page(request, "plans/provision_form.html", iep.child, context, status=status)


@login_required
def provision_new(request: HttpRequest, child_id: int, iep_id: int) -> HttpResponse:
    iep = iep_for(request.user, iep_id, need="edit", child_id=child_id)
    if refused := _refuse_if_superseded(request, iep):
        return refused
    form = ProvisionForm(request.POST or None, instance=Provision(iep=iep))
    if request.method == "POST":
        if form.is_valid():
            provision = services.save_provision(form.instance, user=request.user)
            messages.success(request, _("“%(item)s” added.") % {"item": provision.label})
            if "add_another" in request.POST:
                return redirect("plans:provision_new", child_id=iep.child_id, iep_id=iep.pk)
            return redirect("plans:iep", child_id=iep.child_id, iep_id=iep.pk)
        return _provision_page(request, iep, form, status=INVALID)
    return _provision_page(request, iep, form)


@login_required
def provision_edit(request: HttpRequest, child_id: int, provision_id: int) -> HttpResponse:
    provision = provision_for(request.user, provision_id, need="edit", child_id=child_id)
    iep = provision.iep
    if refused := _refuse_if_superseded(request, iep):
        return refused
    form = ProvisionForm(request.POST or None, instance=provision)
    if request.method == "POST":
        if form.is_valid():
            services.save_provision(form.instance, user=request.user)
            messages.success(request, _("“%(item)s” saved.") % {"item": provision.label})
            return redirect("plans:iep", child_id=iep.child_id, iep_id=iep.pk)
        return _provision_page(request, iep, form, provision, status=INVALID)
    return _provision_page(request, iep, form, provision)


@login_required
def provision_move(request: HttpRequest, child_id: int, provision_id: int) -> HttpResponse:
    provision = provision_for(request.user, provision_id, need="edit", child_id=child_id)
    if not_allowed := _only_post(request):
        return not_allowed
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.move_provision(provision, offset, user=request.user)
    except services.PlanError as error:
        messages.error(request, str(error))
    url = redirect("plans:iep", child_id=provision.iep.child_id, iep_id=provision.iep_id).url
    return redirect(f"{url}#provision-{provision.pk}")


@login_required
def provision_delete(request: HttpRequest, child_id: int, provision_id: int) -> HttpResponse:
    provision = provision_for(request.user, provision_id, need="edit", child_id=child_id)
    iep = provision.iep
    if request.method == "POST":
        try:
            services.delete_provision(provision, user=request.user)
        except services.PlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("“%(item)s” removed.") % {"item": provision.label})
        return redirect("plans:iep", child_id=iep.child_id, iep_id=iep.pk)
    return _page(request, "plans/provision_delete.html", iep.child, {"provision": provision, "iep": iep})


# --- School calendar --------------------------------------------------------------------------


@login_required
def calendar_list(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id)
    _viewed(request, child)
    calendars = child.calendars.prefetch_related("non_school_days")
    return _page(request, "plans/calendar_list.html", child, {"calendars": calendars})


@login_required
def calendar_new(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    form = CalendarForm(request.POST or None, instance=SchoolCalendar(child=child))
    if request.method == "POST":
        if form.is_valid():
            calendar = services.save_calendar(form.instance, user=request.user)
            messages.success(request, _("School year saved. Now add holidays and breaks."))
            return redirect("plans:calendar", child_id=child.pk, calendar_id=calendar.pk)
        return _page(request, "plans/calendar_form.html", child, {"form": form}, status=INVALID)
    return _page(request, "plans/calendar_form.html", child, {"form": form})


def _calendar_page(
    request: HttpRequest, calendar: SchoolCalendar, day_off_form: NonSchoolDayForm | None = None, status: int = 200
) -> HttpResponse:
    child = calendar.child
    days = SchoolDays.load(child, calendar.first_day, calendar.last_day)
    months = school_days_by_month(calendar, days)
    days_off = list(calendar.non_school_days.all())
    holidays = [
        holiday
        for holiday in federal_holidays(calendar.first_day, calendar.last_day, calendar.regular_weekdays())
        if not any(off.start <= holiday.start <= off.end for off in days_off)
    ]
    context = {
        "calendar": calendar,
        "days_off": days_off,
        "holidays": holidays,
        "months": months,
        "school_days": sum(count for _, count in months),
        "form": day_off_form or NonSchoolDayForm(instance=NonSchoolDay(calendar=calendar)),
        "weekday_names": weekday_phrase(calendar.weekdays),
    }
    return _page(request, "plans/calendar_detail.html", child, context, status=status)


@login_required
def calendar_detail(request: HttpRequest, child_id: int, calendar_id: int) -> HttpResponse:
    calendar = calendar_for(request.user, calendar_id, child_id=child_id)
    _viewed(request, calendar.child)
    return _calendar_page(request, calendar)


@login_required
def calendar_edit(request: HttpRequest, child_id: int, calendar_id: int) -> HttpResponse:
    calendar = calendar_for(request.user, calendar_id, need="edit", child_id=child_id)
    form = CalendarForm(request.POST or None, instance=calendar)
    if request.method == "POST":
        if form.is_valid():
            services.save_calendar(form.instance, user=request.user)
            messages.success(request, _("Saved."))
            return redirect("plans:calendar", child_id=calendar.child_id, calendar_id=calendar.pk)
        calendar.refresh_from_db()
        return _page(request, "plans/calendar_form.html", calendar.child, {"form": form, "calendar": calendar}, INVALID)
    return _page(request, "plans/calendar_form.html", calendar.child, {"form": form, "calendar": calendar})


@login_required
def day_off_add(request: HttpRequest, child_id: int, calendar_id: int) -> HttpResponse:
    calendar = calendar_for(request.user, calendar_id, need="edit", child_id=child_id)
    if not_allowed := _only_post(request):
        return not_allowed
    form = NonSchoolDayForm(request.POST, instance=NonSchoolDay(calendar=calendar))
    if not form.is_valid():
        return _calendar_page(request, calendar, form, status=INVALID)
    day_off = services.add_non_school_day(form.instance, user=request.user)
    messages.success(request, _("“%(name)s” added.") % {"name": day_off.name})
    return redirect("plans:calendar", child_id=calendar.child_id, calendar_id=calendar.pk)


@login_required
def day_off_remove(request: HttpRequest, child_id: int, calendar_id: int) -> HttpResponse:
    """Remove one named non-school day; its id comes in the form (it has no page of its own)."""
    calendar = calendar_for(request.user, calendar_id, need="edit", child_id=child_id)
    if not_allowed := _only_post(request):
        return not_allowed
    day_off = get_object_or_404(calendar.non_school_days, pk=request.POST.get("day_off", "").strip() or 0)
    services.remove_non_school_day(day_off, user=request.user)
    messages.success(request, _("“%(name)s” removed.") % {"name": day_off.name})
    return redirect("plans:calendar", child_id=calendar.child_id, calendar_id=calendar.pk)


# --- Absences ---------------------------------------------------------------------------------


@login_required
def absence_list(request: HttpRequest, child_id: int) -> HttpResponse:
    """The child's absences, and (for editors) a form to add one."""
    child = child_for(request.user, child_id, need="edit" if request.method == "POST" else "view")
    form = AbsenceForm(request.POST or None, instance=Absence(child=child))
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data.get("until") not in (None, form.cleaned_data["date"]):
            added = services.add_absences(
                child.pk, form.school_days_absent(), form.cleaned_data["reason"], user=request.user
            )
            first, last = form.cleaned_data["date"], form.cleaned_data["until"]
            messages.success(
                request,
                ngettext(
                    "Absent %(first)s to %(last)s: %(count)d school day saved.",
                    "Absent %(first)s to %(last)s: %(count)d school days saved.",
                    len(added),
                )
                % {"first": f"{first:%A, %B} {first.day}", "last": f"{last:%A, %B} {last.day}", "count": len(added)},
            )
            return redirect("plans:absences", child_id=child.pk)
        if form.is_valid():
            absence = services.add_absence(form.instance, user=request.user)
            messages.success(request, _("Absence on %(day)s saved.") % {"day": date_format(absence.date, "l, F j")})
            return redirect("plans:absences", child_id=child.pk)
        status = INVALID
    else:
        _viewed(request, child)
        status = 200
    absences = child.absences.all()
    return _page(request, "plans/absences.html", child, {"absences": absences, "form": form}, status=status)


@login_required
def absence_remove(request: HttpRequest, child_id: int, absence_id: int) -> HttpResponse:
    absence = absence_for(request.user, absence_id, need="edit", child_id=child_id)
    if not_allowed := _only_post(request):
        return not_allowed
    services.remove_absence(absence, user=request.user)
    messages.success(request, _("Absence on %(day)s removed.") % {"day": date_format(absence.date, "l, F j")})
    return redirect("plans:absences", child_id=absence.child_id)
