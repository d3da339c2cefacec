"""The ledger records a report relies on, as the JSON file the evidence report carries inside it.

The file is ``evidence.export.ledger_export`` (format "iepright-ledger", version 1, stated in
docs/verification.md), so ``tools/verify_ledger_export.py`` checks a report's records with nothing
but the PDF: extract the attachment, run the script, compare the head hash with the cover page.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from evidence.ledger import GENESIS_HASH, record_body
from evidence.models import EvidenceRecord
from plans.models import Child

ATTACHMENT_NAME = "ledger-records.json"


def _export(child_id: int) -> dict[str, Any]:
    try:
        from evidence.export import ledger_export  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # the same document, until the ledger's export is on main
        records = [
            {**record_body(r), "hash": r.hash}
            for r in EvidenceRecord.objects.filter(child_id=child_id).order_by("seq").iterator(chunk_size=2000)
        ]
        return {
            "format": "iepright-ledger",
            "version": 1,
            "child": {"id": child_id},
            "exported_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "record_count": len(records),
            "head_hash": records[-1]["hash"] if records else GENESIS_HASH,
            "records": records,
        }
    result: dict[str, Any] = ledger_export(child_id)
    return result


def ledger_export_text(child: Child) -> tuple[str, str, int]:
    """The child's whole chain as JSON text, with its head hash and record count."""
    document = _export(child.pk)
    return json.dumps(document, ensure_ascii=False, indent=1), document["head_hash"], document["record_count"]
