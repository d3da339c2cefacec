"""The service worker, served from the site root so its scope is the whole app, and the scripts' words.

``static/js/sw.js`` is the worker; this view puts in front of it the list of the app shell's files
(with the JavaScript catalog), the words of its offline page, and a version made from their
contents, so a changed file makes phones fetch a new worker and drop the old cache. No inline
script: the worker is a file of its own.

``javascript_catalog`` is Django's ``JavaScriptCatalog`` (``gettext``, ``ngettext``, ``interpolate``
for the scripts in static/js, domain ``djangojs``), marked as holding nothing personal and cached
for a day; the worker keeps it with the shell, so the scripts have their words offline too.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import etag, require_GET
from django.views.i18n import JavaScriptCatalog

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
    offline = {
        "lang": get_language() or settings.LANGUAGE_CODE,
        "title": _("No connection · IEP Right"),
        "heading": _("No connection"),
        "text": _(
            "This page was not saved on this phone. Open a child's Today page once while online, and it "
            "will open without a connection next time."
        ),
        "start": _("Go to the start page"),
    }
    digest = hashlib.sha256(json.dumps(offline, sort_keys=True).encode())
    for name in [*SHELL_FILES, WORKER]:
        digest.update((root / name).read_bytes())
    for compiled in sorted(settings.BASE_DIR.glob("*/locale/*/LC_MESSAGES/djangojs.mo")):
        digest.update(compiled.read_bytes())  # new words for the scripts: a new worker fetches them
    version = digest.hexdigest()[:16]
    shell = [static(name) for name in SHELL_FILES] + [reverse("javascript_catalog")]
    config = {"version": version, "shell": shell, "offline": offline}
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


_catalog = JavaScriptCatalog.as_view()


@require_GET
@gzip_page  # nothing secret in it, so compressing it gives BREACH nothing to find (docs/page-weight.md)
def javascript_catalog(request: HttpRequest) -> HttpResponse:
    """The scripts' words in the site's language; the same for everyone, so a browser keeps it a day."""
    response = _catalog(request)
    assert isinstance(response, HttpResponse)
    patch_cache_control(response, public=True, max_age=24 * 60 * 60)
    return same_for_everyone(response)
