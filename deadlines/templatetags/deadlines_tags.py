"""``{% child_deadlines child %}``: the overview card of a child's coming deadlines."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from deadlines.compute import PAST, UPCOMING
from deadlines.facts import deadlines_for
from plans.models import Child

register = template.Library()

SHOWN = 5


@register.inclusion_tag("deadlines/_overview.html")
def child_deadlines(child: Child) -> dict[str, Any]:
    deadlines = deadlines_for(child, timezone.localdate())
    upcoming = [d for d in deadlines if d.status == UPCOMING]
    without_date = [d for d in deadlines if d.status not in (UPCOMING, PAST)]
    return {
        "child": child,
        "upcoming": upcoming[:SHOWN],
        "more": max(len(upcoming) - SHOWN, 0),
        "without_date": without_date,
        "any": bool(deadlines),
    }
