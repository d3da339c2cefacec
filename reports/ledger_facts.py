"""What a report prints as recorded, read from the ledger records alone (design.md section 5).

Who recorded an entry, when it was first recorded, every later edit with its reason, a retraction
with its reason, and the files kept with an entry or an IEP: all of it comes from the child's
``EvidenceRecord`` rows, never from the mutable columns of the current rows (``created_at``,
``created_by``, ``status``...). A report is kept only once every check of ``evidence.verify.verify_child`` has
passed on the very records these facts were read from (``reports.data.ChainRead.prove``, run while the
PDF compiles), and the attached JSON carries the same records.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from evidence.models import EvidenceRecord
from evidence.verify import RECORD_FIELDS


@dataclass(frozen=True)
class Version:
    """One ledger record of an object: its number, hash, kind, moment, author and payload."""

    seq: int
    hash: str
    action: str  # "created", "edited", "retracted", ...
    at: datetime
    by: str
    payload: dict[str, Any]
    day: date | None = None  # the local day of ``at``, when the reader worked it out (once per report)

    @property
    def local_day(self) -> date:
        return self.day if self.day is not None else timezone.localdate(self.at)


@dataclass
class History:
    """Every record of one object, oldest first."""

    object_id: str
    versions: list[Version] = field(default_factory=list)

    @property
    def first(self) -> Version:
        return self.versions[0]

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    @property
    def retracted(self) -> bool:
        return self.latest.action == "retracted"

    @property
    def edits(self) -> list[Version]:
        """The records that changed the object after it was first recorded (retractions apart)."""
        return [v for v in self.versions[1:] if v.action == "edited"]


class HistoryReader:
    """Every object of the wanted types with its records, gathered from records handed over in order.

    A report hands it the records it read for the proof (``reports.data.read_chain``), so the facts
    it prints come from the very records that are verified, read once.
    """

    def __init__(self, object_types: tuple[str, ...]) -> None:
        self.found: dict[str, dict[str, History]] = {object_type: {} for object_type in object_types}
        self.zone = timezone.get_current_timezone()  # looked up once: a report reads thousands of records

    def add(self, record: Any) -> None:
        wanted = self.found.get(record.object_type)
        if wanted is None:
            return
        payload = json.loads(record.payload)
        version = Version(
            record.seq,
            record.hash,
            record.kind.rsplit(".", 1)[-1],
            record.recorded_at,
            record.recorded_by_name,
            payload,
            record.recorded_at.astimezone(self.zone).date(),
        )
        wanted.setdefault(record.object_id, History(record.object_id)).versions.append(version)

    def of(self, object_type: str) -> dict[str, History]:
        return self.found[object_type]


def histories(child_id: int, object_type: str) -> dict[str, History]:
    """Every object of ``object_type`` in the child's chain with its records, by object id, read here
    (a report hands a ``HistoryReader`` the records it has read already)."""
    reader = HistoryReader((object_type,))
    records = EvidenceRecord.objects.filter(child_id=child_id, object_type=object_type).order_by("seq")
    for record in records.values_list(*RECORD_FIELDS, named=True).iterator(chunk_size=2000):
        reader.add(record)
    return reader.of(object_type)


def days_after(moment: Version, day: date) -> int:
    """How many days after the school day ``day`` the record was written (0: the same day)."""
    return (moment.local_day - day).days
