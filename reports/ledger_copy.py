"""The ledger records a report relies on, as the JSON file the evidence report carries inside it.

The file is ``evidence.export.ledger_export`` (format "iepright-ledger", version 1, stated in
docs/verification.md), so ``tools/verify_ledger_export.py`` checks a report's records with nothing
but the PDF: extract the attachment, run the script, compare the head hash with the cover page.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from evidence.export import FORMAT, VERSION, export_anchor, ledger_export
from evidence.files import fsync_dir, write_durably
from evidence.ledger import GENESIS_HASH, TIMESTAMP_FORMAT, record_body
from evidence.models import Anchor, EvidenceRecord
from plans.models import Child

ATTACHMENT_NAME = "ledger-records.json"


def ledger_head(child: Child) -> tuple[str, int]:
    """The head hash and record count of the child's chain, without reading the records."""
    last = EvidenceRecord.objects.filter(child_id=child.pk).order_by("-seq").values_list("hash", "seq").first()
    return last if last else (GENESIS_HASH, 0)


def ledger_export_text(child: Child) -> tuple[str, str, int]:
    """The child's whole chain as JSON text, with its head hash and record count."""
    document = ledger_export(child.pk)
    return json.dumps(document, ensure_ascii=False), document["head_hash"], document["record_count"]


def export_folder() -> Path:
    """Where each child's latest export is kept between reports."""
    return Path(settings.REPORT_ROOT) / "ledger-exports"


_RECORDS = b', "records": ['
_ANCHORS = b'], "anchors": '


@dataclass(frozen=True)
class _Kept:
    path: Path
    count: int
    head: str


def _kept(child: Child) -> _Kept | None:
    """The child's kept export (the newest, if a crash left two), from its file name alone."""
    found = []
    for path in export_folder().glob(f"{child.pk}-*.json"):
        parts = path.stem.split("-")
        if len(parts) == 3 and parts[1].isdigit() and len(parts[2]) == 64:
            found.append(_Kept(path, int(parts[1]), parts[2]))
    return max(found, key=lambda kept: kept.count, default=None)


class ExportBuilder:
    """The child's whole chain as an export file, made from the kept export and the records after it.

    ``add`` is handed the chain's records in order; it serialises only those after the kept export
    and notes on the way whether the kept export's last record is still in the chain with its hash.
    ``write`` then writes ``<child>-<count>-<head>.json`` and removes the older file. A report writes
    its export ``pending`` instead (a file the next report does not take for a kept export) and
    ``keep``s it only once its whole chain has verified (``discard`` otherwise); ``every`` holds the
    whole chain when the caller read it all, so that a fresh export needs no second read.
    """

    def __init__(self, child: Child, every: Sequence[Any] | None = None) -> None:
        self.child = child
        self.every = every
        self.kept = _kept(child)
        self.start = self.kept.count if self.kept else 0
        self.kept_confirmed = self.kept is None
        self.added: list[bytes] = []
        self.count, self.head = 0, GENESIS_HASH
        self.pending: Path | None = None

    def add(self, record: Any) -> None:
        if self.kept is not None and record.seq == self.kept.count:
            self.kept_confirmed = record.hash == self.kept.head
        if record.seq > self.start:
            self.added.append(json.dumps({**record_body(record), "hash": record.hash}, ensure_ascii=False).encode())
        self.count, self.head = record.seq, record.hash

    def continue_from_database(self) -> None:
        """Take the kept export as the start if its last record is still in the chain with its hash (one
        query), else remove it and start afresh; then only the records after ``start`` need adding."""
        kept = self.kept
        if kept is not None:
            if EvidenceRecord.objects.filter(child_id=self.child.pk, seq=kept.count, hash=kept.head).exists():
                self.count, self.head = kept.count, kept.head
            else:
                kept.path.unlink(missing_ok=True)
                self.kept, self.start = None, 0
        self.kept_confirmed = True

    def write(self, *, pending: bool = False) -> tuple[Path, str, int]:
        """The export file, its head hash and record count (the kept file itself if nothing was added)."""
        if not self.kept_confirmed:  # a kept file this chain does not continue: start afresh
            assert self.kept is not None
            self.kept.path.unlink(missing_ok=True)
            return self._fresh(pending)
        if self.kept is not None and not self.added and self.kept.count == self.count:
            return self.kept.path, self.kept.head, self.kept.count
        kept = b""
        if self.kept is not None and self.start:
            text = self.kept.path.read_bytes()
            try:
                kept = text[text.index(_RECORDS) + len(_RECORDS) : text.rindex(_ANCHORS)]
            except ValueError:  # not an export this code wrote (cut short?): start afresh
                self.kept.path.unlink(missing_ok=True)
                return self._fresh(pending)
        header = {
            "format": FORMAT,
            "version": VERSION,
            "child": {"id": self.child.pk},
            "exported_at": timezone.now().astimezone(UTC).strftime(TIMESTAMP_FORMAT),
            "record_count": self.count,
            "head_hash": self.head,
        }
        anchors = [export_anchor(a) for a in Anchor.objects.filter(child_id=self.child.pk, seq__lte=self.count)]
        records = b", ".join(([kept] if kept else []) + self.added)
        chunks = [
            json.dumps(header, ensure_ascii=False).encode()[:-1],
            _RECORDS,
            records,
            _ANCHORS,
            json.dumps(anchors, ensure_ascii=False).encode(),
            b"}",
        ]
        if pending:
            self.pending = export_folder() / f".{self.child.pk}-{uuid.uuid4().hex}.pending.json"
            write_durably(self.pending, chunks)
            return self.pending, self.head, self.count
        path = self._final()
        write_durably(path, chunks)
        self._forget_older(path)
        return path, self.head, self.count

    def keep(self) -> Path | None:
        """Keep the pending export for the next report (its chain verified); its kept path."""
        if self.pending is None:
            return None
        path = self._final()
        os.replace(self.pending, path)
        fsync_dir(path.parent)
        self.pending = None
        self._forget_older(path)
        return path

    def discard(self) -> None:
        """Remove the pending export (its chain did not verify, or no report was made)."""
        if self.pending is not None:
            self.pending.unlink(missing_ok=True)
            self.pending = None

    def _final(self) -> Path:
        return export_folder() / f"{self.child.pk}-{self.count}-{self.head}.json"

    def _forget_older(self, path: Path) -> None:
        for older in export_folder().glob(f"{self.child.pk}-*.json"):
            if older != path:
                older.unlink(missing_ok=True)

    def _fresh(self, pending: bool) -> tuple[Path, str, int]:
        if self.every is None:
            return ledger_export_file(self.child)
        fresh = ExportBuilder(self.child, self.every)
        fresh.start, fresh.kept, fresh.kept_confirmed = 0, None, True
        for record in self.every:
            fresh.add(record)
        path, head, count = fresh.write(pending=pending)
        self.pending = fresh.pending
        return path, head, count


def ledger_export_file(child: Child) -> tuple[Path, str, int]:
    """The child's whole chain as a JSON file, with its head hash and record count.

    The text is exactly ``ledger_export_text``'s (records, then the anchors up to the head). The chain
    only grows and a head hash commits to every record before it, so the last export is kept
    (``<child id>-<count>-<head>.json``) and the next one reuses its records' text, reading and
    serialising only the records added since (each report adds one, its own). The file is handed to
    the render worker as a file, not a string, so the text is never escaped into the worker's
    request. ``forget_exports`` removes it when the child is erased. A report builds it with
    ``ExportBuilder`` from the records it read (and keeps it only once they verified); this reads the
    records itself.
    """
    head, count = ledger_head(child)
    path = export_folder() / f"{child.pk}-{count}-{head}.json"
    if path.exists():
        return path, head, count
    builder = ExportBuilder(child)
    builder.continue_from_database()
    for record in (
        EvidenceRecord.objects.filter(child_id=child.pk, seq__gt=builder.start)
        .order_by("seq")
        .iterator(chunk_size=2000)
    ):
        builder.add(record)
    return builder.write()


def forget_exports(child_id: int) -> None:
    """Remove the kept export of a child (erasing the child)."""
    for path in [*export_folder().glob(f"{child_id}-*.json"), *export_folder().glob(f".{child_id}-*.pending.json")]:
        path.unlink(missing_ok=True)


ANCHORS_PRINTED = 5


def anchors_upto(child: Child, count: int) -> tuple[int, list[dict[str, Any]]]:
    """How many RFC 3161 anchors cover the chain up to record ``count``, and the latest few, newest first."""
    anchors = Anchor.objects.filter(child_id=child.pk, seq__lte=count)
    latest = anchors.order_by("-seq", "-pk")[:ANCHORS_PRINTED]
    rows = [
        {"seq": a.seq, "head": a.head_hash, "time": a.gen_time.strftime("%Y-%m-%d %H:%M:%S UTC"), "tsa": a.tsa_url}
        for a in latest
    ]
    return anchors.count(), rows
