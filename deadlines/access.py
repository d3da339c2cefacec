"""The access layer for deadline events: through the child's membership, or Http404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from deadlines.models import DeadlineEvent
from plans.access import children_for

if TYPE_CHECKING:
    from accounts.access import AnyUser


def event_for(
    user: AnyUser, event_id: int | str, need: str = "view", child_id: int | str | None = None
) -> DeadlineEvent:
    """The event ``event_id`` if ``user`` may ``need`` its child (and it is ``child_id``'s), else Http404."""
    try:
        filters = {"pk": int(event_id), "child__in": children_for(user, need)}
        if child_id is not None:
            filters["child_id"] = int(child_id)
        return DeadlineEvent.objects.select_related("child__household").get(**filters)
    except (DeadlineEvent.DoesNotExist, TypeError, ValueError):
        raise Http404("No such event.") from None
