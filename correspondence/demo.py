"""seed_demo's hook: a realistic thread with the first child's case manager.

The parent emails about missed speech sessions and gets an answer, logs a call, confirms it in
writing, and writes again about occupational therapy without an answer by the follow-up date (so
the overview shows an overdue follow-up). Dates follow the school year around the demo's "today";
the records are written after the log, under a clock just after its last record, so the chain's
times run forward.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from correspondence.models import Direction
from correspondence.services import create_communication
from evidence.models import EvidenceRecord
from plans.demo import DemoFamily, simulated_clock
from plans.models import Child


def demo_clock(family: DemoFamily, child: Child) -> AbstractContextManager[None]:
    """The clock the demo writes with: the demo's "today" at 9:30 pm, never before the child's newest record.

    When the real time is already later than both (the usual case), the real clock is kept, so the
    apps whose demo runs next also write after these records: the chain's times never run backwards.
    """
    # Never in the future (seeded in the morning, tonight has not come): a later real write would then
    # come before it, and verification flags a clock running backwards.
    evening = min(timezone.make_aware(datetime.combine(family.today, time(21, 30))), timezone.now())
    last = EvidenceRecord.objects.filter(child=child).order_by("-seq").values_list("recorded_at", flat=True).first()
    moment = max(evening, last + timedelta(milliseconds=1)) if last else evening
    return nullcontext() if timezone.now() >= moment else simulated_clock(moment)


def _day(family: DemoFamily, child: Child, offset: int) -> date:
    """A weekday ``offset`` days after the school year's first day, never after yesterday."""
    first = family.calendars[child.pk].first_day
    day = min(first + timedelta(days=offset), family.today - timedelta(days=1))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def extend_demo(family: DemoFamily) -> None:
    child = family.children[0]
    iep = child.current_iep(family.today)
    manager = iep.case_manager_name if iep else "Laura Chen"
    manager_email = iep.case_manager_email if iep else ""
    parent = family.owner
    with demo_clock(family, child):

        def add(**values: object) -> int:
            return create_communication(child, user=parent, client_id=uuid.uuid4(), **values).pk  # type: ignore[arg-type]

        asked_on = _day(family, child, 27)
        asked = add(
            date=asked_on,
            time=time(20, 15),
            channel="email",
            direction=Direction.SENT,
            counterpart_name=manager,
            counterpart_role="Case manager",
            to_address=manager_email,
            subject="Speech therapy sessions missed",
            body=(
                f"Hi {manager},\n\nElla told me she did not have speech therapy this week, and her teacher said the "
                "speech-language pathologist was out. Her IEP gives her 120 minutes a month. Could you tell me "
                "when the missed sessions will be made up?\n\nThank you,\nDana"
            ),
            follow_up_due=asked_on + timedelta(days=7),
        )
        add(
            date=_day(family, child, 29),
            time=time(7, 48),
            channel="email",
            direction=Direction.RECEIVED,
            counterpart_name=manager,
            counterpart_role="Case manager",
            from_address=f"{manager} <{manager_email}>",
            subject="Re: Speech therapy sessions missed",
            body=(
                "Hi Dana, thanks for reaching out. Our SLP was out sick for part of the week. We will add "
                "make-up sessions on Thursdays starting next week. Best, " + manager
            ),
            in_reply_to=asked,
        )
        add(
            date=_day(family, child, 50),
            time=time(15, 20),
            channel="call",
            direction=Direction.RECEIVED,
            counterpart_name=manager,
            counterpart_role="Case manager",
            to_address=manager_email,
            subject=f"Phone call with {manager}",
            body=(
                "Ms. Chen called at pick-up. She said the make-up speech sessions had not started yet because of "
                "the SLP's caseload, and that substitutes do not always get the accommodations list."
            ),
        )
        wrote_on = _day(family, child, 62)
        add(
            date=wrote_on,
            time=time(21, 5),
            channel="email",
            direction=Direction.SENT,
            counterpart_name=manager,
            counterpart_role="Case manager",
            to_address=manager_email,
            subject="Occupational therapy and shortened assignments",
            body=(
                f"Hi {manager},\n\nMy log shows OT was missed twice this month and shortened assignments were not "
                "given on several substitute days. Can we set a plan so substitutes get Ella's accommodations "
                "list? Please reply by the date below.\n\nThank you,\nDana"
            ),
            follow_up_due=wrote_on + timedelta(days=7),
        )
