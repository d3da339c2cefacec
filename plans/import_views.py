"""The IEP import pages: upload the PDF (or paste its text), review what was found, save in one step.

The upload is stored at once as an evidence attachment (ledger record) and read by
``plans.iep_import.extract``; what was found waits in the session for the review page, which
saves the IEP's dates, its document and the kept items in one transaction (``plans.importing``).
A new IEP is saved as a draft, like one typed in: the parent checks it and puts it in effect.
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
from plans import importing, services
from plans.access import child_for, iep_for
from plans.iep_import import DocumentError, candidates_from_paste, extract
from plans.import_forms import CandidateFormSet, ImportIepForm, ImportStartForm, candidate_initial
from plans.models import Child, Iep
from plans.views import INVALID, _page, _refuse_if_superseded

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
