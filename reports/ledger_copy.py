"""The ledger records a report relies on, as the JSON file the evidence report carries inside it.

The file is ``evidence.export.ledger_export`` (format "iepright-ledger", version 1, stated in
docs/verification.md), so ``tools/verify_ledger_export.py`` checks a report's records with nothing
but the PDF: extract the attachment, run the script, compare the head hash with the cover page.
"""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from evidence.export import FORMAT, VERSION, export_anchor, export_record, ledger_export
from evidence.files import write_durably
from evidence.ledger import GENESIS_HASH, TIMESTAMP_FORMAT
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


_RECORDS = ', "records": ['
_ANCHORS = '], "anchors": '


def ledger_export_file(child: Child) -> tuple[Path, str, int]:
    """The child's whole chain as a JSON file, with its head hash and record count.

    The text is exactly ``ledger_export_text``'s (records, then the anchors up to the head). The chain only grows and a head hash commits to
    every record before it, so the last export is kept (``<child id>-<count>-<head>.json``) and the
    next one reuses its records' text, reading and serialising only the records added since (each
    report adds one, its own). The file is handed to the render worker as a file, not a string, so
    the text is never escaped into the worker's request. ``forget_exports`` removes it when the
    child is erased.
    """
    head, count = ledger_head(child)
    folder = export_folder()
    path = folder / f"{child.pk}-{count}-{head}.json"
    if path.exists():
        return path, head, count
    kept_text, kept_count = "", 0
    for older in folder.glob(f"{child.pk}-*.json"):
        _child, older_count, older_head = older.stem.split("-")
        if EvidenceRecord.objects.filter(child_id=child.pk, seq=int(older_count), hash=older_head).exists():
            text = older.read_text(encoding="utf-8")
            kept_text, kept_count = text[text.index(_RECORDS) + len(_RECORDS) : text.rindex(_ANCHORS)], int(older_count)
    added = [
        json.dumps(export_record(record), ensure_ascii=False)
        for record in EvidenceRecord.objects.filter(child_id=child.pk, seq__gt=kept_count)
        .order_by("seq")
        .iterator(chunk_size=2000)
    ]
    records_text = ", ".join(([kept_text] if kept_text else []) + added)
    count = kept_count + len(added)
    head = json.loads(added[-1])["hash"] if added else head
    header = {
        "format": FORMAT,
        "version": VERSION,
        "child": {"id": child.pk},
        "exported_at": timezone.now().astimezone(UTC).strftime(TIMESTAMP_FORMAT),
        "record_count": count,
        "head_hash": head,
    }
    path = folder / f"{child.pk}-{count}-{head}.json"
    anchors = [export_anchor(a) for a in Anchor.objects.filter(child_id=child.pk, seq__lte=count)]
    chunks = [
        json.dumps(header, ensure_ascii=False)[:-1],
        _RECORDS,
        records_text,
        _ANCHORS,
        json.dumps(anchors, ensure_ascii=False),
        "}",
    ]
    write_durably(path, [chunk.encode() for chunk in chunks])
    for older in folder.glob(f"{child.pk}-*.json"):
        if older != path:
            older.unlink(missing_ok=True)
    return path, head, count


def forget_exports(child_id: int) -> None:
    """Remove the kept export of a child (erasing the child)."""
    for path in export_folder().glob(f"{child_id}-*.json"):
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
