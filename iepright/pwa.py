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
from django.views.decorators.http import require_GET

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
def _worker_source() -> str:
    root = settings.BASE_DIR / "static"
    digest = hashlib.sha256()
    for name in [*SHELL_FILES, WORKER]:
        digest.update((root / name).read_bytes())
    config = {"version": digest.hexdigest()[:16], "shell": [static(name) for name in SHELL_FILES]}
    return f"self.IEPR_CONFIG = {json.dumps(config)};\n" + (root / WORKER).read_text()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_worker_source(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker on each visit
    return response
