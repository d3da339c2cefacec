"""Report files, kept by their SHA-256 under ``REPORT_ROOT`` (default ``data/reports``).

A stored file is never overwritten with other bytes: its name is its hash.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

from evidence.files import write_durably


def report_root() -> Path:
    return Path(settings.REPORT_ROOT)


def report_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("Not a SHA-256 hex digest.")
    return report_root() / sha256[:2] / f"{sha256}.pdf"


def store_report(pdf: bytes) -> str:
    """Keep ``pdf`` and return its SHA-256."""
    digest = hashlib.sha256(pdf).hexdigest()
    path = report_path(digest)
    if not path.exists():
        write_durably(path, [pdf])
    return digest


def read_report(sha256: str) -> bytes:
    return report_path(sha256).read_bytes()
