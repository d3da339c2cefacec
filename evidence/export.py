"""The ledger as a self-contained JSON document that anyone can re-verify without the app.

Shape (docs/verification.md states it exactly)::

    {"format": "iepright-ledger", "version": 1, "child": {"id": 7},
     "exported_at": "...Z", "record_count": 3, "head_hash": "...",
     "records": [{<the hashed fields of record 1>, "hash": "..."}, ...]}

``tools/verify_ledger_export.py`` (standard library only) checks such a file.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.utils import timezone

from evidence.ledger import GENESIS_HASH, TIMESTAMP_FORMAT, record_body
from evidence.models import EvidenceRecord

FORMAT = "iepright-ledger"
VERSION = 1


def export_record(record: EvidenceRecord) -> dict[str, Any]:
    """One record: exactly the fields its hash covers, plus the hash."""
    return {**record_body(record), "hash": record.hash}


def ledger_export(child_id: int) -> dict[str, Any]:
    """Every record of ``child_id``'s chain, in order, ready for ``json.dump``."""
    records = [
        export_record(record)
        for record in EvidenceRecord.objects.filter(child_id=child_id).order_by("seq").iterator(chunk_size=2000)
    ]
    return {
        "format": FORMAT,
        "version": VERSION,
        "child": {"id": child_id},
        "exported_at": timezone.now().astimezone(UTC).strftime(TIMESTAMP_FORMAT),
        "record_count": len(records),
        "head_hash": records[-1]["hash"] if records else GENESIS_HASH,
        "records": records,
    }
