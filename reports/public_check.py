"""The public check of a report: did this server issue it, when, for which range, and does the chain
still contain the head it states? For a reader with no account (a hearing officer, the school's
attorney) who holds the PDF or its printed head hash.

It answers only about the report: issued when, kind, date range, page (Bates) numbers, the head and
record count it states, and whether the child's chain still holds that head and the report's own
record. It never names the child, the family or the school: someone without the file learns nothing,
and a SHA-256 cannot be guessed. Requests are counted per client address in Django's cache.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache

from evidence.models import EvidenceRecord
from reports.models import GeneratedReport

CHECKS_PER_WINDOW = 20
WINDOW_SECONDS = 10 * 60
MAX_PDF_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Answer:
    found: bool
    matched: str = ""  # "file" (the PDF's own hash) or "head" (a head hash typed in)
    kind: str = ""
    issued_at: datetime | None = None
    start: str = ""
    end: str = ""
    bates_first: str = ""
    bates_last: str = ""
    pages: int = 0
    ledger_head: str = ""
    ledger_count: int = 0
    sha256: str = ""
    chain_has_head: bool = False
    chain_has_report: bool = False
    reports_with_head: int = 0


def allowed(client: str) -> bool:
    """Count one check for ``client``; False once it used up its checks for the window."""
    key = f"public-report-check:{client}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        used = 1
    return used <= CHECKS_PER_WINDOW


def file_digest(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def clean_hash(text: str) -> str | None:
    """A SHA-256 as typed or copied (groups, spaces, line breaks, upper case), or None."""
    compact = "".join(text.split()).lower()
    return compact if re.fullmatch(r"[0-9a-f]{64}", compact) else None


def _answer(report: GeneratedReport, matched: str, reports_with_head: int = 1) -> Answer:
    records = EvidenceRecord.objects.filter(child_id=report.child_id)
    return Answer(
        found=True,
        matched=matched,
        kind=report.get_kind_display(),
        issued_at=report.generated_at,
        start=str(report.parameters.get("start", "")),
        end=str(report.parameters.get("end", "")),
        bates_first=report.bates_first,
        bates_last=report.bates_last,
        pages=report.pages,
        ledger_head=report.ledger_head,
        ledger_count=report.ledger_count,
        sha256=report.sha256,
        # The head at its place: (child, seq) finds it; the hash covers the seq, so this is no weaker.
        chain_has_head=report.ledger_count == 0
        or records.filter(seq=report.ledger_count, hash=report.ledger_head).exists(),
        chain_has_report=records.filter(
            kind="report.generated", object_type="report", object_id=str(report.pk)
        ).exists(),
        reports_with_head=reports_with_head,
    )


def check_file(digest: str) -> Answer:
    """The report whose file has this SHA-256, if this server issued it."""
    report = GeneratedReport.objects.filter(sha256=digest).order_by("generated_at", "pk").first()
    return _answer(report, "file") if report else Answer(found=False, matched="file", sha256=digest)


def check_head(head: str) -> Answer:
    """The first report that states this head hash (several reports may state the same head)."""
    reports = GeneratedReport.objects.filter(ledger_head=head).order_by("generated_at", "pk")
    first = reports.first()
    if first is None:
        return Answer(found=False, matched="head", ledger_head=head)
    return _answer(first, "head", reports.count())
