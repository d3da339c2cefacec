"""The service worker, served from the site root so its scope is the whole app.

``static/js/sw.js`` is the worker; this view puts in front of it the list of the app shell's files
and a version made from their contents, so a changed file makes phones fetch a new worker and drop
the old cache. No inline script: the worker is a file of its own.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import etag, require_GET

from iepright.middleware import same_for_everyone

SHELL_FILES = [
    "css/app.css",
    "css/logbook.css",
    "js/logbook.js",
    "js/offline-queue.js",
    "js/pwa.js",
    "manifest.webmanifest",
    "icons/icon.svg",
    "icons/icon-192.png",
]
WORKER = "js/sw.js"


@cache
def _worker_source() -> tuple[str, str]:
    """The worker's text and its version."""
    root = settings.BASE_DIR / "static"
    digest = hashlib.sha256()
    for name in [*SHELL_FILES, WORKER]:
        digest.update((root / name).read_bytes())
    version = digest.hexdigest()[:16]
    config = {"version": version, "shell": [static(name) for name in SHELL_FILES]}
    return f"self.IEPR_CONFIG = {json.dumps(config)};\n" + (root / WORKER).read_text(), version


def _etag(request: HttpRequest) -> str:
    return _worker_source()[1]


@require_GET
@etag(_etag)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker; a browser checking for a new one gets 304 while nothing changed."""
    response = HttpResponse(_worker_source()[0], content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on each visit
    return same_for_everyone(response)
