"""Households: members and roles, invitations, switching between households, the access log."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.access import CURRENT_HOUSEHOLD
from accounts.models import AccessLog, Household, Invitation, Membership, Role
from plans.models import Child
from tests.base import ViewerTestCase, make_family, make_user


class HouseholdTestCase(ViewerTestCase):
    dave_membership: Membership
    bob_membership: Membership

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dave_membership = Membership.objects.get(user=cls.dave, household=cls.household)
        cls.bob_membership = Membership.objects.get(user=cls.bob, household=cls.household)

    def page(self, name: str, *args: object) -> str:
        return reverse(f"accounts:{name}", args=[self.household.pk, *args])


class HouseholdPageTests(HouseholdTestCase):
    def test_the_owner_sees_members_with_roles_and_the_invite_form(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(self.page("household"))
        html = response.content.decode()
        assert response.status_code == 200
        for text in ["Alice Rivera", "Bob Rivera", "Dave Advocate", "Owner", "Can edit", "Read only"]:
            assert text in html
        assert "Send invitation" in html
        assert html.count(">Remove<") == 2  # Bob and Dave, never the owner

    def test_a_member_sees_the_members_but_cannot_manage_them(self) -> None:
        for person in (self.bob, self.dave):
            self.client.force_login(person)
            html = self.client.get(self.page("household")).content.decode()
            assert "Alice Rivera" in html
            assert "Send invitation" not in html
            assert ">Remove<" not in html
            assert "Leave this household" in html

    def test_an_outsider_gets_404(self) -> None:
        self.client.force_login(self.charlie)
        assert self.client.get(self.page("household")).status_code == 404

    def test_the_owner_renames_the_household(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.page("household_rename"), {"name": "Rivera family"})
        assert response.status_code == 302
        assert Household.objects.get(pk=self.household.pk).name == "Rivera family"

    def test_a_blank_name_is_refused_next_to_the_field(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.page("household_rename"), {"name": "  "})
        assert response.status_code == 422
        assert 'id="id_name_error"' in response.content.decode()
        assert Household.objects.get(pk=self.household.pk).name == "Rivera household"

    def test_only_the_owner_renames(self) -> None:
        self.client.force_login(self.bob)
        assert self.client.post(self.page("household_rename"), {"name": "Bob's"}).status_code == 404
        assert Household.objects.get(pk=self.household.pk).name == "Rivera household"


class InvitationTests(HouseholdTestCase):
    def test_the_owner_invites_a_co_parent_by_email(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.page("invite"), {"email": "grandma@example.com", "role": "editor"})
        assert response.status_code == 302
        invitation = Invitation.objects.get(email="grandma@example.com")
        assert invitation.role == Role.EDITOR and invitation.invited_by == self.alice
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["grandma@example.com"]
        assert "Alice Rivera invited you to Rivera household" in message.subject
        assert f"/invitations/{invitation.token}/" in str(message.body)
        assert "permission to log and edit" in str(message.body)

    def test_a_bad_invitation_saves_nothing_and_says_why(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.page("invite"), {"email": "not an email", "role": "owner"})
        assert response.status_code == 422
        html = response.content.decode()
        assert 'id="id_email_error"' in html and 'id="id_role_error"' in html
        assert Invitation.objects.count() == 0
        assert len(mail.outbox) == 0

    def test_inviting_a_member_again_is_refused(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.page("invite"), {"email": "BOB@example.com", "role": "viewer"})
        assert response.status_code == 422
        assert "bob@example.com is already a member" in response.content.decode().lower()
        assert Invitation.objects.count() == 0

    def test_a_new_invitation_replaces_the_open_one_to_the_same_address(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.page("invite"), {"email": "x@example.com", "role": "viewer"})
        self.client.post(self.page("invite"), {"email": "x@example.com", "role": "editor"})
        first, second = Invitation.objects.order_by("pk")
        assert first.revoked_at is not None and not first.is_open
        assert second.is_open and second.role == Role.EDITOR

    def test_only_the_owner_invites(self) -> None:
        for person in (self.bob, self.dave, self.charlie):
            self.client.force_login(person)
            response = self.client.post(self.page("invite"), {"email": "x@example.com", "role": "editor"})
            assert response.status_code == 404
        assert Invitation.objects.count() == 0

    def test_accepting_an_invitation_makes_a_member_with_the_invited_role(self) -> None:
        invitation = Invitation.objects.create(household=self.household, email="c@example.com", role=Role.VIEWER)
        self.client.force_login(self.charlie)  # any signed-in person holding the link, any email address
        url = reverse("accounts:invitation", args=[invitation.token])
        page = self.client.get(url).content.decode()
        assert "Rivera household" in page and "Accept and join" in page
        response = self.client.post(url)
        assert response.status_code == 302
        membership = Membership.objects.get(user=self.charlie, household=self.household)
        assert membership.role == Role.VIEWER
        invitation.refresh_from_db()
        assert invitation.accepted_by == self.charlie and not invitation.is_open
        assert self.client.session[CURRENT_HOUSEHOLD] == self.household.pk

    def test_someone_signed_out_is_asked_to_sign_in_or_up(self) -> None:
        invitation = Invitation.objects.create(household=self.household, email="c@example.com", role=Role.EDITOR)
        url = reverse("accounts:invitation", args=[invitation.token])
        html = self.client.get(url).content.decode()
        assert "Create an account" in html and "Sign in" in html
        assert f"{reverse('account_signup')}?next={url.replace('/', '%2F')}" in html
        assert self.client.post(url).status_code == 200  # nothing accepted without an account
        assert not Invitation.objects.get(pk=invitation.pk).accepted_at

    def test_a_used_withdrawn_or_expired_invitation_no_longer_works(self) -> None:
        used = Invitation.objects.create(
            household=self.household, email="a@example.com", role=Role.EDITOR, accepted_at=timezone.now()
        )
        withdrawn = Invitation.objects.create(
            household=self.household, email="b@example.com", role=Role.EDITOR, revoked_at=timezone.now()
        )
        expired = Invitation.objects.create(
            household=self.household,
            email="c@example.com",
            role=Role.EDITOR,
            expires_at=timezone.now() - timedelta(minutes=1),
        )
        self.client.force_login(self.charlie)
        for invitation, words in [(used, "already accepted"), (withdrawn, "withdrawn"), (expired, "expired")]:
            url = reverse("accounts:invitation", args=[invitation.token])
            response = self.client.post(url)
            assert response.status_code == 410
            assert words in response.content.decode()
        assert not Membership.objects.filter(user=self.charlie, household=self.household).exists()

    def test_an_unknown_token_is_404(self) -> None:
        self.client.force_login(self.charlie)
        assert self.client.get(reverse("accounts:invitation", args=["nope"])).status_code == 404

    def test_a_member_accepting_again_keeps_their_role(self) -> None:
        invitation = Invitation.objects.create(household=self.household, email="b@example.com", role=Role.VIEWER)
        self.client.force_login(self.bob)
        self.client.post(reverse("accounts:invitation", args=[invitation.token]))
        assert Membership.objects.get(user=self.bob, household=self.household).role == Role.EDITOR

    def test_the_owner_withdraws_an_invitation(self) -> None:
        invitation = Invitation.objects.create(household=self.household, email="c@example.com", role=Role.EDITOR)
        self.client.force_login(self.alice)
        assert "c@example.com" in self.client.get(self.page("household")).content.decode()
        response = self.client.post(self.page("invitation_revoke", invitation.pk))
        assert response.status_code == 302
        invitation.refresh_from_db()
        assert invitation.revoked_at is not None
        assert "Invitations waiting for an answer" not in self.client.get(self.page("household")).content.decode()

    def test_only_the_owner_withdraws_an_invitation(self) -> None:
        invitation = Invitation.objects.create(household=self.household, email="c@example.com", role=Role.EDITOR)
        self.client.force_login(self.bob)
        assert self.client.post(self.page("invitation_revoke", invitation.pk)).status_code == 404
        assert Invitation.objects.get(pk=invitation.pk).is_open


class MemberManagementTests(HouseholdTestCase):
    def test_the_owner_changes_a_role(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.page("member_role", self.bob_membership.pk), {"role": "viewer"}, follow=True)
        assert "Bob Rivera now has read-only access." in response.content.decode()
        assert Membership.objects.get(pk=self.bob_membership.pk).role == Role.VIEWER

    def test_the_owners_own_role_cannot_change(self) -> None:
        owner = Membership.objects.get(user=self.alice)
        self.client.force_login(self.alice)
        response = self.client.post(self.page("member_role", owner.pk), {"role": "viewer"}, follow=True)
        assert escape("The owner's role cannot be changed.") in response.content.decode()
        assert Membership.objects.get(pk=owner.pk).role == Role.OWNER

    def test_only_the_owner_changes_roles(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(self.page("member_role", self.dave_membership.pk), {"role": "editor"})
        assert response.status_code == 404
        assert Membership.objects.get(pk=self.dave_membership.pk).role == Role.VIEWER

    def test_the_owner_removes_a_member(self) -> None:
        self.client.force_login(self.alice)
        self.client.post(self.page("member_remove", self.dave_membership.pk))
        assert not Membership.objects.filter(pk=self.dave_membership.pk).exists()
        self.client.force_login(self.dave)
        assert self.client.get(reverse("plans:child", args=[self.child.pk])).status_code == 404

    def test_the_owner_cannot_be_removed(self) -> None:
        owner = Membership.objects.get(user=self.alice)
        self.client.force_login(self.alice)
        self.client.post(self.page("member_remove", owner.pk))
        assert Membership.objects.filter(pk=owner.pk).exists()

    def test_only_the_owner_removes_members(self) -> None:
        self.client.force_login(self.bob)
        assert self.client.post(self.page("member_remove", self.dave_membership.pk)).status_code == 404
        assert Membership.objects.filter(pk=self.dave_membership.pk).exists()

    def test_a_membership_of_another_household_is_404(self) -> None:
        other = make_family(self.alice, "Alice's second")
        stranger = Membership.objects.create(user=self.charlie, household=other, role=Role.EDITOR)
        self.client.force_login(self.alice)
        assert self.client.post(self.page("member_remove", stranger.pk)).status_code == 404

    def test_a_member_leaves_but_the_owner_cannot(self) -> None:
        self.client.force_login(self.dave)
        self.client.post(self.page("household_leave"))
        assert not Membership.objects.filter(pk=self.dave_membership.pk).exists()
        self.client.force_login(self.alice)
        self.client.post(self.page("household_leave"))
        assert Membership.objects.filter(user=self.alice, household=self.household).exists()


class SwitchingTests(HouseholdTestCase):
    def test_an_advocate_in_two_households_switches_between_them(self) -> None:
        other = make_family(make_user("erin@example.com", "Erin"), "Nguyen family")
        Child.objects.create(household=other, name="Leo Nguyen")
        Membership.objects.create(user=self.dave, household=other, role=Role.VIEWER)
        self.client.force_login(self.dave)

        households = self.client.get(reverse("accounts:household_list")).content.decode()
        assert "Rivera household" in households and "Nguyen family" in households
        home = self.client.get(reverse("accounts:home")).content.decode()
        assert "Maya Rivera" in home and "Leo Nguyen" not in home
        assert '<span class="switch-word">Switch</span>' in home  # the header's switcher

        response = self.client.post(reverse("accounts:household_switch", args=[other.pk]))
        assert response.status_code == 302
        assert self.client.session[CURRENT_HOUSEHOLD] == other.pk
        home = self.client.get(reverse("accounts:home")).content.decode()
        assert "Leo Nguyen" in home and "Maya Rivera" not in home

    def test_one_household_shows_no_switcher(self) -> None:
        self.client.force_login(self.bob)
        assert "switch-word" not in self.client.get(reverse("accounts:home")).content.decode()

    def test_switching_needs_a_post(self) -> None:
        self.client.force_login(self.alice)
        assert self.client.get(reverse("accounts:household_switch", args=[self.household.pk])).status_code == 405

    def test_someone_without_a_household_can_start_one(self) -> None:
        self.client.force_login(self.charlie)
        assert "Start a household" in self.client.get(reverse("accounts:home")).content.decode()
        response = self.client.post(reverse("accounts:household_new"), {"name": "Charlie's family"})
        assert response.status_code == 302
        household = Household.objects.get(name="Charlie's family")
        assert household.memberships.get().user == self.charlie
        assert self.client.session[CURRENT_HOUSEHOLD] == household.pk

    def test_a_blank_household_name_is_refused(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.post(reverse("accounts:household_new"), {"name": ""})
        assert response.status_code == 422
        assert Household.objects.filter(memberships__user=self.charlie).count() == 0


class HomeAndProfileTests(HouseholdTestCase):
    def test_home_lists_the_children_and_offers_to_add_one_to_editors(self) -> None:
        self.client.force_login(self.bob)
        html = self.client.get(reverse("accounts:home")).content.decode()
        assert "Maya Rivera" in html and "Grade 5" in html
        assert reverse("plans:child_new", args=[self.household.pk]) in html

    def test_a_viewer_is_not_offered_to_add_a_child(self) -> None:
        self.client.force_login(self.dave)
        html = self.client.get(reverse("accounts:home")).content.decode()
        assert "Maya Rivera" in html
        assert reverse("plans:child_new", args=[self.household.pk]) not in html

    def test_a_person_changes_their_name(self) -> None:
        self.client.force_login(self.bob)
        response = self.client.post(reverse("accounts:profile"), {"display_name": "Roberto Rivera"})
        assert response.status_code == 302
        self.bob.refresh_from_db()
        assert self.bob.display_name == "Roberto Rivera"

    def test_the_profile_links_to_two_factor_setup(self) -> None:
        self.client.force_login(self.bob)
        assert reverse("mfa_index") in self.client.get(reverse("accounts:profile")).content.decode()


class AccessLogTests(HouseholdTestCase):
    def test_viewing_a_childs_records_is_logged(self) -> None:
        """Two pages 11 minutes apart: two rows (views within 10 minutes share one, tests/test_access_log.py)."""
        self.client.force_login(self.dave)
        with time_machine.travel(timezone.now(), tick=False) as traveller:
            self.client.get(reverse("plans:child", args=[self.child.pk]))
            traveller.shift(timedelta(minutes=11))
            self.client.get(reverse("plans:iep", args=[self.child.pk, self.iep.pk]))
        entries = list(AccessLog.objects.filter(user=self.dave).order_by("at"))
        assert [(e.action, e.child_id, e.path) for e in entries] == [
            ("view", self.child.pk, f"/children/{self.child.pk}/"),
            ("view", self.child.pk, f"/children/{self.child.pk}/ieps/{self.iep.pk}/"),
        ]

    def test_the_owner_sees_who_else_looked(self) -> None:
        self.client.force_login(self.dave)
        self.client.get(reverse("plans:iep", args=[self.child.pk, self.iep.pk]))
        self.client.force_login(self.alice)
        self.client.get(reverse("plans:child", args=[self.child.pk]))
        html = self.client.get(self.page("household")).content.decode()
        assert "<strong>Dave Advocate</strong> viewed Maya Rivera: IEP" in html
        assert "Alice Rivera</strong> viewed" not in html  # her own views are not news to her

    def test_members_do_not_see_the_access_log(self) -> None:
        self.client.force_login(self.bob)
        assert "Who else looked" not in self.client.get(self.page("household")).content.decode()
