"""What reminders are due, and sending them once: the work behind ``manage.py send_reminders``.

``send_due(now)`` goes through every person with a household: at or after their time of day it
collects the notices each wanted kind gives (``*_items``), claims a ``Notice`` row per notice (unique
per person and key) and sends one email per kind with the newly claimed ones. A notice already
claimed is never sent again, so running twice sends once; if sending fails, the claims are dropped
and the next run tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.compute import UPCOMING, Deadline
from deadlines.facts import deadlines_for
from logbook.days import LogWindow, reminder_for
from plans.access import children_for
from plans.models import Child
from reminders.follow_ups import overdue_follow_ups
from reminders.models import DAILY_LOG, DEADLINES, FOLLOW_UPS, KIND_LABELS, WEEKLY_SUMMARY, Notice, ReminderSettings
from reminders.tokens import unsubscribe_token

logger = logging.getLogger(__name__)

AHEAD = (1, 7, 14)  # days before a deadline that a reminder goes out


@dataclass
class Item:
    key: str
    text: str
    child: Child | None = None
    lines: list[str] = field(default_factory=list)  # details under the text


@dataclass
class RunResult:
    emails: int = 0
    notices: int = 0
    people: int = 0


def long_day(day: date) -> str:
    """ "Tuesday, December 1, 2026" """
    return f"{day:%A, %B} {day.day}, {day.year}"


def site_url(path: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


# --- What is due ---------------------------------------------------------------------------------


def daily_log_items(user: Any, today: date) -> list[Item]:
    """A child the person may log for, on a school day with something expected and nothing (fully) logged."""
    items = []
    for child in children_for(user, "edit").order_by("name", "pk"):
        status = LogWindow(child, today, today).status(today, today)
        if status.needs_logging:
            items.append(
                Item(
                    key=f"daily_log:{child.pk}:{today.isoformat()}",
                    text=_("%(child)s: today is not logged yet (%(detail)s).")
                    % {"child": child.name, "detail": status.detail},
                    child=child,
                    lines=[site_url(reverse("logbook:today", args=[child.pk]))],
                )
            )
    return items


def ahead_step(days_left: int) -> int | None:
    """The reminder step (14, 7 or 1 days ahead) a deadline ``days_left`` days away belongs to."""
    return next((step for step in AHEAD if 1 <= days_left <= step), None)


def _deadline_lines(deadline: Deadline) -> list[str]:
    return [
        _("Rule: %(citation)s. %(summary)s") % {"citation": deadline.citation, "summary": deadline.rule.summary},
        _("How it was counted: %(counting)s") % {"counting": deadline.counting},
    ]


def deadline_items(user: Any, today: date) -> list[Item]:
    items = []
    for child in children_for(user, "view").order_by("name", "pk"):
        for deadline in deadlines_for(child, today):
            if deadline.status != UPCOMING or deadline.date is None:
                continue
            days_left = (deadline.date - today).days
            step = ahead_step(days_left)
            if step is None:
                continue
            when = _("tomorrow") if days_left == 1 else _("in %(n)d days") % {"n": days_left}
            items.append(
                Item(
                    key=f"deadline:{child.pk}:{deadline.uid}:{deadline.date.isoformat()}:{step}",
                    text=_("%(child)s: %(title)s, %(day)s (%(when)s).")
                    % {"child": child.name, "title": deadline.rule.title, "day": long_day(deadline.date), "when": when},
                    child=child,
                    lines=_deadline_lines(deadline),
                )
            )
    return items


def follow_up_items(user: Any, today: date) -> list[Item]:
    items = []
    for child in children_for(user, "view").order_by("name", "pk"):
        for follow_up in overdue_follow_ups(child, today):
            items.append(
                Item(
                    key=f"follow_up:{child.pk}:{follow_up.id}:{follow_up.due.isoformat()}",
                    text=_("%(child)s: no answer yet to \u201c%(title)s\u201d (follow up by %(day)s).")
                    % {"child": child.name, "title": follow_up.title, "day": f"{follow_up.due:%B} {follow_up.due.day}"},
                    child=child,
                )
            )
    return items


def weekly_items(user: Any, today: date, preferences: ReminderSettings) -> list[Item]:
    """One summary a week, on the person's chosen day: the next two weeks, last week's log, follow-ups."""
    if today.weekday() != preferences.weekly_day:
        return []
    year, week, _weekday = today.isocalendar()
    lines: list[str] = []
    for child in children_for(user, "view").order_by("name", "pk"):
        deadlines = deadlines_for(child, today)
        coming = [d for d in deadlines if d.status == UPCOMING and d.date and d.date <= today + timedelta(days=14)]
        undated = [d for d in deadlines if d.date is None]
        unlogged = reminder_for(child, today, 7)
        overdue = overdue_follow_ups(child, today)
        lines.append(f"{child.name}:")
        lines += [f"  - {d.rule.title}: {d.date:%a %b} {d.date.day} ({d.citation})" for d in coming if d.date]
        if not coming:
            lines.append("  - " + _("No deadline in the next two weeks."))
        if undated:
            lines.append(
                "  - " + _("%(n)d deadline(s) without a date: see why on the deadlines page.") % {"n": len(undated)}
            )
        lines.append("  - " + _("School days in the last week not fully logged: %(n)d.") % {"n": len(unlogged)})
        if overdue:
            lines.append("  - " + _("Follow-ups waiting for an answer: %(n)d.") % {"n": len(overdue)})
    if not lines:
        return []
    text = _("Your week ahead (%(day)s).") % {"day": f"{today:%B} {today.day}"}
    return [Item(key=f"weekly:{year}-W{week:02d}", text=text, lines=lines)]


# --- Sending once --------------------------------------------------------------------------------


def claim(user: Any, kind: str, items: list[Item]) -> list[Item]:
    """The items not sent before, each now recorded as a Notice (a second run finds them taken)."""
    claimed = []
    for item in items:
        try:
            with transaction.atomic():
                Notice.objects.create(
                    user=user,
                    kind=kind,
                    key=item.key,
                    child=item.child,
                    subject=KIND_LABELS[kind][:200],
                    text=item.text[:500],
                )
        except IntegrityError:
            continue  # sent before (or by a worker running at the same moment)
        claimed.append(item)
    return claimed


def build_message(user: Any, preferences: ReminderSettings, kind: str, items: list[Item]) -> EmailMessage:
    unsubscribe = site_url(reverse("reminders:unsubscribe", args=[unsubscribe_token(user.pk, kind)]))
    context = {
        "kind": kind,
        "items": items,
        "unsubscribe_url": unsubscribe,
        "settings_url": site_url(reverse("reminders:settings")),
        "name": getattr(user, "display_name", "") or "",
    }
    subjects = {
        DAILY_LOG: _("Today is not logged yet"),
        DEADLINES: _("Deadlines coming up"),
        FOLLOW_UPS: _("Follow-ups waiting for an answer"),
        WEEKLY_SUMMARY: _("Your weekly summary"),
    }
    return EmailMessage(
        subject=f"[IEP Right] {subjects[kind]}",
        body=render_to_string("reminders/email.txt", context),
        to=[preferences.address()],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def send_kind(user: Any, preferences: ReminderSettings, kind: str, items: list[Item]) -> int:
    """Send the items of one kind not sent before in one email; returns how many notices it carried."""
    claimed = claim(user, kind, items)
    if not claimed:
        return 0
    try:
        build_message(user, preferences, kind, claimed).send()
    except Exception:
        Notice.objects.filter(user=user, key__in=[item.key for item in claimed]).delete()  # try again next run
        raise
    return len(claimed)


def items_for(kind: str, user: Any, today: date, preferences: ReminderSettings) -> list[Item]:
    if kind == DAILY_LOG:
        return daily_log_items(user, today)
    if kind == DEADLINES:
        return deadline_items(user, today)
    if kind == FOLLOW_UPS:
        return follow_up_items(user, today)
    return weekly_items(user, today, preferences)


def people() -> Any:
    return get_user_model().objects.filter(is_active=True, memberships__isnull=False).distinct().order_by("pk")


def send_due(now: datetime | None = None) -> RunResult:
    """Send every reminder due at ``now`` that was not sent before."""
    local = timezone.localtime(now or timezone.now())
    today, result = local.date(), RunResult()
    for user in people():
        preferences = ReminderSettings.defaults_for(user)
        if local.time() < preferences.send_at or not preferences.address():
            continue
        result.people += 1
        for kind in (DAILY_LOG, DEADLINES, FOLLOW_UPS, WEEKLY_SUMMARY):
            if not preferences.wants(kind):
                continue
            try:
                sent = send_kind(user, preferences, kind, items_for(kind, user, today, preferences))
            except Exception:
                logger.exception("Sending %s reminders to person %s failed; they will be tried again.", kind, user.pk)
                continue
            if sent:
                result.emails += 1
                result.notices += sent
    return result
