"""The access layer for households: the one way a view reaches a household.

Every lookup filters by the user's membership and raises Http404 otherwise, so that an outsider
cannot even learn that a household exists. ``need`` is "view", "edit" or "own".
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import ROLES_FOR_NEED, AccessLog, Household, Membership, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

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


# Page views of one child by one person within this window are one access-log row (the first one).
VIEW_WINDOW = timedelta(minutes=10)


def log_access(user: AnyUser, household: Household, action: str, child_id: int | None = None, path: str = "") -> None:
    """Record that ``user`` viewed or exported something of ``household``.

    A page view ("view") by someone who already viewed the same child within ``VIEW_WINDOW`` writes
    nothing: an indexed read instead of a write (on SQLite each write is an fsync). Every other action
    is always written.
    """
    who = user if isinstance(user, User) else None
    if action == "view" and who is not None and viewed_recently(who, household, child_id):
        return
    AccessLog.objects.create(user=who, household=household, child_id=child_id, action=action, path=path[:300])


def viewed_recently(user: User, household: Household, child_id: int | None) -> bool:
    """Whether ``user`` has a "view" row for this child (or the household, for None) inside the window."""
    since = timezone.now() - VIEW_WINDOW
    recent = AccessLog.objects.filter(household=household, user=user, child_id=child_id, action="view", at__gte=since)
    return recent.exists()
