"""The evidence report's communications section: what was asked, when, whether and when the school answered.

Read from the ledger records (the latest version of each communication), never from the current
table, like every fact the report prints as recorded (design.md section 5). Withdrawn communications
are left out; a sent message counts as answered by the first reply recorded for it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from plans.models import Child
from reports import ledger_facts
from reports.labels import choice_label
from reports.ledger_facts import History

CHANNELS = {  # translated when a report is built (reports.labels.choice_label)
    "email": gettext_lazy("Email"),
    "call": gettext_lazy("Phone call"),
    "meeting": gettext_lazy("Meeting"),
    "letter": gettext_lazy("Letter"),
    "portal": gettext_lazy("Portal message"),
    "other": gettext_lazy("Other"),
}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _text(day: date | None) -> str:
    return f"{day:%b} {day.day}, {day.year}" if day else ""


def _status(sent: bool, day: date, answer: date | None, due: date | None, settled: bool) -> str:
    """Whether a message was answered, and when, in words: "Answered Sep 17, 2026 (2 days)"."""
    if not sent:
        return _("Received")
    if answer is not None:
        days = (answer - day).days
        return ngettext("Answered %(day)s (%(count)s day)", "Answered %(day)s (%(count)s days)", days) % {
            "day": _text(answer),
            "count": days,
        }
    if settled:
        return _("Settled without a written answer")
    if due is not None:
        return _("No answer recorded (asked by %(day)s)") % {"day": _text(due)}
    return _("No answer recorded")


def communications_data(
    child: Child, start: date, end: date, histories: dict[str, History] | None = None
) -> dict[str, Any]:
    """Rows for the report (sent and received, oldest first) and the counts a reader needs.

    ``histories``: the communications' records as the report already read them with the chain
    (``reports.ledger_facts.HistoryReader``); without them, they are read here.
    """
    if histories is None:
        histories = ledger_facts.histories(child.pk, "communication")
    latest = {object_id: history.latest.payload for object_id, history in histories.items()}
    first_recorded = {object_id: history.first.at for object_id, history in histories.items()}
    current = {key: p for key, p in latest.items() if not p.get("retracted_at")}
    answers: dict[int, date] = {}
    for payload in current.values():
        replied_to, day = payload.get("in_reply_to"), _day(payload.get("date"))
        if replied_to is not None and day is not None:
            answers[replied_to] = min(answers.get(replied_to, day), day)
    rows = []
    asked = answered = 0
    for key, p in sorted(current.items(), key=lambda item: (item[1]["date"], item[1].get("time") or "", int(item[0]))):
        day = _day(p["date"])
        if day is None or not (start <= day <= end):
            continue
        sent = p["direction"] == "sent"
        answer = answers.get(p["id"]) if sent else None
        if sent:
            asked += 1
            answered += answer is not None
        due = _day(p.get("follow_up_due"))
        status = _status(sent, day, answer, due, bool(p.get("follow_up_closed")))
        rows.append(
            {
                "date": _text(day),
                "direction": _("Parent to school") if sent else _("School to parent"),
                "channel": choice_label(CHANNELS, p["channel"]),
                "with": ", ".join(x for x in (p.get("counterpart_name"), p.get("counterpart_role")) if x),
                "subject": p.get("subject") or "",
                "status": status,
                "recorded": _text(first_recorded[key].date()),
            }
        )
    return {"rows": rows, "asked": asked, "answered": answered, "unanswered": asked - answered}
