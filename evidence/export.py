"""The ledger as a self-contained JSON document that anyone can re-verify without the app.

Shape (docs/verification.md states it exactly)::

    {"format": "iepright-ledger", "version": 1, "child": {"id": 7},
     "exported_at": "...Z", "record_count": 3, "head_hash": "...",
     "records": [{<the hashed fields of record 1>, "hash": "..."}, ...],
     "anchors": [{"seq": 2, "head": "...", "tsa": "...", "time": "...Z", "token": "<base64 DER>"}, ...]}

``tools/verify_ledger_export.py`` (standard library only) checks such a file.
"""

from __future__ import annotations

import base64
from datetime import UTC
from typing import Any

from django.utils import timezone

from evidence.ledger import GENESIS_HASH, TIMESTAMP_FORMAT, record_body
from evidence.models import Anchor, EvidenceRecord

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
        "anchors": [
            export_anchor(anchor) for anchor in Anchor.objects.filter(child_id=child_id, seq__lte=len(records))
        ],
    }


def export_anchor(anchor: Anchor) -> dict[str, Any]:
    """An RFC 3161 anchor: the record it stamps, the authority, its time, and the token (base64 DER)."""
    return {
        "seq": anchor.seq,
        "head": anchor.head_hash,
        "tsa": anchor.tsa_url,
        "time": anchor.gen_time.astimezone(UTC).strftime(TIMESTAMP_FORMAT),
        "token": base64.b64encode(bytes(anchor.token)).decode("ascii"),
    }
