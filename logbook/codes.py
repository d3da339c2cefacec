"""A log entry's status and the small number it is stored as (issue 17, "Storage").

Every entry repeats one of five words ("delivered", "not_applicable", ...: 9.6 bytes on average on
PostgreSQL); the database keeps a 2-byte number instead (``logbook.fields.EntryStatusField``), and
every reader, form, export, the API and the ledger's payloads still see the word. The number of a
word is its place in the tuple below, counting from 1.

Append-only, as ``evidence.codes``: an entry written with a number must read back the same word
forever, so a word is never changed, removed or moved; a new status goes at the end (and into
``logbook.models.Status``). Writing a word that is not here fails at once (``ValueError``).
tests/test_entry_status_codes.py pins the words shipped so far and checks that every ``Status`` is
here. The numbers do not sort like the words: nothing orders entries by status.
"""

from __future__ import annotations

STATUSES: tuple[str, ...] = (
    "delivered",
    "partial",
    "missed",
    "not_applicable",
    "unknown",
)
