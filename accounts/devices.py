"""Signed-in devices: each session's device, address and last activity (allauth's user sessions).

allauth records a session with its browser and IP address when someone signs in; the account's
"Signed-in devices" page lists them and signs the others out. Its own middleware would also write
the session's row on every request to keep "last active" current: a write, an fsync on SQLite, on
every page. ``SessionActivityMiddleware`` writes it at most every 10 minutes instead, keeping the time
of its last write in the session itself (read on every request anyway), so a request in between
costs no query. Sign-in counts as a write (allauth has just recorded the session).

``describe_device`` names the device in plain words ("Safari on iPhone"); the full User-Agent stays
in the database. The first match wins, so the more specific names come first (Edge and Opera also
say "Chrome", Chrome also says "Safari", an iPhone also says "Mac OS X", Android also says "Linux").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

LAST_SEEN_KEY = "_last_seen_written"  # session key: when this session's "last active" was last written
LAST_SEEN_EVERY = 10 * 60  # seconds


class SessionActivityMiddleware:
    """Keeps each signed-in session's "last active" and IP address current, writing at most every 10 minutes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get(LAST_SEEN_KEY, 0) >= LAST_SEEN_EVERY:
                from allauth.usersessions.internal.usersessionkit import track_activity

                track_activity(request, user=request.user, session=session)
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def signed_in_now(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    """On sign-in (Django's ``user_logged_in``): the session was just recorded, the next write is due in 10 minutes."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN_KEY] = int(time.time())


BROWSERS = [
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def _first(user_agent: str, names: list[tuple[str, str]]) -> str:
    return next((name for marker, name in names if marker in user_agent), "")


def describe_device(user_agent: str) -> str:
    """``"Firefox on Windows"``; what is known of the two, or "An unknown browser"."""
    browser, system = _first(user_agent, BROWSERS), _first(user_agent, SYSTEMS)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("An unknown browser")
