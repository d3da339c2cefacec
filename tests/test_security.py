"""Sign-in that holds: the admin's two-factor step, lockouts shared by every worker, private pages."""

from __future__ import annotations

import socket
import time
import uuid
from typing import Any
from unittest import mock

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from accounts.models import User
from tests.base import BaseTestCase, make_user
from tests.test_signup import totp_code

ADMIN_PASSWORD = "a long admin password 7"
LOCKED = "Too many failed login attempts"


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


# A key prefix of this run's own: two test runs on one machine (SQLite and PostgreSQL side by side, or
# two checkouts) share the Redis server, and must not count each other's wrong passwords.
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/9",
        "KEY_PREFIX": f"iepright-test-{uuid.uuid4().hex}",
    }
}


class AdminSignInTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        self.admin = User.objects.create_superuser(email="admin@example.com", password=ADMIN_PASSWORD)
        EmailAddress.objects.create(user=self.admin, email=self.admin.email, verified=True, primary=True)

    def test_the_admin_sign_in_page_sends_people_to_the_app_sign_in(self) -> None:
        response = self.client.get("/admin/login/?next=/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "next=%2Fadmin%2F" in response["Location"]
        # A password posted to the old form signs no one in.
        response = self.client.post("/admin/login/", {"username": self.admin.email, "password": ADMIN_PASSWORD})
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        assert self.client.get("/admin/").status_code == 302

    @time_machine.travel("2026-11-30 12:00:05 -05:00", tick=False)
    def test_a_superuser_with_two_step_sign_in_cannot_skip_the_code(self) -> None:
        secret = generate_totp_secret()
        TOTP.activate(self.admin, secret)
        response = self.client.post(
            reverse("account_login") + "?next=/admin/", {"login": self.admin.email, "password": ADMIN_PASSWORD}
        )
        assert response["Location"] == reverse("mfa_authenticate")
        # Without the code the admin stays closed, by either door.
        assert self.client.get("/admin/").status_code == 302
        assert (
            self.client.post("/admin/login/", {"username": self.admin.email, "password": ADMIN_PASSWORD}).status_code
            == 302
        )
        assert self.client.get("/admin/")["Location"].startswith("/admin/login/")
        counter = int(time.time()) // 30
        self.client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, counter)})
        page = self.client.get("/admin/")
        assert page.status_code == 200
        assert "Site administration" in page.content.decode()

    def test_wrong_admin_passwords_are_throttled(self) -> None:
        pages = [
            self.client.post(reverse("account_login"), {"login": self.admin.email, "password": f"wrong {i}"})
            for i in range(6)
        ]
        assert [LOCKED in page.content.decode() for page in pages] == [False] * 5 + [True]
        # Locked out, even the right password does not get in for now.
        right = self.client.post(reverse("account_login"), {"login": self.admin.email, "password": ADMIN_PASSWORD})
        assert LOCKED in right.content.decode()
        assert self.client.get("/admin/").status_code == 302

    def test_a_signed_in_person_who_is_not_staff_gets_no_admin(self) -> None:
        parent = make_user("parent@example.com", "Parent")
        self.client.force_login(parent)
        assert self.client.get("/admin/login/").status_code == 403


class SharedLockoutTests(TestCase):
    """Five wrong passwords lock an account whichever worker process answered each one."""

    def wrong_passwords_through_two_clients(self, count: int, first: Any = None, second: Any = None) -> list[bool]:
        """Each request counts through a cache client of its own, as in two gunicorn workers."""
        first = first or caches.create_connection("default")
        second = second or caches.create_connection("default")
        user = make_user("dana@example.com", "Dana")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        statuses = []
        for i in range(count):
            with mock.patch.object(ratelimit, "cache", first if i % 2 else second):
                response = Client(REMOTE_ADDR=f"10.0.0.{i + 1}").post(
                    reverse("account_login"), {"login": "dana@example.com", "password": f"wrong {i}"}
                )
            statuses.append(LOCKED in response.content.decode())
        return statuses

    def test_the_database_cache_is_the_default(self) -> None:
        from django.conf import settings

        assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"

    def test_lockout_counts_across_two_database_cache_clients(self) -> None:
        cache.clear()
        assert self.wrong_passwords_through_two_clients(7) == [False] * 5 + [True, True]

    def test_a_per_process_cache_would_not_count_across_workers(self) -> None:
        # The control: with memory of its own in each process, the limit is twice as high.
        first, second = LocMemCache("worker-1", {}), LocMemCache("worker-2", {})
        statuses = self.wrong_passwords_through_two_clients(7, first, second)
        assert statuses == [False] * 7

    @pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
    @override_settings(CACHES=REDIS_CACHE)
    def test_lockout_counts_across_two_redis_clients(self) -> None:
        # No clear(): it would flush the database for every run sharing it; the prefix keeps ours apart.
        assert self.wrong_passwords_through_two_clients(7) == [False] * 5 + [True, True]


class TrustedProxyTests(TestCase):
    def setUp(self) -> None:
        cache.clear()
        user = make_user("dana@example.com", "Dana")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        make_user("sam@example.com", "Sam")

    def post_wrong(self, login: str, forwarded_for: str) -> bool:
        """Whether the answer says the visitor is locked out; the proxy at 10.9.9.9 appends their address."""
        client = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded_for)
        return LOCKED in client.post(reverse("account_login"), {"login": login, "password": "wrong"}).content.decode()

    @override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_one_visitor_is_locked_out_not_everyone(self) -> None:
        # The visitor forges the header's start; the proxy's last entry is what counts.
        locked = [self.post_wrong(f"nobody{i}@example.com", f"192.0.2.{i}, 203.0.113.5") for i in range(6)]
        assert locked == [False] * 5 + [True]
        # Another visitor behind the same proxy can still try.
        assert not self.post_wrong("sam@example.com", "198.51.100.7")

    def test_without_the_setting_a_forged_header_does_not_dodge_the_lockout(self) -> None:
        locked = [self.post_wrong(f"nobody{i}@example.com", f"203.0.113.{i}") for i in range(6)]
        assert locked == [False] * 5 + [True]


class PrivatePagesTests(BaseTestCase):
    def test_signed_in_pages_are_private_and_not_stored(self) -> None:
        self.client.force_login(self.alice)
        for url in [reverse("accounts:home"), reverse("plans:child", kwargs={"child_id": self.child.pk})]:
            response = self.client.get(url)
            assert response.status_code == 200
            directives = {d.strip() for d in response["Cache-Control"].split(",")}
            assert {"private", "no-store"} <= directives, url
            assert "public" not in directives

    def test_api_answers_are_private_and_not_stored(self) -> None:
        self.client.force_login(self.alice)
        url = f"/api/v1/children/{self.child.pk}/days/2026-10-05"
        response = self.client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        anonymous = Client().get(url)
        assert anonymous.status_code == 401
        assert "no-store" in anonymous["Cache-Control"]

    def test_answers_to_anonymous_visitors_are_left_alone(self) -> None:
        response = Client().get(reverse("accounts:home"))  # the landing page, the same for everyone
        assert response.status_code == 200 and "Create a free account" in response.content.decode()
        assert "Cache-Control" not in response
        assert Client().get(reverse("accounts:profile")).status_code == 302
