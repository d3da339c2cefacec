"""Views of the reports app: parse input, call a service, render.

Everything here reads a child's records, so every view goes through the access layer
(``plans.access.child_for``, ``accounts.access.household_for``) and logs the export.
"""

from __future__ import annotations

import tempfile
from datetime import date

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import CURRENT_HOUSEHOLD, household_for, log_access
from accounts.models import Role
from plans.access import child_for
from plans.models import Child
from reports import erase, exports, household, services, storage
from reports.forms import ReportForm
from reports.models import GeneratedReport
from reports.render import RenderError, in_plain_words


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "child"


def _download(request: HttpRequest, child: Child, content: bytes, content_type: str, name: str) -> HttpResponse:
    """An export of ``child``'s records as a file download, written to the access log."""
    log_access(request.user, child.household, "export", child.pk, request.path)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def entries_csv(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, "view")
    name = f"{_slug(child.name)}-log-{date.today().isoformat()}.csv"
    return _download(request, child, exports.entries_csv(child).encode("utf-8"), "text/csv; charset=utf-8", name)


@login_required
@require_GET
def iep_dates_ics(request: HttpRequest, child_id: int) -> HttpResponse:
    child = child_for(request.user, child_id, "view")
    name = f"{_slug(child.name)}-iep-dates.ics"
    return _download(request, child, exports.iep_dates_ics(child), "text/calendar; charset=utf-8", name)


@login_required
@require_GET
def household_export(request: HttpRequest, household_id: int) -> HttpResponseBase:
    """The whole household as one archive: the owner's copy and backup (docs/export-format.md)."""
    home = household_for(request.user, household_id, "own")
    log_access(request.user, home, "export", None, request.path)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    household.export_household(home, spool)
    spool.seek(0)
    name = f"iepright-{_slug(home.name)}-{date.today().isoformat()}.zip"
    return FileResponse(spool, as_attachment=True, filename=name, content_type="application/zip")


@login_required
@require_http_methods(["GET", "POST"])
def child_delete(request: HttpRequest, child_id: int) -> HttpResponse:
    """The owner deletes a child and all their records, after typing the child's name to confirm."""
    child = child_for(request.user, child_id, "own")
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip().casefold() == child.name.strip().casefold():
            name, home = child.name, child.household
            erase.erase_child(child, request.user)
            log_access(request.user, home, "delete", child_id, request.path)
            messages.success(request, _("%(name)s and all their records are deleted.") % {"name": name})
            return redirect("accounts:home")
        error = _("Type %(name)s exactly as shown to confirm. Nothing was deleted.") % {"name": child.name}
    status = 422 if error else 200
    return render(request, "reports/child_delete.html", {"child": child, "error": error}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def household_delete(request: HttpRequest, household_id: int) -> HttpResponse:
    """The owner deletes the whole household, every child's records and files, after typing its name."""
    home = household_for(request.user, household_id, need="own")
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip().casefold() == home.name.strip().casefold():
            name = home.name
            erase.erase_household(home, request.user)
            request.session.pop(CURRENT_HOUSEHOLD, None)
            messages.success(request, _("%(name)s and all its records are deleted.") % {"name": name})
            return redirect("accounts:home")
        error = _("Type %(name)s exactly as shown to confirm. Nothing was deleted.") % {"name": home.name}
    context = {"household": home, "children": list(home.children.all()), "error": error}  # type: ignore[attr-defined]
    return render(request, "reports/household_delete.html", context, status=422 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """A person deletes their account (and the households they own alone), after giving their password."""
    user = request.user
    blocking = erase.households_blocking_deletion(user)  # type: ignore[arg-type]
    owned_alone = [
        membership.household
        for membership in user.memberships.select_related("household").filter(role=Role.OWNER)  # type: ignore[union-attr]
        if membership.household not in blocking
    ]
    error = ""
    if request.method == "POST" and not blocking:
        if user.check_password(request.POST.get("password", "")):
            try:
                erase.delete_account(user)  # type: ignore[arg-type]
            except erase.AccountInUse as refusal:  # someone joined a moment ago
                error = str(refusal)
            else:
                logout(request)
                messages.success(request, _("Your account and the records of the households you owned are deleted."))
                return redirect("account_login")
        else:
            error = _("That is not your password. Nothing was deleted.")
    status = 422 if error or (request.method == "POST" and blocking) else 200
    context = {"blocking": blocking, "owned_alone": owned_alone, "error": error}
    return render(request, "reports/account_delete.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest, child_id: int) -> HttpResponse:
    """The reports page: a form to make a report, and every report made before."""
    child = child_for(request.user, child_id, "view")
    if request.method == "POST":
        form = ReportForm(child, request.POST)
        report = None
        if form.is_valid():
            try:
                report = services.generate_report(child, user=request.user, **form.report_options())
            except services.ReportNotMade as refused:
                form.add_error(None, str(refused))
            except RenderError as failed:
                form.add_error(None, in_plain_words(failed))
        if report is not None:
            log_access(request.user, child.household, "export", child.pk, request.path)
            ready = ngettext(
                "Your %(kind)s is ready (%(pages)d page). It is listed below.",
                "Your %(kind)s is ready (%(pages)d pages). It is listed below.",
                report.pages,
            )
            messages.success(request, ready % {"kind": report.get_kind_display().lower(), "pages": report.pages})
            return redirect(reverse("reports:report_list", args=[child.pk]) + f"#report-{report.pk}")
        status = 422
    else:
        form = ReportForm(child)
        status = 200
    context = {
        "child": child,
        "form": form,
        "reports": GeneratedReport.objects.filter(child=child).select_related("generated_by"),
        "issued": GeneratedReport.objects.filter(child__household=child.household)
        .exclude(bates_first="")
        .select_related("child")
        .order_by("generated_at", "pk"),
    }
    return render(request, "reports/report_list.html", context, status=status)


@login_required
@require_GET
def report_download(request: HttpRequest, child_id: int, report_id: int) -> HttpResponseBase:
    """A report exactly as it was generated, byte for byte."""
    child = child_for(request.user, child_id, "view")
    report = GeneratedReport.objects.filter(child=child, pk=report_id).first()
    if report is None:
        raise Http404("No such report.")
    try:
        handle = storage.report_path(report.sha256).open("rb")
    except FileNotFoundError:
        raise Http404("The stored file of this report is missing.") from None
    log_access(request.user, child.household, "export", child.pk, request.path)
    return FileResponse(handle, as_attachment=True, filename=report.file_name, content_type="application/pdf")
