"""The ledger's object types and kinds, and the small numbers they are stored as (issue 17, "Storage").

A record's ``object_type`` and ``kind`` repeat a few texts on every row (28 bytes a record); the
database keeps a 2-byte number instead (``evidence.fields.LedgerCodeField``), and every reader still
sees the text, which is what the hash covers. The number of a text is its place in the tuple below,
counting from 1.

Append-only: a record written with a number must read back the same text forever, so an entry is
never changed, removed or moved; a new object type or kind goes at the end. Appending a text that is
not here fails at once (``ValueError``), never silently: add it at the end of its tuple first.
tests/test_ledger_codes.py pins the entries shipped so far and checks that every kind the code
appends is here.
"""

from __future__ import annotations

OBJECT_TYPES: tuple[str, ...] = (
    "log_entry",
    "day_note",
    "iep",
    "provision",
    "calendar",
    "absence",
    "attachment",
    "communication",
    "letter",
    "prior_written_notice",
    "cost",
    "deadline_event",
    "deadline_settings",
    "report",
    # A record that stands for no row of the app (no current state is checked for it): benches,
    # tests and tools append these.
    "note",
)

KINDS: tuple[str, ...] = (
    "log_entry.created",
    "log_entry.edited",
    "log_entry.retracted",
    "day_note.created",
    "day_note.edited",
    "iep.created",
    "iep.edited",
    "provision.created",
    "provision.edited",
    "provision.retracted",
    "calendar.created",
    "calendar.edited",
    "absence.created",
    "absence.retracted",
    "attachment.created",
    "attachment.edited",
    "communication.created",
    "communication.edited",
    "communication.retracted",
    "letter.created",
    "letter.sent",
    "prior_written_notice.created",
    "cost.created",
    "cost.retracted",
    "deadline_event.created",
    "deadline_event.edited",
    "deadline_event.retracted",
    "deadline_settings.created",
    "deadline_settings.edited",
    "report.generated",
    "note.created",
)
