"""Small helpers shared by the communications and advocacy pages (advocacy sits above this app)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plans.access import may
from plans.models import Child

INVALID = 422  # an invalid form is answered with this status, the form and its messages


def can_edit(user: Any, child: Child) -> bool:
    return may(user, child, "edit")


def child_page(
    request: HttpRequest, template: str, child: Child, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render one of the child's pages with ``child`` and ``can_edit`` in the context."""
    context = {"child": child, "can_edit": can_edit(request.user, child), **context}
    return render(request, template, context, status=status)


def add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where the form has it, else on top."""
    for name, items in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(name if name in form.fields else None, items)
