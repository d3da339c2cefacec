"""How to report a vulnerability: /.well-known/security.txt (RFC 9116), its setting and its check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client, SimpleTestCase, override_settings

from accounts.checks import check_security_contact
from iepright.env import ConfigError, env_contact

CONTACT = "mailto:security@iep.example.org"


def fields(text: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in text.splitlines())


class SecurityTxtTests(SimpleTestCase):
    @override_settings(
        SECURITY_CONTACT=CONTACT,
        SITE_URL="https://iep.example.org",
        SECURITY_POLICY_URL="https://iep.example.org/security-policy.txt",
    )
    @time_machine.travel(datetime(2026, 11, 30, 8, 15, 42, 123456, tzinfo=UTC), tick=False)
    def test_it_names_the_contact_and_expires_a_year_ahead(self) -> None:
        response = Client().get("/.well-known/security.txt")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        text = response.content.decode()
        assert text.endswith("\n") and "\r" not in text
        assert fields(text) == {
            "Contact": CONTACT,
            "Expires": "2027-11-30T08:15:42Z",
            "Preferred-Languages": "en",
            "Policy": "https://iep.example.org/security-policy.txt",
            "Canonical": "https://iep.example.org/.well-known/security.txt",
        }

    @override_settings(SECURITY_CONTACT="")
    def test_without_a_contact_there_is_no_file(self) -> None:
        assert Client().get("/.well-known/security.txt").status_code == 404

    @override_settings(SECURITY_CONTACT=CONTACT)
    def test_it_is_only_read(self) -> None:
        assert Client().post("/.well-known/security.txt").status_code == 405

    def test_the_policy_it_points_to_is_served(self) -> None:
        from django.conf import settings

        assert settings.SECURITY_POLICY_URL.endswith("/security-policy.txt")
        response = Client().get("/security-policy.txt")
        assert response.status_code == 200 and response["Content-Type"] == "text/plain; charset=utf-8"
        text = response.content.decode()
        assert text.startswith("# Security policy")
        assert "Report a vulnerability" in text and "within 3 working days" in text


class SecurityContactSettingTests(SimpleTestCase):
    def test_an_email_address_becomes_a_mailto_uri(self) -> None:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("SECURITY_CONTACT", " security@example.org ")
            assert env_contact("SECURITY_CONTACT") == "mailto:security@example.org"

    def test_uris_are_kept_and_empty_stays_empty(self) -> None:
        with pytest.MonkeyPatch.context() as env:
            for value in ["mailto:a@example.org", "https://example.org/security", "tel:+1-555-0100", ""]:
                env.setenv("SECURITY_CONTACT", value)
                assert env_contact("SECURITY_CONTACT") == value

    def test_anything_else_is_refused_at_start_up(self) -> None:
        with pytest.MonkeyPatch.context() as env:
            for value in ["http://example.org/security", "the security team", "example.org/security"]:
                env.setenv("SECURITY_CONTACT", value)
                with pytest.raises(ConfigError, match="SECURITY_CONTACT must be"):
                    env_contact("SECURITY_CONTACT")


class SecurityContactCheckTests(SimpleTestCase):
    @override_settings(SECURITY_CONTACT="")
    def test_the_check_warns_without_a_contact(self) -> None:
        warnings = check_security_contact()
        assert [w.id for w in warnings] == ["iepright.W003"]
        assert "SECURITY_CONTACT" in (warnings[0].hint or "")

    @override_settings(SECURITY_CONTACT=CONTACT)
    def test_the_check_is_quiet_with_a_contact(self) -> None:
        assert check_security_contact() == []
