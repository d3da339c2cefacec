"""The JSON API, version 1 (Django Ninja), under ``/api/v1/``; its schema is ``/api/v1/openapi.json``.

The web app calls it with its session (and CSRF token); native apps and scripts with a personal
access token (``Authorization: Bearer ...``, api/auth.py). Every endpoint goes through the access
layer; every error is ``{"errors": {...}}`` and declared (api/errors.py). No docs page: its script
would come from a CDN, which the Content-Security-Policy refuses; read the schema instead.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from api import errors
from api.auth import AUTH
from api.logbook import conflict_body
from api.logbook import router as logbook_router
from api.plans import router as plans_router
from api.records import router as records_router
from logbook.services import EditConflict

api = NinjaAPI(
    title="IEP Right API",
    version="1",
    description='A parent\'s record of whether the school follows the IEP. Errors: {"errors": {field: [message]}}.',
    auth=AUTH,
    urls_namespace="api",
    docs_url=None,
)
errors.install(api)
api.add_router("/", plans_router)
api.add_router("/", logbook_router)
api.add_router("/", records_router)


@api.exception_handler(EditConflict)
def conflicted(request: HttpRequest, conflict: EditConflict) -> HttpResponse:
    """The save was made from an older version of the entry: 409 with both versions; nothing saved."""
    return api.create_response(request, conflict_body(conflict), status=409)


def urls() -> tuple[list[Any], str, str]:
    """``api.urls`` with every view answering 405 as JSON."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = errors.json_not_allowed(pattern.callback)
    return [*patterns, re_path(r"^[\s\S]*$", nothing_here, name="not_found")], app_name, namespace


@csrf_exempt  # it changes nothing; a POST must get the same JSON 404, not the CSRF page
def nothing_here(request: HttpRequest) -> JsonResponse:
    """Any other address under /api/v1/ (e.g. ``children/abc``): 404 as JSON, like the rest."""
    return JsonResponse(errors.body(_("Not found.")), status=404)
