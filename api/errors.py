"""Every error the API answers, as one JSON shape: ``{"errors": {field: [message, ...]}}``.

Messages that concern no one field are under ``"__all__"``. Each operation declares these answers in
the OpenAPI schema (``answers(...)``), so a client knows every status it may get, and Schemathesis
checks each answer against its declaration (tests/test_api_schema.py).
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as RequestInvalid
from pydantic import ValidationInfo, field_validator

from iepright.textclean import validate_sane_date, validate_text

ALL = "__all__"


class ErrorsOut(Schema):
    """What went wrong, by field; ``__all__`` for the request as a whole."""

    errors: dict[str, list[str]]


# Statuses every operation may answer besides its own success: a malformed body (400), no or a bad
# sign-in (401), a read-only token or failed CSRF check (403), nothing of yours there (404), a method
# the path does not take (405), input the rules refuse (422).
ERROR_STATUSES = (400, 401, 403, 404, 405, 422)


def answers(ok: Any, *, status: int = 200, **extra: Any) -> dict[int, Any]:
    """The responses of an operation: ``ok`` under ``status``, and every error as ``ErrorsOut``."""
    return {status: ok, **dict.fromkeys(ERROR_STATUSES, ErrorsOut), **{int(k[1:]): v for k, v in extra.items()}}


MULTILINE_FIELDS = frozenset({"note", "body"})


class CheckedText(Schema):
    """Input whose text and date fields go through the one validation path of forms and API
    (``iepright.textclean``: no NUL, lone surrogates or control characters; line breaks only in
    notes; dates between 1990 and 2100). A refusal is a 422 on the field, like any other. A phone's
    tap time (a datetime) is left to the service, which keeps a save whatever the phone's clock says."""

    @field_validator("*", mode="after")
    @classmethod
    def _checked(cls, value: Any, info: ValidationInfo) -> Any:
        for item in value if isinstance(value, list) else [value]:
            try:
                if isinstance(item, str):
                    validate_text(item, multiline=info.field_name in MULTILINE_FIELDS)
                elif isinstance(item, date) and not isinstance(item, datetime):
                    validate_sane_date(item)
            except ValidationError as refused:
                raise ValueError(refused.messages[0]) from None
        return value


def body(messages: list[str] | str, field: str = ALL) -> dict[str, Any]:
    return {"errors": {field: [messages] if isinstance(messages, str) else messages}}


def errors_body(error: ValidationError) -> dict[str, Any]:
    """A service's refusal as the API's 422 body."""
    if hasattr(error, "error_dict"):
        return {"errors": {name: [str(m) for m in msgs] for name, msgs in error.message_dict.items()}}
    return body([str(m) for m in error.messages])


def range_too_long(days: int) -> str:
    """The refusal of a date range whose end is before its start or more than ``days`` after it."""
    return _("Choose an end on or after the start, at most %(days)d days.") % {"days": days}


def _field_of(location: list[Any]) -> str:
    """``["body", "payload", "date"]`` -> ``"date"``; ``["path", "day"]`` -> ``"day"``."""
    parts = [str(part) for part in location[1:] if part != "payload"] or [str(p) for p in location]
    return ".".join(parts) or ALL


def request_errors_body(error: RequestInvalid) -> dict[str, Any]:
    """Ninja's refusal of a request's shape (a missing field, a bad date) in the same form."""
    found: dict[str, list[str]] = {}
    for item in error.errors:
        found.setdefault(_field_of(list(item.get("loc", []))), []).append(str(item.get("msg", _("Invalid value."))))
    return {"errors": found or {ALL: [_("The request is not valid.")]}}


def install(api: NinjaAPI) -> None:
    """Answer every error of ``api`` as ``ErrorsOut``."""

    @api.exception_handler(ValidationError)
    def refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
        """A service refused the input: nothing was saved (its transaction rolled back)."""
        return api.create_response(request, errors_body(error), status=422)

    @api.exception_handler(RequestInvalid)
    def malformed(request: HttpRequest, error: RequestInvalid) -> HttpResponse:
        return api.create_response(request, request_errors_body(error), status=422)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return api.create_response(request, body(_("Not found.")), status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        return api.create_response(request, body(str(error)), status=error.status_code)


def json_not_allowed(view: Any) -> Any:
    """Wrap an API URL's view so a method the path does not take answers 405 as ``ErrorsOut`` JSON
    (Ninja answers it in plain text), keeping the ``Allow`` header."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            response = HttpResponse(
                json.dumps(body(_("This address does not take that method."))),
                status=405,
                content_type="application/json",
            )
            if allowed:
                response["Allow"] = allowed
        return response

    return wrapped
