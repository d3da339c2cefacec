"""``manage.py check --deploy`` is clean with production settings and SMTP, and says what is missing."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core import checks
from django.core.checks import CheckMessage, Tags, run_checks
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "iepright.settings",
    "SITE_URL": "https://iep.example.org",
    "ALLOWED_HOSTS": "iep.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://iep.example.org",
    "SECRET_KEY": "k3y-" + "x7Qp9vRt2Lm8Zs4Wc6Nb1Hd5Jf0Gy3Ue" * 2,
    "EMAIL_HOST": "smtp.example.org",
    "EMAIL_HOST_USER": "iepright",
    "EMAIL_HOST_PASSWORD": "smtp secret",
    "SECURITY_CONTACT": "security@iep.example.org",
}


def check_deploy(**overrides: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as data_dir:
        unwanted = ("DEBUG", "DATABASE_URL", "HTTPS", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
        env = {k: v for k, v in os.environ.items() if k not in unwanted}
        env.update(PRODUCTION, IEPRIGHT_DATA_DIR=data_dir, **overrides)
        env = {k: v for k, v in env.items() if v != ""}
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )


def test_production_settings_with_smtp_pass_check_deploy() -> None:
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_smtp_check_deploy_says_emails_are_not_sent() -> None:
    result = check_deploy(EMAIL_HOST="")
    assert result.returncode != 0
    assert "iepright.W001" in result.stdout + result.stderr
    assert "Set EMAIL_HOST" in result.stdout + result.stderr


def deploy_warnings(caches: dict[str, dict[str, str]]) -> dict[str, CheckMessage]:
    """The deployment checks' messages by id, with ``caches`` as the CACHES setting."""
    with override_settings(CACHES=caches):
        return {m.id: m for m in run_checks(include_deployment_checks=True, tags=[Tags.security]) if m.id}


def test_a_per_process_cache_warns_that_lockouts_are_counted_per_worker() -> None:
    """Given LocMemCache or DummyCache (each worker counts sign-in tries in its own memory), when
    ``check --deploy`` runs, then W002 says so and points to the database cache or REDIS_URL."""
    for backend in ("locmem.LocMemCache", "dummy.DummyCache"):
        found = deploy_warnings({"default": {"BACKEND": f"django.core.cache.backends.{backend}"}})
        warning = found.get("iepright.W002")
        assert warning is not None, backend
        assert isinstance(warning, checks.Warning)
        assert warning.msg == (
            "Sign-in lockouts are counted in each worker's memory, so several workers allow more tries."
        )
        assert warning.hint == "Use the database cache (the default) or set REDIS_URL."


def test_a_shared_cache_gives_no_cache_warning() -> None:
    """Given the database cache (the default) or Redis, when ``check --deploy`` runs, then no W002."""
    for backend, location in (("db.DatabaseCache", "iepright_cache"), ("redis.RedisCache", "redis://127.0.0.1:6379")):
        found = deploy_warnings({"default": {"BACKEND": f"django.core.cache.backends.{backend}", "LOCATION": location}})
        assert "iepright.W002" not in found, backend
    assert "iepright.W001" in deploy_warnings({"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache"}})


def test_plain_http_fails_check_deploy() -> None:
    result = check_deploy(SITE_URL="http://iep.example.org")
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr  # no HSTS


def test_without_a_security_contact_check_deploy_says_so() -> None:
    result = check_deploy(SECURITY_CONTACT="")
    assert result.returncode != 0
    assert "iepright.W003" in result.stdout + result.stderr
    assert "Set SECURITY_CONTACT" in result.stdout + result.stderr
