"""The demo family's reports: one meeting summary already made, so the Reports page looks lived-in.

``seed_demo`` calls ``extend_demo(family)`` after the apps below have added their part (the log), so
the summary shows real numbers. It is made through ``generate_report`` like any other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reports.models import GeneratedReport
from reports.services import generate_report

if TYPE_CHECKING:
    from plans.demo import DemoFamily

DEMO_ASK = (
    "A written make-up plan for the missed service sessions, with dates, and a copy of the IEP "
    "accommodations page for every substitute teacher."
)


def extend_demo(family: DemoFamily) -> None:
    """A meeting summary of the school year so far for the first child, made by the owner."""
    if not family.children:
        return
    child = family.children[0]
    calendar = family.calendars.get(child.pk) or child.calendars.order_by("-first_day").first()
    if calendar is None or calendar.first_day > family.today:
        return
    surname = child.name.split()[-1].upper()
    generate_report(
        child,
        user=family.owner,
        kind=GeneratedReport.Kind.SUMMARY,
        start=calendar.first_day,
        end=min(family.today, calendar.last_day),
        bates_prefix=f"{surname}-",
        ask=DEMO_ASK,
    )
