"""How allauth fits our accounts: a new person's household, and where they land after signing in."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Invitation

PENDING_INVITATION = "pending_invitation"  # session key: the token of an invitation being accepted


def pending_invitation(request: HttpRequest) -> Invitation | None:
    """The open invitation this browser came through, if any."""
    token = request.session.get(PENDING_INVITATION) if hasattr(request, "session") else None
    if not token:
        return None
    invitation = Invitation.objects.filter(token=token).select_related("household").first()
    return invitation if invitation is not None and invitation.is_open else None


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Keep the name from the sign-up form; give a new person their own household.

        Someone who signs up through an invitation joins that household instead (they can still
        start their own later from the home page).
        """
        from accounts.services import create_household_for

        user = super().save_user(request, user, form, commit=False)
        user.display_name = form.cleaned_data.get("name", "").strip()
        if commit:
            user.save()
            if pending_invitation(request) is None:
                create_household_for(user)
        return user

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Back to the invitation this browser came through, if any; else the home page."""
        invitation = pending_invitation(request)
        if invitation is not None:
            return reverse("accounts:invitation", kwargs={"token": invitation.token})
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        invitation = pending_invitation(request)
        if invitation is not None:
            return reverse("accounts:invitation", kwargs={"token": invitation.token})
        return super().get_signup_redirect_url(request)
