"""How to reach whoever runs this server about a vulnerability: /.well-known/security.txt (RFC 9116).

The file exists only when the operator set ``SECURITY_CONTACT`` (404 otherwise: a contact that reaches
nobody is worse than none). ``Expires`` is always a year ahead, so the file never goes stale while the
setting stays. The policy it points to is, unless the operator names their own, this install's copy of
the project's SECURITY.md.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from functools import cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from iepright.middleware import same_for_everyone

EXPIRES_AFTER = timedelta(days=365)
TEXT = "text/plain; charset=utf-8"


def security_txt_lines(contact: str, policy: str, site_url: str) -> list[str]:
    """The fields of security.txt, ``Expires`` a year from now in UTC."""
    expires = (timezone.now() + EXPIRES_AFTER).astimezone(UTC).replace(microsecond=0)
    return [
        f"Contact: {contact}",
        f"Expires: {expires:%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: en",
        f"Policy: {policy}",
        f"Canonical: {site_url.rstrip('/')}/.well-known/security.txt",
    ]


@require_GET
def security_txt(request: HttpRequest) -> HttpResponse:
    if not settings.SECURITY_CONTACT:
        raise Http404("No security contact is configured.")
    lines = security_txt_lines(settings.SECURITY_CONTACT, settings.SECURITY_POLICY_URL, settings.SITE_URL)
    return same_for_everyone(HttpResponse("\n".join(lines) + "\n", content_type=TEXT))


@cache
def _policy_text() -> str:
    return (settings.BASE_DIR / "SECURITY.md").read_text(encoding="utf-8")


@require_GET
def security_policy(request: HttpRequest) -> HttpResponse:
    """The project's vulnerability policy (SECURITY.md) as plain text, for security.txt's ``Policy``."""
    return same_for_everyone(HttpResponse(_policy_text(), content_type=TEXT))
