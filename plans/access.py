"""The access layer for a child's records: the one way a view reaches a child.

``child_for(user, id, need)`` returns the child only when the user's membership in the child's
household satisfies ``need`` ("view", "edit" or "own"); otherwise Http404. Objects that belong to a
child (IEPs, provisions, calendars, entries...) are reached through ``*_for`` functions that filter by
the same rule, or by first getting the child and then its related objects. Pages whose URL names the
child as well pass ``child_id=``, so an object of another child (even one the user may see) is a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from accounts.access import membership_for
from accounts.models import ROLES_FOR_NEED, Membership
from plans.models import Absence, Child, Iep, Provision, SchoolCalendar

if TYPE_CHECKING:
    from accounts.access import AnyUser


def children_for(user: AnyUser, need: str = "view") -> QuerySet[Child]:
    if not user.is_authenticated:
        return Child.objects.none()
    return Child.objects.filter(
        household__memberships__user=user, household__memberships__role__in=ROLES_FOR_NEED[need]
    ).distinct()


# The largest id a database column holds (64-bit): a bigger number in a URL is no record of anyone's,
# and handing it to the database would fail with a server error instead of a 404.
MAX_ID = 2**63 - 1


def _int(value: int | str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None
    if not -MAX_ID <= number <= MAX_ID:
        raise Http404("Not found.")
    return number


def _of_child(child_id: int | str | None) -> dict[str, int]:
    return {} if child_id is None else {"child_id": _int(child_id)}


def child_for(user: AnyUser, child_id: int | str, need: str = "view") -> Child:
    """The child ``child_id`` if ``user`` may ``need`` it, else Http404.

    The user's role in the child's household comes with it (one query), so ``may`` asks nothing more.
    """
    if not user.is_authenticated:
        raise Http404("No such child.")
    role = Membership.objects.filter(household=OuterRef("household_id"), user=user).values("role")[:1]
    try:
        with_role = children_for(user, need).select_related("household").annotate(viewer_role=Subquery(role))
        found = with_role.get(pk=_int(child_id))
    except Child.DoesNotExist:
        raise Http404("No such child.") from None
    found.viewer_id = user.pk  # type: ignore[attr-defined]  # whose role viewer_role is
    return found


def may(user: AnyUser, child: Child, need: str) -> bool:
    """Whether ``user`` may ``need`` ("view", "edit", "own") ``child``'s records.

    Reads the role ``child_for`` loaded for this user with the child; asks the database otherwise.
    """
    if getattr(child, "viewer_id", None) == user.pk and user.pk is not None:
        role = getattr(child, "viewer_role", None)
    else:
        membership = membership_for(user, child.household)
        role = membership.role if membership is not None else None
    return role is not None and role in ROLES_FOR_NEED[need]


def iep_for(user: AnyUser, iep_id: int | str, need: str = "view", child_id: int | str | None = None) -> Iep:
    try:
        return Iep.objects.select_related("child__household").get(
            pk=_int(iep_id), child__in=children_for(user, need), **_of_child(child_id)
        )
    except Iep.DoesNotExist:
        raise Http404("No such IEP.") from None


def provision_for(
    user: AnyUser, provision_id: int | str, need: str = "view", child_id: int | str | None = None
) -> Provision:
    of_child = {"iep__child_id": _int(child_id)} if child_id is not None else {}
    try:
        return Provision.objects.select_related("iep__child__household").get(
            pk=_int(provision_id), iep__child__in=children_for(user, need), **of_child
        )
    except Provision.DoesNotExist:
        raise Http404("No such provision.") from None


def calendar_for(
    user: AnyUser, calendar_id: int | str, need: str = "view", child_id: int | str | None = None
) -> SchoolCalendar:
    try:
        return SchoolCalendar.objects.select_related("child__household").get(
            pk=_int(calendar_id), child__in=children_for(user, need), **_of_child(child_id)
        )
    except SchoolCalendar.DoesNotExist:
        raise Http404("No such calendar.") from None


def absence_for(user: AnyUser, absence_id: int | str, need: str = "view", child_id: int | str | None = None) -> Absence:
    try:
        return Absence.objects.select_related("child__household").get(
            pk=_int(absence_id), child__in=children_for(user, need), **_of_child(child_id)
        )
    except Absence.DoesNotExist:
        raise Http404("No such absence.") from None
