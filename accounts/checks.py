"""Deployment checks (``manage.py check --deploy``) for what sign-in and reporting need on a real server."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, deploy=True)
def check_email_is_sent(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    backend = getattr(settings, "MAILERS", {}).get("default", {}).get("BACKEND", "")
    if backend.endswith(("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend")):
        return [
            Warning(
                "Emails (sign-up confirmation, password reset, invitations) are not sent.",
                hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to your SMTP server.",
                id="iepright.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            Warning(
                "Sign-in lockouts are counted in each worker's memory, so several workers allow more tries.",
                hint="Use the database cache (the default) or set REDIS_URL.",
                id="iepright.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_security_contact(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if not getattr(settings, "SECURITY_CONTACT", ""):
        return [
            Warning(
                "No one can be told privately about a security problem with this server.",
                hint=(
                    "Set SECURITY_CONTACT to an email address or an https:// page where you read reports; "
                    "it is then published at /.well-known/security.txt."
                ),
                id="iepright.W003",
            )
        ]
    return []
