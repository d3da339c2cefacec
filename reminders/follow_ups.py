"""Follow-ups with the school, as plain values for reminders and the calendar feed.

``overdue_follow_ups(child, today)`` and ``follow_ups_due(child)`` read the correspondence app (which
reminders sits above) and give ``FollowUp`` values, so reminders and the feed stand on nothing else of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from correspondence import services
from correspondence.models import Communication


@dataclass(frozen=True)
class FollowUp:
    id: int
    title: str
    due: date


def overdue_follow_ups(child: Any, today: date) -> list[FollowUp]:
    """Communications whose follow-up date passed with no reply recorded and not settled."""
    waiting = services.overdue_follow_ups(child, today)
    return [FollowUp(c.pk, str(c.title), c.follow_up_due) for c in waiting if c.follow_up_due is not None]


def follow_ups_due(child: Any) -> list[FollowUp]:
    """Every open follow-up date of the child (for the calendar feed)."""
    rows = (
        Communication.objects.current()
        .filter(child=child, follow_up_due__isnull=False, follow_up_closed=False)
        .order_by("follow_up_due", "pk")
    )
    return [FollowUp(c.pk, str(c.title), c.follow_up_due) for c in rows if c.follow_up_due is not None]
