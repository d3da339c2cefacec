"""The account page for personal access tokens: make one (shown once), see when each was last used,
revoke one. A token is the person's own: it reaches what they may reach, no more."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.models import AccessToken
from plans.access import MAX_ID

INVALID = 422


def _page(request: HttpRequest, form: TokenForm, new_token: str = "", status: int = 200) -> HttpResponse:
    tokens = AccessToken.objects.filter(user_id=int(request.user.pk or 0))
    response = render(
        request, "api/tokens.html", {"form": form, "tokens": tokens, "new_token": new_token}, status=status
    )
    response["Cache-Control"] = "private, no-store"  # the page may show a new token
    return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=INVALID)
    _token, raw = AccessToken.issue(request.user, form.cleaned_data["name"].strip(), form.cleaned_data["scope"])
    return _page(request, TokenForm(), new_token=raw)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if token_id > MAX_ID:
        raise Http404("No such token.")
    token = get_object_or_404(AccessToken.objects.active(), pk=token_id, user_id=int(request.user.pk or 0))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api_tokens:list")
