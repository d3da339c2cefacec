"""A log entry's status stored as a 2-byte number, read and written as its word (logbook.codes)."""

from __future__ import annotations

from evidence.fields import CodeField
from logbook.codes import STATUSES


class EntryStatusField(CodeField):
    """``LogEntry.status``: the word in Python (``Status``), its number from ``logbook.codes`` in the database."""

    description = "log entry statuses"
    table = "the log's table of statuses (logbook.codes)"
    codes = STATUSES
