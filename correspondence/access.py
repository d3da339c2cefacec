"""The access layer for communications: through the child's membership, or Http404."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from correspondence.models import Communication
from plans.access import children_for


def communication_for(
    user: Any, communication_id: int | str, need: str = "view", child_id: int | str | None = None
) -> Communication:
    try:
        filters: dict[str, Any] = {"pk": int(communication_id), "child__in": children_for(user, need)}
        if child_id is not None:
            filters["child_id"] = int(child_id)
        return Communication.objects.select_related("child__household").get(**filters)
    except (Communication.DoesNotExist, TypeError, ValueError):
        raise Http404("No such communication.") from None
