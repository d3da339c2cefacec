"""System checks for external anchoring: a time-stamping authority switched on without what it needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning


def tsa_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.TSA_CA_FILE and not Path(settings.TSA_CA_FILE).is_file():
        messages.append(
            Error(f"TSA_CA_FILE {settings.TSA_CA_FILE} does not exist.", id="evidence.E001",
                  hint="Give the PEM root certificate of your time-stamping authority, or leave TSA_CA_FILE empty.")
        )  # fmt: skip
    if settings.TSA_URL and not settings.TSA_CA_FILE:
        messages.append(
            Warning(
                "TSA_URL is set without TSA_CA_FILE: time-stamp tokens are stored and checked against their chain "
                "heads, but their signatures are not checked.",
                hint="Set TSA_CA_FILE to the authority's root certificate (docs/verification.md, section 10).",
                id="evidence.W001",
            )
        )
    return messages
