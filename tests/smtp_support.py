"""A real SMTP server on loopback (aiosmtpd) for tests that send email through Django's SMTP backend."""

from __future__ import annotations

import email
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from django.test import override_settings

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO


class Sink:
    """Keeps every message the server receives, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def smtp_settings(port: int) -> dict[str, Any]:
    backend = "django.core.mail.backends.smtp.EmailBackend"
    return {
        "default": {"BACKEND": backend, "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5}}
    }


@contextmanager
def smtp_server() -> Iterator[Sink]:
    """Start aiosmtpd on a free loopback port and point Django's email at it."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(MAILERS=smtp_settings(port)):
            yield sink
    finally:
        controller.stop()
