"""The ledger records a report relies on, as the JSON file the evidence report carries inside it.

The file is ``evidence.export.ledger_export`` (format "iepright-ledger", version 1, stated in
docs/verification.md), so ``tools/verify_ledger_export.py`` checks a report's records with nothing
but the PDF: extract the attachment, run the script, compare the head hash with the cover page.
"""

from __future__ import annotations

import json
from typing import Any

from evidence.export import ledger_export
from evidence.ledger import GENESIS_HASH
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
