"""The one place advocacy tells the deadlines app that something happened.

A letter marked sent can start a legal clock (a records request, a written request for an IEP
meeting, a state complaint filed). The deadlines app owns the rules and computes the dates; this
module only maps a letter kind to its event kinds and records them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from deadlines.services import record_event

# Letter kind -> deadline event kinds it starts. A due process complaint's clocks start when the
# district *receives* it, which the sent date does not prove; mediation has no fixed timeline
# (34 CFR 300.506). Neither records an event here: the parent enters the receipt on the deadlines page.
LETTER_EVENTS = {
    "records_request": ("records_request", "ferpa_records_request"),
    "iep_meeting_request": ("iep_meeting_requested",),
    "state_complaint": ("state_complaint_filed",),
}


def record_deadline_events(child: Any, letter_kind: str, day: date, user: Any, *, letter_id: int) -> list[Any]:
    """Record the deadline events a letter of ``letter_kind`` sent on ``day`` starts (maybe none)."""
    return [
        record_event(child, kind, day, user, source="letter sent", source_type="letter", source_id=letter_id)
        for kind in LETTER_EVENTS.get(letter_kind, ())
    ]
