"""Fixtures shared by the communications and advocacy tests (and the outsider walk)."""

from __future__ import annotations

import uuid
from datetime import date

from accounts.models import User
from advocacy import services as advocacy
from correspondence import services as correspondence
from plans.models import Child


def advocacy_fixture(child: Child, user: User) -> tuple[int, int, int, int]:
    """One communication, letter, prior written notice and cost of ``child``: their ids."""
    comm = correspondence.create_communication(
        child,
        user=user,
        client_id=uuid.uuid4(),
        date=date(2026, 9, 14),
        channel="email",
        direction="sent",
        counterpart_name="Ms. Patel",
        counterpart_role="Case manager",
        subject="Speech therapy sessions",
        body="Speech was cancelled twice this month.",
        follow_up_due=date(2026, 9, 21),
    )
    letter = advocacy.save_letter(
        child,
        kind="records_request",
        subject="Records",
        body="Please send the records.",
        user=user,
        client_id=uuid.uuid4(),
    )
    notice = advocacy.record_pwn(
        child,
        user=user,
        client_id=uuid.uuid4(),
        received_on=date(2026, 10, 2),
        action="Refused more speech minutes",
        proposes=False,
        elements=["action", "why"],
    )
    cost = advocacy.add_cost(
        child,
        user=user,
        client_id=uuid.uuid4(),
        day=date(2026, 10, 5),
        provider="Bright Speech LLC",
        description="Private speech therapy",
        amount_cents=12000,
    )
    return comm.pk, letter.pk, notice.pk, cost.pk
