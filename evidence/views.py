"""Views of the evidence app: parse input, call a service, render.

Views sit above every app, so they (and only they, in this app) reach the child through
``plans.access.child_for``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from accounts.access import log_access
from evidence.attachments import is_image, open_attachment
from evidence.export import ledger_export
from evidence.models import Attachment
from evidence.verify import database_problem, verify_child
from plans.access import child_for


@login_required
@require_GET
def attachment(request: HttpRequest, child_id: int, attachment_id: int) -> FileResponse:
    """Serve one stored file to a member of the child's household (404 for anyone else)."""
    child = child_for(request.user, child_id, need="view")
    att = Attachment.objects.filter(pk=attachment_id, child=child).first()
    if att is None:
        raise Http404("No such file.")
    try:
        handle = open_attachment(att)
    except FileNotFoundError:
        raise Http404("The stored file is missing.") from None
    response = FileResponse(
        handle, content_type=att.content_type, as_attachment=not is_image(att), filename=att.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    # A served file never runs anything, even if a browser were to render it.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    log_access(request.user, child.household, "attachment", child_id=child.pk, path=request.path)
    return response


@login_required
@require_GET
def verify(request: HttpRequest, child_id: int) -> HttpResponse:
    """Recompute the child's chain and show the result in plain words."""
    child = child_for(request.user, child_id, need="view")
    report = verify_child(child.pk)
    log_access(request.user, child.household, "verify", child_id=child.pk, path=request.path)
    head_groups = [report.head_hash[i : i + 8] for i in range(0, len(report.head_hash), 8)]
    context = {"child": child, "report": report, "protection": database_problem(), "head_groups": head_groups}
    return render(request, "evidence/verify.html", context)


@login_required
@require_GET
def export(request: HttpRequest, child_id: int) -> JsonResponse:
    """The child's whole chain as a JSON file that tools/verify_ledger_export.py can check."""
    child = child_for(request.user, child_id, need="view")
    response = JsonResponse(ledger_export(child.pk), json_dumps_params={"ensure_ascii": False})
    filename = f"{slugify(child.name) or 'child'}-records.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    log_access(request.user, child.household, "export", child_id=child.pk, path=request.path)
    return response
