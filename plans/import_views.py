"""The setup pages: the IEP from its PDF (or pasted text), the school calendar from the district.

IEP: upload the PDF (or paste its text), review what was found, save in one step.

The upload is stored at once as an evidence attachment (ledger record) and read by
``plans.iep_import.extract``; what was found waits in the session for the review page, which
saves the IEP's dates, its document and the kept items in one transaction (``plans.importing``).
A new IEP is saved as a draft, like one typed in: the parent checks it and puts it in effect.

Calendar: the district's .ics file proposes the school year and its days off, reviewed before
saving; the federal holidays are added in one tap; a sibling's school year is reused in one tap.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evidence.attachments import open_attachment
from evidence.models import Attachment
from plans import calendar_import as calendar_import_module
from plans import importing, services
from plans.access import calendar_for, child_for, children_for, iep_for
from plans.forms import apply_rule
from plans.iep_import import DocumentError, candidates_from_paste, extract
from plans.import_forms import (
    CalendarFileForm,
    CalendarReviewForm,
    CandidateFormSet,
    ImportIepForm,
    ImportStartForm,
    candidate_initial,
)
from plans.models import Child, Iep, SchoolCalendar
from plans.validation import validate_no_calendar_overlap
from plans.views import INVALID, _only_post, _page, _refuse_if_superseded

SESSION_KEY = "iep_import"


def _start(request: HttpRequest, child: Child, iep: Iep | None) -> HttpResponse:
    form = ImportStartForm(request.POST or None, request.FILES or None)
    context = {"form": form, "iep": iep}
    if request.method != "POST" or not form.is_valid():
        status = INVALID if request.method == "POST" else 200
        return _page(request, "plans/iep_import.html", child, context, status=status)
    found: dict[str, Any] = {"child": child.pk, "iep": iep.pk if iep else None, "document": None, "dates": {}}
    try:
        if form.cleaned_data["document"]:
            document = importing.store_import_document(child, form.cleaned_data["document"], request.user)
            with open_attachment(document) as handle:
                extraction = extract(handle.read())
            found.update(document=document.pk, dates=extraction.dates, candidates=extraction.candidates)
            found.update(scanned=extraction.scanned_pages, ocr=extraction.ocr_pages)
        else:
            found.update(candidates=candidates_from_paste(form.cleaned_data["text"], form.cleaned_data["kind"]))
    except (services.PlanError, DocumentError) as error:
        form.add_error("document", str(error))
        return _page(request, "plans/iep_import.html", child, context, status=INVALID)
    request.session[SESSION_KEY] = found
    return redirect("plans:iep_import_review", child_id=child.pk)


@login_required
def iep_import(request: HttpRequest, child_id: int) -> HttpResponse:
    """A new IEP from its PDF or pasted text."""
    child = child_for(request.user, child_id, need="edit")
    return _start(request, child, None)


@login_required
def iep_import_items(request: HttpRequest, child_id: int, iep_id: int) -> HttpResponse:
    """More items for an IEP that exists (a draft, or the current version), from a PDF or pasted text."""
    iep = iep_for(request.user, iep_id, need="edit", child_id=child_id)
    if refused := _refuse_if_superseded(request, iep):
        return refused
    return _start(request, iep.child, iep)


def _iep_initial(found: dict[str, Any]) -> dict[str, Any]:
    return {name: date.fromisoformat(value) for name, value in (found.get("dates") or {}).items()}


@login_required
def iep_import_review(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, need="edit")
    found = request.session.get(SESSION_KEY)
    if not found or found.get("child") != child.pk:
        messages.info(request, _("Start by choosing the IEP's PDF or pasting its text."))
        return redirect("plans:iep_import", child_id=child.pk)
    target = iep_for(request.user, found["iep"], need="edit", child_id=child.pk) if found.get("iep") else None
    initial = [candidate_initial(candidate) for candidate in found.get("candidates", [])]
    post = request.POST if request.method == "POST" else None
    formset = CandidateFormSet(post, initial=initial, prefix="item")
    iep_form = None if target else ImportIepForm(post, initial=_iep_initial(found), instance=Iep(child=child))
    context = {
        "formset": formset,
        "iep_form": iep_form,
        "target": target,
        "found": found,
        "needs_paste": len(found.get("scanned", [])) > len(found.get("ocr", [])),
    }
    if request.method != "POST":
        return _page(request, "plans/iep_import_review.html", child, context)
    valid = formset.is_valid() and (iep_form is None or iep_form.is_valid())
    items = [form.item() for form in formset.forms if form.kept] if valid else []
    if valid and not items:
        messages.error(request, _("Keep at least one item, or go back and choose another file."))
        valid = False
    if not valid:
        return _page(request, "plans/iep_import_review.html", child, context, status=INVALID)
    try:
        if target is None:
            assert iep_form is not None
            document = Attachment.objects.filter(pk=found.get("document") or 0, child_id=child.pk).first()
            iep, _provisions = importing.create_imported_iep(
                child, iep_form.instance, items, user=request.user, document=document
            )
        else:
            iep = target
            importing.add_imported_provisions(iep, items, user=request.user)
    except services.PlanError as error:
        messages.error(request, str(error))
        return _page(request, "plans/iep_import_review.html", child, context, status=INVALID)
    del request.session[SESSION_KEY]
    message = ngettext("%(count)d item added.", "%(count)d items added.", len(items)) % {"count": len(items)}
    if iep.status == Iep.Status.DRAFT:
        message += " " + _("Check them, then put the IEP in effect.")
    messages.success(request, message)
    return redirect("plans:iep", child_id=child.pk, iep_id=iep.pk)


# --- The school calendar ----------------------------------------------------------------------

CALENDAR_SESSION_KEY = "calendar_import"


@login_required
def calendar_import(request: HttpRequest, child_id: int) -> HttpResponse:
    """Upload the district's .ics calendar; what it proposes is reviewed on the next page."""
    child = child_for(request.user, child_id, need="edit")
    form = CalendarFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposed = calendar_import_module.read_ics(form.cleaned_data["ics"])
        except calendar_import_module.CalendarFileError as error:
            form.add_error("ics", str(error))
        else:
            request.session[CALENDAR_SESSION_KEY] = {
                "child": child.pk,
                "name": proposed.name,
                "first_day": proposed.first_day.isoformat() if proposed.first_day else "",
                "last_day": proposed.last_day.isoformat() if proposed.last_day else "",
                "days_off": [day.as_dict() for day in proposed.days_off],
            }
            return redirect("plans:calendar_import_review", child_id=child.pk)
    status = INVALID if request.method == "POST" else 200
    siblings = _sibling_calendars(request, child)
    return _page(request, "plans/calendar_import.html", child, {"form": form, "siblings": siblings}, status=status)


@login_required
def calendar_import_review(request: HttpRequest, child_id: int) -> HttpResponse:
    """The proposed school year: first and last day, and each day off kept (the default) or dropped."""
    child = child_for(request.user, child_id, need="edit")
    proposal = request.session.get(CALENDAR_SESSION_KEY)
    if not proposal or proposal.get("child") != child.pk:
        return redirect("plans:calendar_import", child_id=child.pk)
    days = [calendar_import_module.DayOff.from_dict(day) for day in proposal["days_off"]]
    initial = {name: proposal[name] for name in ("name", "first_day", "last_day") if proposal[name]}
    form = CalendarReviewForm(request.POST or None, initial=initial)
    kept = set(request.POST.getlist("day")) if request.method == "POST" else {str(i) for i in range(len(days))}
    context = {"form": form, "days": [(str(i), day, str(i) in kept) for i, day in enumerate(days)]}
    if request.method != "POST":
        return _page(request, "plans/calendar_import_review.html", child, context)
    if form.is_valid():
        calendar = SchoolCalendar(
            child=child,
            name=form.cleaned_data["name"],
            first_day=form.cleaned_data["first_day"],
            last_day=form.cleaned_data["last_day"],
        )
        others = SchoolCalendar.objects.filter(child=child)
        apply_rule(form, "first_day", validate_no_calendar_overlap, calendar.first_day, calendar.last_day, others)
    if not form.is_valid():
        return _page(request, "plans/calendar_import_review.html", child, context, status=INVALID)
    chosen = [day for index, day in enumerate(days) if str(index) in kept]
    calendar_import_module.save_imported_calendar(calendar, chosen, user=request.user)
    del request.session[CALENDAR_SESSION_KEY]
    count = calendar.non_school_days.count()
    messages.success(
        request,
        ngettext("School year saved with %(count)d day off.", "School year saved with %(count)d days off.", count)
        % {"count": count},
    )
    return redirect("plans:calendar", child_id=child.pk, calendar_id=calendar.pk)


@login_required
def calendar_holidays(request: HttpRequest, child_id: int, calendar_id: int) -> HttpResponse:
    """Add the US federal holidays of the school year that were ticked, in one tap."""
    calendar = calendar_for(request.user, calendar_id, need="edit", child_id=child_id)
    if not_allowed := _only_post(request):
        return not_allowed
    offered = calendar_import_module.federal_holidays(
        calendar.first_day, calendar.last_day, calendar.regular_weekdays()
    )
    chosen = set(request.POST.getlist("holiday"))
    created = calendar_import_module.add_days_off(
        calendar, [day for day in offered if day.start.isoformat() in chosen], user=request.user
    )
    count = len(created)
    messages.success(
        request, ngettext("%(count)d holiday added.", "%(count)d holidays added.", count) % {"count": count}
    )
    return redirect("plans:calendar", child_id=calendar.child_id, calendar_id=calendar.pk)


def _sibling_calendars(request: HttpRequest, child: Child) -> list[SchoolCalendar]:
    """School years of the child's brothers and sisters that this person may see."""
    siblings = children_for(request.user, "view").filter(household_id=child.household_id).exclude(pk=child.pk)
    return list(SchoolCalendar.objects.filter(child__in=siblings).select_related("child").order_by("-first_day"))


@login_required
def calendar_copy(request: HttpRequest, child_id: int) -> HttpResponse:
    """Reuse a sibling's school year (same school): its dates and days off, in one tap."""
    child = child_for(request.user, child_id, need="edit")
    if not_allowed := _only_post(request):
        return not_allowed
    source = calendar_for(request.user, request.POST.get("calendar", "").strip() or 0, need="view")
    try:
        calendar = calendar_import_module.copy_calendar(source, child, user=request.user)
    except services.PlanError as error:
        messages.error(request, str(error))
        return redirect("plans:calendar_import", child_id=child.pk)
    messages.success(request, _("%(name)s's school year is copied.") % {"name": source.child.name})
    return redirect("plans:calendar", child_id=child.pk, calendar_id=calendar.pk)
