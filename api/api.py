"""The JSON API (Django Ninja): the offline queue and future native apps use it.

Session authentication with CSRF, like the pages; every endpoint goes through the access layer.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import SessionAuth

from api.logbook import conflict_body, errors_body
from api.logbook import router as logbook_router
from logbook.services import EditConflict

api = NinjaAPI(title="IEP Right API", version="1", auth=SessionAuth(), urls_namespace="api")
api.add_router("/", logbook_router)


@api.exception_handler(ValidationError)
def refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A service refused the input: 422 with its messages by field; nothing was saved (the service's
    transaction rolled back)."""
    return api.create_response(request, errors_body(error), status=422)


@api.exception_handler(EditConflict)
def conflicted(request: HttpRequest, conflict: EditConflict) -> HttpResponse:
    """The save was made from an older version of the entry: 409 with both versions; nothing saved."""
    return api.create_response(request, conflict_body(conflict), status=409)
