"""The public report check page: no account needed (``reports.public_check`` says what it reveals)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from reports import public_check


def _client(request: HttpRequest) -> str:
    """The visitor's address as allauth reads it (ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy)."""
    return str(get_adapter(request).get_client_ip(request) or "unknown")


@require_http_methods(["GET", "POST"])
def verify_report(request: HttpRequest) -> HttpResponse:
    """Upload a report PDF or paste its head hash; learn whether this server issued it."""
    context: dict[str, object] = {"limit": public_check.CHECKS_PER_WINDOW, "typed": ""}
    if request.method != "POST":
        return render(request, "reports/verify_report.html", context)
    if not public_check.allowed(_client(request)):
        context["error"] = _("Too many checks from here. Please wait ten minutes and try again.")
        return render(request, "reports/verify_report.html", context, status=429)
    upload = request.FILES.get("report")
    typed = request.POST.get("head", "")
    context["typed"] = typed[:200]
    if upload is not None:
        if upload.size is not None and upload.size > public_check.MAX_PDF_BYTES:
            context["error"] = _("This file is larger than any report this server makes.")
            return render(request, "reports/verify_report.html", context, status=422)
        answer = public_check.check_file(public_check.file_digest(upload.chunks()))
    elif typed.strip():
        head = public_check.clean_hash(typed)
        if head is None:
            context["error"] = _(
                "That is not a head hash: it has 64 letters a to f and digits 0 to 9 (spaces do not matter)."
            )
            return render(request, "reports/verify_report.html", context, status=422)
        answer = public_check.check_head(head)
    else:
        context["error"] = _("Choose a report PDF, or paste the head hash printed on its cover.")
        return render(request, "reports/verify_report.html", context, status=422)
    context["answer"] = answer
    return render(request, "reports/verify_report.html", context)
