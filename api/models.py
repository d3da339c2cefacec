"""Personal access tokens: how a native app or a script signs in to the API.

A person creates a token on their account page, sees it once, and can revoke it. Only a SHA-256 of
the token is kept (a token is 32 random bytes, so a fast hash is enough: nothing to guess), with a
short prefix to tell tokens apart on the page. A token is scoped "read" (GET only) or "write".
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "iepr_"


class Scope(models.TextChoices):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class AccessTokenQuerySet(models.QuerySet["AccessToken"]):
    def active(self) -> AccessTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class AccessToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    scope = models.CharField(_("access"), max_length=5, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(max_length=16)  # the first characters, shown to tell tokens apart
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = AccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: object, name: str, scope: str) -> tuple[AccessToken, str]:
        """A new token for ``user``: the row and the token itself, which is shown once and never kept."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, scope=scope, prefix=raw[: len(TOKEN_PREFIX) + 6], token_hash=hash_token(raw)
        )
        return token, raw

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE
