"""A member's private calendar feed: every child of every household they belong to, read at request time.

The feed holds IEP dates, scheduled meetings, computed deadlines and follow-up dates, each with a
stable UID, so a calendar app that polls the URL replaces changed entries instead of adding copies.
Membership is checked on every request: someone removed from a household stops seeing its children.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _

from deadlines.ics import all_day_event
from plans.access import children_for
from reminders.follow_ups import follow_ups_due
from reminders.models import CalendarFeed
from reports.exports import child_calendar_events, new_calendar


def active_feed(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at=None).order_by("-pk").first()


def feed_ics(feed: CalendarFeed, now: datetime | None = None) -> bytes:
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = new_calendar("IEP Right", "Calendar feed")
    calendar.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    for child in children_for(feed.user, "view").order_by("name", "pk"):
        for event in child_calendar_events(child, stamp):
            calendar.add_component(event)
        for follow_up in follow_ups_due(child):
            calendar.add_component(
                all_day_event(
                    f"iepright-child{child.pk}-follow-up-{follow_up.id}@iepright",
                    follow_up.due,
                    _("Follow up: %(title)s (%(child)s)") % {"title": follow_up.title, "child": child.name},
                    _("The date you set to follow up with the school if there is no answer."),
                    stamp,
                )
            )
    return calendar.to_ical()
