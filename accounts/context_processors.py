from __future__ import annotations

from django.http import HttpRequest

from accounts.access import households_for


def current_household(request: HttpRequest) -> dict[str, object]:
    """The households the signed-in person belongs to, and the one chosen in the session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    households = list(households_for(user))
    chosen_id = request.session.get("household_id")
    current = next((h for h in households if h.pk == chosen_id), households[0] if households else None)
    return {"my_households": households, "current_household": current}
