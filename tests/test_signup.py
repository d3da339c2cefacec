"""Sign-up, email verification and the household a new person gets."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Household, Invitation, Membership, Role, User
from accounts.services import create_household_for
from tests.base import make_family, make_user

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

PASSWORD = "a long calm password 42"


def sign_up(client: Client, email: str = "dana@example.com", name: str = "Dana Okafor") -> _MonkeyPatchedWSGIResponse:
    data = {"name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("account_signup"), data)


def confirmation_link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/account/confirm-email/[^\s]+)", str(message.body))
    assert match, message.body
    return match.group(1)


class SignUpTests(TestCase):
    def test_sign_up_creates_the_person_and_a_household_they_own(self) -> None:
        response = sign_up(self.client)
        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
        user = User.objects.get(email="dana@example.com")
        assert user.display_name == "Dana Okafor"
        membership = Membership.objects.get(user=user)
        assert membership.role == Role.OWNER
        assert membership.household.name == "Dana Okafor's household"

    def test_the_sign_up_page_asks_for_a_name_first(self) -> None:
        html = self.client.get(reverse("account_signup")).content.decode()
        assert html.index('name="name"') < html.index('name="email"') < html.index('name="password1"')
        assert "Create your account" in html
        assert '<label for="id_name">Your name</label>' in html

    def test_a_bad_sign_up_saves_nothing(self) -> None:
        response = self.client.post(
            reverse("account_signup"),
            {"name": "", "email": "not-an-email", "password1": "short", "password2": "other"},
        )
        assert response.status_code == 200  # allauth's own answer to an invalid sign-up
        html = response.content.decode()
        assert 'class="errorlist"' in html
        assert User.objects.count() == 0
        assert Household.objects.count() == 0

    def test_email_must_be_verified_before_signing_in(self) -> None:
        sign_up(self.client)
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["dana@example.com"]
        assert not EmailAddress.objects.get(email="dana@example.com").verified
        # not signed in yet (the home page itself is the landing page for a signed-out visitor)
        assert self.client.get(reverse("accounts:profile")).status_code == 302

        link = confirmation_link(mail.outbox[0])
        page = self.client.get(link)
        assert "Is <strong>dana@example.com</strong> your email address?" in page.content.decode()
        confirmed = self.client.post(link)
        assert confirmed.status_code == 302
        assert EmailAddress.objects.get(email="dana@example.com").verified
        home = self.client.get(reverse("accounts:home"))
        assert home.status_code == 200
        assert escape("Dana Okafor's household") in home.content.decode()

    def test_passwords_are_hashed_with_argon2_in_production_settings(self) -> None:
        from iepright import settings

        assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")

    def test_someone_invited_gets_no_household_of_their_own(self) -> None:
        owner = make_user("alice@example.com", "Alice")
        household = make_family(owner)
        invitation = Invitation.objects.create(household=household, email="x@example.com", role=Role.EDITOR)
        self.client.get(reverse("accounts:invitation", args=[invitation.token]))
        sign_up(self.client, email="bob@example.com", name="Bob")
        bob = User.objects.get(email="bob@example.com")
        assert not Membership.objects.filter(user=bob).exists()

        # After verifying the email, the invitation page is where Bob lands.
        response = self.client.post(confirmation_link(mail.outbox[-1]))
        assert response["Location"] == reverse("accounts:invitation", args=[invitation.token])
        accepted = self.client.post(response["Location"])
        assert accepted.status_code == 302
        assert Membership.objects.get(user=bob).household == household

    def test_create_household_for_makes_the_person_owner(self) -> None:
        user = make_user("solo@example.com", "")
        household = create_household_for(user)
        assert household.name == "My household"
        assert household.memberships.get().role == Role.OWNER


class SignInTests(TestCase):
    def setUp(self) -> None:
        cache.clear()  # allauth's rate limits count in the cache

    def test_failed_sign_ins_are_rate_limited(self) -> None:
        make_user("alice@example.com", "Alice")
        pages = []
        for _ in range(6):
            response = self.client.post(reverse("account_login"), {"login": "alice@example.com", "password": "wrong"})
            pages.append(response.content.decode())
        assert ["Too many failed login attempts" in page for page in pages] == [False] * 5 + [True]
        # Even the right password is refused while the pause lasts.
        response = self.client.post(
            reverse("account_login"), {"login": "alice@example.com", "password": "correct horse battery"}
        )
        assert "Too many failed login attempts" in response.content.decode()

    def test_sign_in_and_out(self) -> None:
        user = make_user("alice@example.com", "Alice")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        make_family(user, "Alice's family")
        response = self.client.post(
            reverse("account_login"), {"login": "alice@example.com", "password": "correct horse battery"}
        )
        assert response.status_code == 302
        assert escape("Alice's family") in self.client.get(reverse("accounts:home")).content.decode()
        self.client.post(reverse("account_logout"))
        assert self.client.get(reverse("accounts:profile")).status_code == 302

    def test_a_forgotten_password_can_be_reset_by_email(self) -> None:
        user = make_user("alice@example.com", "Alice")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        response = self.client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        assert "/account/password/reset/key/" in str(mail.outbox[0].body)

    def test_two_factor_setup_page_is_styled_like_the_app(self) -> None:
        user = make_user("alice@example.com", "Alice")
        self.client.force_login(user)
        html = self.client.get(reverse("mfa_index")).content.decode()
        assert "Authenticator app" in html
        assert 'class="topbar"' in html  # our layout, not allauth's bare one


class TwoFactorTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.user = make_user("alice@example.com", "Alice")
        EmailAddress.objects.create(user=self.user, email=self.user.email, verified=True, primary=True)
        make_family(self.user)

    def sign_in(self) -> _MonkeyPatchedWSGIResponse:
        return self.client.post(
            reverse("account_login"), {"login": "alice@example.com", "password": "correct horse battery"}
        )

    @time_machine.travel("2026-11-30 12:00:05 -05:00", tick=False)
    def test_a_parent_turns_on_two_step_sign_in_and_then_needs_a_code(self) -> None:
        self.sign_in()
        # Changing security settings asks for the password again.
        assert self.client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
        self.client.post(reverse("account_reauthenticate"), {"password": "correct horse battery"})
        page = self.client.get(reverse("mfa_activate_totp"))
        html = page.content.decode()
        assert "Turn on two-step sign-in" in html and 'alt="QR code to scan with your authenticator app"' in html
        secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7=]+)"', html, re.S)
        assert secret, html
        counter = int(time.time()) // 30
        response = self.client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret.group(1), counter)})
        assert response.status_code == 302
        assert Authenticator.objects.filter(user=self.user, type=Authenticator.Type.TOTP).exists()
        assert "On" in self.client.get(reverse("mfa_index")).content.decode()

        self.client.post(reverse("account_logout"))
        response = self.sign_in()
        assert response["Location"] == reverse("mfa_authenticate")
        assert "Enter your code" in self.client.get(reverse("mfa_authenticate")).content.decode()
        wrong = self.client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "Incorrect code" in wrong.content.decode()
        assert self.client.get(reverse("accounts:profile")).status_code == 302
        with time_machine.travel("2026-11-30 12:00:35 -05:00", tick=False):  # the app shows the next code
            self.client.post(reverse("mfa_authenticate"), {"code": totp_code(secret.group(1), counter + 1)})
        assert self.client.get(reverse("accounts:home")).status_code == 200


def totp_code(secret: str, counter: int) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, counter))
