"""The hook to follow-ups with the school (the correspondence app, built in parallel).

``overdue_follow_ups(child, today)`` and ``follow_ups_due(child)`` read the correspondence app when it
is installed (``correspondence.services.overdue_follow_ups`` and ``Communication.follow_up_due``) and
give plain ``FollowUp`` values, so reminders and the calendar feed stand on nothing else of it. Without
that app both return [] and the rest works unchanged.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps

APP = "correspondence"


@dataclass(frozen=True)
class FollowUp:
    id: int
    title: str
    due: date


def _installed() -> bool:
    return apps.is_installed(APP)


def _service() -> Any:
    return importlib.import_module(f"{APP}.services")


def overdue_follow_ups(child: Any, today: date) -> list[FollowUp]:
    """Communications whose follow-up date passed with no reply recorded and not settled."""
    if not _installed():
        return []
    return [FollowUp(c.pk, str(c.title), c.follow_up_due) for c in _service().overdue_follow_ups(child, today)]


def follow_ups_due(child: Any) -> list[FollowUp]:
    """Every open follow-up date of the child (for the calendar feed)."""
    if not _installed():
        return []
    communication = apps.get_model(APP, "Communication")
    rows = communication.objects.filter(
        child=child, follow_up_due__isnull=False, follow_up_closed=False, retracted_at__isnull=True
    ).order_by("follow_up_due", "pk")
    return [FollowUp(c.pk, str(c.title), c.follow_up_due) for c in rows]
