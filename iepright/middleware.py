"""Project-wide middleware."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

SAME_FOR_EVERYONE = "same_for_everyone"


def same_for_everyone(response: HttpResponse) -> HttpResponse:
    """Mark an answer that holds nothing personal (the service worker script): it keeps its own
    Cache-Control, so browsers can revalidate it (304) instead of fetching it whole every time."""
    setattr(response, SAME_FOR_EVERYONE, True)
    return response


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every page of a signed-in person and every API answer.

    A child's records must not stay in a shared proxy's cache, nor in the browser's cache where the
    back button would show them after signing out on a shared computer. Answers marked with
    ``same_for_everyone`` are left as they are.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(response, SAME_FOR_EVERYONE, False):
            return response
        if (user is not None and user.is_authenticated) or request.path.startswith("/api/"):
            patch_cache_control(response, private=True, no_store=True)  # drops "public" if set
        return response
