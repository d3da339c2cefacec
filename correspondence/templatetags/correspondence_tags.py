"""``{% follow_up_reminder child %}``: overdue follow-ups (no reply by the date), for the child's overview."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from correspondence.services import overdue_follow_ups
from plans.models import Child

register = template.Library()


@register.inclusion_tag("correspondence/_follow_ups.html")
def follow_up_reminder(child: Child) -> dict[str, Any]:
    return {"child": child, "overdue": overdue_follow_ups(child, timezone.localdate())}
