"""After a lost phone: which sessions a password change or reset ends, and the "Signed-in devices" page.

Two browsers for one person, a phone and a laptop, each signed in through the sign-in form (as people
do, so allauth records each session with its browser and address).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.devices import describe_device
from accounts.models import User
from tests.base import make_family, make_user

PASSWORD = "correct horse battery"  # tests.base.make_user's
NEW_PASSWORD = "a new calm password 58"
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)
LAPTOP_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=ZoneInfo("America/New_York"))


def signed_in(email: str, user_agent: str, address: str) -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def is_signed_in(client: Client) -> bool:
    response = client.get(reverse("accounts:profile"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
        return False
    assert response.status_code == 200
    return True


class SessionsTestCase(TestCase):
    alice: User

    def setUp(self) -> None:
        cache.clear()  # sign-in rate limits
        self.alice = make_user("alice@example.com", "Alice Rivera")
        EmailAddress.objects.create(user=self.alice, email=self.alice.email, verified=True, primary=True)
        make_family(self.alice)
        self.phone = signed_in("alice@example.com", PHONE_UA, "198.51.100.7")
        self.laptop = signed_in("alice@example.com", LAPTOP_UA, "203.0.113.24")


class PasswordChangeTests(SessionsTestCase):
    def test_changing_the_password_keeps_this_device_and_signs_out_the_other(self) -> None:
        """Given Alice changes her password on her phone, then the laptop (lost) is signed out."""
        response = self.phone.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        assert is_signed_in(self.phone)
        assert not is_signed_in(self.laptop)
        # The devices page agrees: only the phone is left.
        html = self.phone.get(reverse("usersessions_list")).content.decode()
        assert "Safari on iPhone" in html and "Firefox on Windows" not in html

    def test_a_password_reset_signs_out_every_device(self) -> None:
        """Given a reset by email (from a third browser), then neither the phone nor the laptop is signed in."""
        other = Client()
        assert other.post(reverse("account_reset_password"), {"email": "alice@example.com"}).status_code == 302
        match = re.search(r"https?://[^/\s]+(/account/password/reset/key/[^\s]+)", str(mail.outbox[-1].body))
        assert match
        form_url = other.get(match.group(1))["Location"]
        response = other.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 302
        assert not is_signed_in(self.phone)
        assert not is_signed_in(self.laptop)
        assert other.post(reverse("account_login"), {"login": "alice@example.com", "password": NEW_PASSWORD})[
            "Location"
        ] == reverse("accounts:home")


class DevicesPageTests(SessionsTestCase):
    def test_the_account_page_links_to_the_devices(self) -> None:
        html = self.phone.get(reverse("accounts:profile")).content.decode()
        assert reverse("usersessions_list") in html and "Signed-in devices" in html

    def test_the_list_shows_both_sessions_with_browser_and_address(self) -> None:
        response = self.phone.get(reverse("usersessions_list"))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'class="topbar"' in html  # our layout
        assert "2 devices" in html
        for text in ["Safari on iPhone", "198.51.100.7", "Firefox on Windows", "203.0.113.24", "Last active"]:
            assert text in html
        assert html.count("This device</span>") == 1
        assert html.index("Safari on iPhone") < html.index("This device") < html.index("Firefox on Windows")
        assert "Sign out all other devices" in html

    def test_signing_out_the_others_ends_the_laptops_session_and_keeps_the_phones(self) -> None:
        response = self.phone.post(reverse("usersessions_list"), follow=True)
        assert response.redirect_chain == [(reverse("usersessions_list"), 302)]
        assert "Your other devices are signed out." in response.content.decode()
        assert is_signed_in(self.phone)
        assert not is_signed_in(self.laptop)
        assert list(UserSession.objects.values_list("user_agent", flat=True)) == [PHONE_UA]
        html = self.phone.get(reverse("usersessions_list")).content.decode()
        assert "1 device" in html and "You are signed in only here." in html
        assert "Sign out all other devices" not in html

    def test_another_person_cannot_see_or_end_someones_sessions(self) -> None:
        bob = make_user("bob@example.com", "Bob Rivera")
        EmailAddress.objects.create(user=bob, email=bob.email, verified=True, primary=True)
        bobs = signed_in("bob@example.com", LAPTOP_UA, "192.0.2.99")
        html = bobs.get(reverse("usersessions_list")).content.decode()
        assert "1 device" in html and "192.0.2.99" in html
        assert "198.51.100.7" not in html and "203.0.113.24" not in html and "Safari on iPhone" not in html
        assert bobs.post(reverse("usersessions_list")).status_code == 302
        assert is_signed_in(self.phone) and is_signed_in(self.laptop) and is_signed_in(bobs)
        assert UserSession.objects.filter(user=self.alice).count() == 2

    def test_someone_signed_out_is_sent_to_sign_in(self) -> None:
        for method in ("get", "post"):
            response = getattr(Client(), method)(reverse("usersessions_list"))
            assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


class LastSeenTests(SessionsTestCase):
    def test_last_activity_is_written_at_most_every_ten_minutes(self) -> None:
        """Given the phone opens pages for 25 minutes, then its "last active" moves twice, and a request in
        between touches neither its session row nor allauth's."""
        phone = UserSession.objects.get(user_agent=PHONE_UA)
        with time_machine.travel(NOW, tick=False) as traveller:
            self.phone.get(reverse("accounts:home"))
            first = UserSession.objects.get(pk=phone.pk).last_seen_at
            assert first == NOW
            traveller.shift(timedelta(minutes=4))
            with CaptureQueriesContext(connection) as between:
                self.phone.get(reverse("accounts:home"))
            writes = [
                q["sql"] for q in between.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
            ]
            assert writes == []
            assert UserSession.objects.get(pk=phone.pk).last_seen_at == first
            traveller.shift(timedelta(minutes=7))
            self.phone.get(reverse("accounts:home"))
            assert UserSession.objects.get(pk=phone.pk).last_seen_at == NOW + timedelta(minutes=11)
            traveller.shift(timedelta(minutes=14))
            self.phone.get(reverse("accounts:home"))
            assert UserSession.objects.get(pk=phone.pk).last_seen_at == NOW + timedelta(minutes=25)

    def test_deleting_the_account_leaves_no_session_behind(self) -> None:
        self.alice.delete()
        assert UserSession.objects.count() == 0
        assert not is_signed_in(self.phone) and not is_signed_in(self.laptop)


def test_devices_are_named_in_plain_words() -> None:
    assert describe_device(PHONE_UA) == "Safari on iPhone"
    assert describe_device(LAPTOP_UA) == "Firefox on Windows"
    edge = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
        "Safari/537.36 Edg/131.0.0.0"
    )
    assert describe_device(edge) == "Edge on Windows"
    android = (
        "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
        "Mobile Safari/537.36"
    )
    assert describe_device(android) == "Chrome on Android"
    mac = (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
        "Safari/605.1.15"
    )
    assert describe_device(mac) == "Safari on Mac"
    assert describe_device("curl/8.11.0") == "An unknown browser"
    assert describe_device("") == "An unknown browser"
