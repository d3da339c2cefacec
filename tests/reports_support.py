"""Helpers for the reports tests: log entries written with their ledger records, files in temp dirs."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.test import override_settings

from accounts.models import User
from evidence import ledger
from evidence.models import Attachment
from logbook.models import LogEntry
from plans.models import Child, Provision


def log(
    child: Child,
    provision: Provision,
    day: date,
    status: str,
    user: User,
    *,
    minutes: int | None = None,
    reason: str = "",
    source: str = "",
    reported_by: str = "",
    note: str = "",
    makeup: bool = False,
) -> LogEntry:
    """A log entry and its ledger record, in one transaction, as the logbook writes them."""
    with transaction.atomic():
        entry = LogEntry.objects.create(
            child=child,
            date=day,
            provision=provision,
            is_makeup=makeup,
            status=status,
            minutes_delivered=minutes,
            miss_reason=reason,
            source=source,
            reported_by=reported_by,
            note=note,
            created_by=user,
            updated_by=user,
        )
        ledger.append(
            child_id=child.pk,
            kind="log_entry.created",
            object_type="log_entry",
            object_id=entry.pk,
            payload={
                "date": day.isoformat(),
                "provision": provision.pk,
                "is_makeup": makeup,
                "status": status,
                "minutes_delivered": minutes,
                "miss_reason": reason,
                "source": source,
                "reported_by": reported_by,
                "note": note,
            },
            user=user,
            event_date=day,
        )
    return entry


def attach(child: Child, user: User, name: str, content: bytes, entry: LogEntry | None = None) -> Attachment:
    """A file stored under ATTACHMENT_ROOT by its hash, with its row (and ledger record)."""
    from reports.household import attachment_path

    digest = hashlib.sha256(content).hexdigest()
    path = attachment_path(digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    with transaction.atomic():
        att = Attachment.objects.create(
            child=child,
            sha256=digest,
            content_type="text/plain",
            size=len(content),
            original_name=name,
            uploaded_by=user,
            object_type="log_entry" if entry else "",
            object_id=str(entry.pk) if entry else "",
        )
        ledger.append(
            child_id=child.pk,
            kind="attachment.created",
            object_type="attachment",
            object_id=att.pk,
            payload={"sha256": digest, "name": name, "size": len(content)},
            user=user,
        )
    return att


class TempFiles:
    """A mixin giving each test class its own ATTACHMENT_ROOT and REPORT_ROOT."""

    _temp_dir: str
    _settings: Any

    @classmethod
    def setUpClass(cls) -> None:
        cls._temp_dir = tempfile.mkdtemp(prefix="iepright-reports-")
        cls._settings = override_settings(
            ATTACHMENT_ROOT=Path(cls._temp_dir) / "attachments", REPORT_ROOT=Path(cls._temp_dir) / "reports"
        )
        cls._settings.enable()
        super().setUpClass()  # type: ignore[misc]

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()  # type: ignore[misc]
        cls._settings.disable()
        shutil.rmtree(cls._temp_dir, ignore_errors=True)
