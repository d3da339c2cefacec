"""A real gunicorn on a free loopback port, serving the test database, for crash tests.

The server runs ``iepright.test_settings`` against the database the test uses (its committed rows:
use it from a TransactionTestCase) with the same SECRET_KEY, so a session made by the test's
``Client.force_login`` signs the server's requests in too.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    """The URL of the database this test runs on (the test database, not the configured one)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Server:
    def __init__(self, data_dir: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> None:
        env = {**os.environ}
        for name in ("DEBUG", "HTTPS", "REDIS_URL", "DB_CONN_MAX_AGE"):
            env.pop(name, None)
        env.update(
            DJANGO_SETTINGS_MODULE="iepright.test_settings",
            DATABASE_URL=database_url(),
            SECRET_KEY=settings.SECRET_KEY,
            IEPRIGHT_DATA_DIR=str(self.data_dir),
            LOG_LEVEL="WARNING",
        )
        log = (self.data_dir / "gunicorn.log").open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "iepright.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group: one SIGKILL reaches master and workers
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/account/login/")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(self.data_dir / 'gunicorn.log').read_text()[-2000:]}")
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer in time")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a power cut or the OOM killer would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def request(
        self, method: str, path: str, data: dict[str, Any] | None = None, cookies: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            headers = {"Host": "127.0.0.1"}
            body = None
            if cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
            if data is not None:
                body = urlencode(data, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                if cookies and "csrftoken" in cookies:
                    headers["X-CSRFToken"] = cookies["csrftoken"]
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()


def csrf_secret() -> str:
    """A CSRF cookie value the server accepts back in the X-CSRFToken header (32 letters and digits)."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(32))
