"""Erasing a child, a household or an account: the right to delete one's own data (design.md sections 5, 7).

It lives with the export and import of a household because, like them, it reaches every app's
records. Everything goes in one transaction: the daily log, the IEP versions (newest first, since a
version protects the one it amends and its IEP file), the ledger and attachments through the one
sanctioned purge path (``evidence.purge``), and the child with what remains (calendars, absences,
day notes, reports). Stored files no one else uses are removed after the commit. The access log is
the household's and keeps its lines.

A household is erased child by child through the same path, then the household row takes its
memberships, invitations and access log with it. An account is erased with every household it
owns alone; while it owns a household that others use, it is refused (``AccountInUse``) so that
nobody loses records they share without being asked.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Household, Membership, Role, User
from evidence.purge import purge_child_records
from logbook.models import LogEntry
from plans.models import Child
from reports.ledger_copy import forget_exports
from reports.models import GeneratedReport
from reports.storage import report_path


def erase_child(child: Child, user: Any) -> int:
    """Delete ``child`` and every record of theirs; return how many ledger records were erased."""
    child_id = child.pk
    with transaction.atomic():
        report_hashes = set(GeneratedReport.objects.filter(child=child).values_list("sha256", flat=True))
        LogEntry.objects.filter(child=child).delete()  # entries protect their provisions
        for iep in child.ieps.order_by("-effective_from", "-pk"):
            iep.delete()
        erased = purge_child_records(child.pk, user)
        child.delete()
        transaction.on_commit(lambda: _remove_unused_reports(report_hashes))
        transaction.on_commit(lambda: forget_exports(child_id))  # the kept ledger export (reports.ledger_copy)
    return erased


def _remove_unused_reports(hashes: set[str]) -> None:
    still_used = set(GeneratedReport.objects.filter(sha256__in=hashes).values_list("sha256", flat=True))
    for sha256 in hashes - still_used:
        report_path(sha256).unlink(missing_ok=True)


def erase_household(household: Household, user: Any) -> int:
    """Delete ``household``, each of its children as ``erase_child`` does, its members and invitations.

    Returns how many ledger records were erased.
    """
    erased = 0
    with transaction.atomic():
        for child in Child.objects.filter(household=household).order_by("pk"):
            erased += erase_child(child, user)
        household.delete()  # memberships, invitations and the access log go with it
    return erased


class AccountInUse(ValueError):
    """The account owns a household that other people use; the message names it."""


def households_blocking_deletion(user: User) -> list[Household]:
    """Households ``user`` owns that have other members."""
    owned = Membership.objects.filter(user=user, role=Role.OWNER).values_list("household_id", flat=True)
    shared = Membership.objects.filter(household_id__in=owned).exclude(user=user).values_list("household_id", flat=True)
    return list(Household.objects.filter(pk__in=shared).order_by("name", "pk"))


def delete_account(user: User) -> int:
    """Delete ``user``, with every household they own alone. Returns how many ledger records were erased.

    Their memberships elsewhere end; what they wrote in other households stays there, signed with the
    name they had (the ledger keeps ``recorded_by_name``; other references become empty).
    """
    with transaction.atomic():
        # Lock the person's memberships: nobody joins one of their households while we decide.
        owned = list(Household.objects.select_for_update().filter(memberships__user=user, memberships__role=Role.OWNER))
        blocking = households_blocking_deletion(user)
        if blocking:
            names = ", ".join(household.name for household in blocking)
            raise AccountInUse(
                _("You own %(names)s, which other people use. Remove them or delete that household first.")
                % {"names": names}
            )
        erased = sum(erase_household(household, user) for household in owned)
        user.delete()
    return erased
