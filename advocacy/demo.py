"""seed_demo's hook: a records request and an IEP meeting request for the first child, both sent,
drafted from the log like a parent would, and one out-of-pocket cost (private speech therapy)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from advocacy.letters import draft_letter
from advocacy.services import add_cost, mark_sent, save_letter
from correspondence.demo import _day, demo_clock
from plans.demo import DemoFamily


def extend_demo(family: DemoFamily) -> None:
    child = family.children[0]
    parent = family.owner
    iep = child.ieps.order_by("-effective_from").first()
    speech = next((p for p in iep.provisions.all() if "Speech" in p.label), None) if iep else None
    with demo_clock(family, child):
        add_cost(
            child,
            user=parent,
            client_id=uuid.uuid4(),
            day=_day(family, child, 45),
            provider="Bright Start Speech Clinic",
            description="Private speech therapy, 2 sessions of 45 minutes",
            amount_cents=24000,
            provision_ids=[speech.pk] if speech else [],
        )
        for kind, offset in (("records_request", 55), ("iep_meeting_request", 75)):
            sent_on = _day(family, child, offset)
            draft = draft_letter(
                child, kind, parent_name=parent.display_name, end=sent_on - timedelta(days=1), today=sent_on
            )
            letter = save_letter(
                child,
                kind=kind,
                subject=draft.subject,
                body=draft.body,
                user=parent,
                client_id=uuid.uuid4(),
                provision_ids=draft.provision_ids,
                range_from=draft.start,
                range_to=draft.end,
            )
            mark_sent(letter, user=parent, day=sent_on, channel="email", follow_up_due=sent_on + timedelta(days=10))
