"""Compressing HTML where BREACH cannot read a secret out of it (docs/page-weight.md).

BREACH guesses a secret in a compressed HTTPS response by planting text of its own in the same
response and watching the size change. It needs three things at once: compression, a secret that
stays the same from response to response, and text the attacker chooses reflected in the body.
The pages this decorator is put on have no such secret (Django masks the CSRF token afresh in every
response; the session cookie travels in a header, which gzip does not touch) and reflect only
values the server has already checked (dates, ids, choices). Only successful responses are
compressed: a 422 page re-renders what was typed, whatever it was. Django's GZipMiddleware also
pads each response with up to 100 random bytes ("Heal the Breach"), which makes any length
measurement cost many more requests.

Pages that show a lasting secret (calendar feed links, recovery codes, API tokens, sign-in forms)
are never decorated; the reverse proxy must not compress them either (docs/page-weight.md).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.decorators import decorator_from_middleware


class SafePageGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for successful HTML pages only."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)


#: Put on a view whose page holds no lasting secret and reflects only checked values.
compress_page = decorator_from_middleware(SafePageGZipMiddleware)
