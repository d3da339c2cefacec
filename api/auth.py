"""Who is calling the API: the web app's session (with CSRF), or a personal access token.

A token goes in ``Authorization: Bearer iepr_...``. A read token may only read (GET); any write with
it answers 403. Each use stamps the token's last-used time (at most once a minute, to spare writes).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from api.models import AccessToken, hash_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
STAMP_EVERY = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """A personal access token (api.models.AccessToken)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            AccessToken.objects.active()
            .select_related("user")
            .filter(token_hash=hash_token(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise AuthorizationError(message=_("This token may only read. Make a token with write access."))
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > STAMP_EVERY:
            AccessToken.objects.filter(pk=found.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - STAMP_EVERY)
            ).update(last_used_at=now)
        request.user = found.user
        return found.user


AUTH = [TokenAuth(), SessionAuth()]
