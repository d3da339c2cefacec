"""What every API read does besides answering: an access-log row, like the pages write."""

from __future__ import annotations

from django.http import HttpRequest

from accounts.access import log_access
from plans.models import Child


def viewed(request: HttpRequest, child: Child, action: str = "api") -> Child:
    """Record that the caller read ``child``'s records through the API; returns the child."""
    log_access(request.user, child.household, action, child_id=child.pk, path=request.get_full_path())
    return child
