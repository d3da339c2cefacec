"""Views of the insights app: parse input, call a service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import log_access
from accounts.compression import compress_page
from insights import services
from insights.forms import InsightsFilterForm
from insights.method import DISCLAIMER, METHOD_VERSION, method_sections
from plans.access import child_for


@login_required
@compress_page
def dashboard(request: HttpRequest, child_id: int) -> HttpResponse:
    """The child's insights: delivery rate, provisions, service minutes, patterns and charts."""
    child = child_for(request.user, child_id, need="view")
    form = InsightsFilterForm(request.GET or None, provision_choices=services.provision_choices(child))
    context: dict[str, object] = {
        "child": child,
        "form": form,
        "disclaimer": _(DISCLAIMER),
        "method_sections": method_sections(),
        "method_version": METHOD_VERSION,
    }
    if request.GET and not form.is_valid():
        return render(request, "insights/dashboard.html", context, status=422)
    data = form.cleaned_data if request.GET else {}
    dates = services.resolve_range(
        child, data.get("range") or "year", timezone.localdate(), data.get("from"), data.get("to")
    )
    context["dates"] = dates
    context["board"] = services.dashboard(child, dates.start, dates.end, form.provision_ids() if request.GET else None)
    log_access(request.user, child.household, "view", child.pk, request.get_full_path())
    return render(request, "insights/dashboard.html", context)
