"""Deadlines as iCalendar events, for the child's .ics export and each member's calendar feed.

UIDs are stable: the child, the rule and the event that started the clock, so a changed date replaces
the calendar entry instead of adding a second one. Deadlines without a date are left out (the page
says why).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Alarm, Event

from deadlines.compute import EVENT_LABELS, UPCOMING, Deadline
from deadlines.models import DeadlineEvent
from deadlines.rules import MEETING_KINDS
from iepright.textclean import one_line

ICS_DISCLAIMER = gettext_lazy(
    "Deadlines are estimates computed from the dates entered in IEP Right. Filing limits can be lost: "
    "contact a lawyer, your state's Parent Training and Information Center or its Protection and Advocacy "
    "agency before a deadline. Laws and state rules change: check your state's procedural safeguards notice. "
    "General information, not legal advice."
)


def all_day_event(uid: str, day: date, summary: str, description: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def deadline_event(child_id: int, child_name: str, deadline: Deadline, stamp: datetime) -> Event | None:
    if deadline.date is None:
        return None
    description = "\n".join(
        part
        for part in (
            str(deadline.rule.summary),
            _("Rule: %(citation)s.") % {"citation": deadline.citation},
            _("From: %(event)s, %(day)s.")
            % {"event": deadline.source_event_label, "day": deadline.source_event.date.isoformat()},
            deadline.note,
            _("How it was counted: %(counting)s") % {"counting": deadline.counting},
            "",
            str(ICS_DISCLAIMER),
        )
        if part is not None
    )
    event = all_day_event(
        f"iepright-child{child_id}-deadline-{deadline.uid}@iepright",
        deadline.date,
        _("%(title)s: %(child)s") % {"title": deadline.rule.title, "child": child_name},
        description,
        stamp,
    )
    if deadline.status == UPCOMING:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add(
            "description",
            _("In one week: %(title)s for %(child)s")
            % {"title": str(deadline.rule.title).lower(), "child": child_name},
        )
        alarm.add("trigger", timedelta(days=-7))
        event.add_component(alarm)
    return event


def scheduled_meeting_events(child: Any, stamp: datetime) -> list[Event]:
    """IEP meetings, resolution sessions and hearings the parent entered as scheduled."""
    rows = DeadlineEvent.objects.filter(child=child, kind__in=MEETING_KINDS, retracted_at=None).order_by("date", "pk")
    return [
        all_day_event(
            f"iepright-child{child.pk}-meeting-{row.pk}@iepright",
            row.date,
            _("%(title)s: %(child)s")
            % {"title": str(EVENT_LABELS[row.kind]).removesuffix(" for"), "child": one_line(child.name)},
            row.note or _("Entered in IEP Right."),
            stamp,
        )
        for row in rows
    ]
