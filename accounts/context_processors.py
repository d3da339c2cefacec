from __future__ import annotations

from django.http import HttpRequest

from accounts.access import households_for, pick_current


def current_household(request: HttpRequest) -> dict[str, object]:
    """The households the signed-in person belongs to, and the one chosen in the session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    households = list(households_for(user).order_by("pk"))
    return {"my_households": households, "current_household": pick_current(households, request.session)}
