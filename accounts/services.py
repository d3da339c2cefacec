"""Households and their members: the work behind the household pages.

Views check who may act (``accounts.access``); these functions do the change. The owner's
membership is never changed or removed here, so a household always keeps its owner.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Household, Invitation, Membership, Role, User


class MembershipError(ValueError):
    """A change to a household's members that is not allowed; the message says why, in plain words."""


def default_household_name(user: User) -> str:
    name = (user.display_name or "").strip()
    return f"{name}'s household" if name else "My household"


def create_household_for(user: User, name: str = "") -> Household:
    """A new household with ``user`` as its owner."""
    with transaction.atomic():
        household = Household.objects.create(name=name.strip() or default_household_name(user))
        Membership.objects.create(user=user, household=household, role=Role.OWNER)
    return household


def rename_household(household: Household, name: str) -> Household:
    household.name = name.strip()
    household.save(update_fields=["name"])
    return household


def invite(household: Household, *, email: str, role: str, invited_by: User) -> Invitation:
    """A new invitation; an earlier open invitation to the same address stops working."""
    if role not in (Role.EDITOR, Role.VIEWER):
        raise MembershipError(gettext("An invitation gives either edit or read-only access."))
    email = email.strip()
    if Membership.objects.filter(household=household, user__email__iexact=email).exists():
        raise MembershipError(gettext("%(email)s is already a member of this household.") % {"email": email})
    with transaction.atomic():
        now = timezone.now()
        household.invitations.filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        return Invitation.objects.create(household=household, email=email, role=role, invited_by=invited_by)


def send_invitation(invitation: Invitation, accept_url: str) -> None:
    """Email the invitation link to its recipient."""
    context = {"invitation": invitation, "accept_url": accept_url}
    subject = (
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + render_to_string("accounts/email/invitation_subject.txt", context).strip()
    )
    body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Make ``user`` a member with the invited role. Someone already a member keeps their role.

    An invitation is used once, even when several people open the link at the same moment: a
    conditional UPDATE claims it (only one of them finds it still open), and the membership is made
    in the same transaction. The link works for whoever holds it, whatever their email address
    (docs/security.md, "A forwarded invitation"); the owner sees who accepted on the household page.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now, accepted_by=user)
        if not claimed:
            raise MembershipError(
                gettext("This invitation has expired, was withdrawn or was already used. Ask for a new one.")
            )
        membership, _ = Membership.objects.get_or_create(
            user=user, household_id=invitation.household_id, defaults={"role": invitation.role}
        )
    invitation.accepted_at, invitation.accepted_by = now, user
    return membership


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def change_role(membership: Membership, role: str) -> Membership:
    if membership.role == Role.OWNER:
        raise MembershipError(gettext("The owner's role cannot be changed."))
    if role not in (Role.EDITOR, Role.VIEWER):
        raise MembershipError(gettext("Choose edit or read-only access."))
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def remove_member(membership: Membership) -> None:
    """End a membership (the owner removing someone, or someone leaving)."""
    if membership.role == Role.OWNER:
        raise MembershipError(gettext("The owner cannot be removed from their own household."))
    membership.delete()
