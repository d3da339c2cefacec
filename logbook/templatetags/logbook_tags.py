"""``{% logging_reminder child %}``: the banner of unlogged school days, for any child page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from logbook.days import reminder_for
from plans.models import Child

register = template.Library()


@register.inclusion_tag("logbook/_reminder.html")
def logging_reminder(child: Child) -> dict[str, Any]:
    """School days in the last 14 days (today left out) with something expected and not logged."""
    return {"child": child, "reminder": reminder_for(child, timezone.localdate())}
