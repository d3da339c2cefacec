"""The demo family's deadline events: a records request, a meeting, a problem the parent learned of.

``seed_demo`` calls ``extend_demo(family)`` after the log is written; the events go through
``record_event`` like the parent's own, so the ledger verifies.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from deadlines.counting import add_years
from deadlines.services import record_event

if TYPE_CHECKING:
    from plans.demo import DemoFamily


def extend_demo(family: DemoFamily) -> None:
    if not family.children:
        return
    child, today, parent = family.children[0], family.today, family.owner
    record_event(
        child,
        "knew_or_should_have_known",
        today - timedelta(days=30),
        parent,
        note="Speech sessions missed for two weeks",
    )
    record_event(child, "violation", today - timedelta(days=30), parent, note="Speech sessions missed for two weeks")
    record_event(child, "records_request", today - timedelta(days=3), parent, note="Emailed to the case manager")
    record_event(child, "iep_meeting_scheduled", today + timedelta(days=16), parent, note="Room 4, 3:30 pm")
    # The last evaluation three years before the reevaluation date on the demo IEP, so both agree.
    due = (
        child.ieps.filter(reevaluation_due__isnull=False)
        .order_by("-effective_from")
        .values_list("reevaluation_due", flat=True)
        .first()
    )
    if due is not None:
        record_event(child, "last_evaluation", add_years(due, -3), parent)
