"""The access layer for households: the one way a view reaches a household.

Every lookup filters by the user's membership and raises Http404 otherwise, so that an outsider
cannot even learn that a household exists. ``need`` is "view", "edit" or "own".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import ROLES_FOR_NEED, AccessLog, Household, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser


def households_for(user: AnyUser, need: str = "view") -> QuerySet[Household]:
    """Households where ``user`` has a role that satisfies ``need``."""
    if not user.is_authenticated:
        return Household.objects.none()
    return Household.objects.filter(memberships__user=user, memberships__role__in=ROLES_FOR_NEED[need]).distinct()


def household_for(user: AnyUser, household_id: int | str, need: str = "view") -> Household:
    """The household ``household_id`` if ``user`` may ``need`` it, else Http404."""
    try:
        return households_for(user, need).get(pk=int(household_id))
    except (Household.DoesNotExist, ValueError, TypeError):
        raise Http404("No such household.") from None


CURRENT_HOUSEHOLD = "household_id"  # session key of the household chosen in the header


def pick_current(households: list[Household], session: Any) -> Household | None:
    """The household picked in this session, else the person's first one (None if they have none)."""
    chosen_id = session.get(CURRENT_HOUSEHOLD)
    return next((h for h in households if h.pk == chosen_id), households[0] if households else None)


def chosen_household(user: AnyUser, session: Any) -> Household | None:
    return pick_current(list(households_for(user).order_by("pk")), session)


def membership_for(user: AnyUser, household: Household) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, household=household).first()


def log_access(user: AnyUser, household: Household, action: str, child_id: int | None = None, path: str = "") -> None:
    """Record that ``user`` viewed or exported something of ``household``."""
    AccessLog.objects.create(
        user=user if user.is_authenticated else None,
        household=household,
        child_id=child_id,
        action=action,
        path=path[:300],
    )
