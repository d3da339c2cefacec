"""What a communication did, told to the deadlines app (which owns the rules and computes the dates).

A parent recording a communication may say it started a legal clock: records asked for, an IEP
meeting asked for in writing or scheduled, a state complaint filed, a due process complaint received
by the district. Letters marked sent do the same through ``advocacy.events``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from deadlines.services import record_event

# Choice -> (label, deadline event kinds it records).
COMMUNICATION_EVENTS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "records_request": (_("I asked for my child's records"), ("records_request", "ferpa_records_request")),
    "iep_meeting_requested": (_("I asked in writing for an IEP meeting"), ("iep_meeting_requested",)),
    "iep_meeting_scheduled": (_("An IEP meeting was scheduled (give its date)"), ("iep_meeting_scheduled",)),
    "state_complaint_filed": (_("I filed a state complaint"), ("state_complaint_filed",)),
    "due_process_complaint_received": (
        _("The district received my due process complaint"),
        ("due_process_complaint_received",),
    ),
}
EVENT_CHOICES = [("", _("Nothing of these"))] + [(key, label) for key, (label, _kinds) in COMMUNICATION_EVENTS.items()]


def record_communication_event(comm: Any, event: str, day: date, user: Any) -> list[Any]:
    """Record the deadline events ``event`` stands for, dated ``day``, with the communication as source."""
    return [
        record_event(
            comm.child,
            kind,
            day,
            user,
            source="communication recorded",
            source_type="communication",
            source_id=comm.pk,
        )
        for kind in COMMUNICATION_EVENTS[event][1]
    ]
