"""Everyday exports of one child's records: the log as CSV, the IEP dates as an .ics calendar.

CSV (docs/export-format.md): UTF-8 with a byte-order mark, so Excel opens accents and dashes
correctly (LibreOffice, Numbers and Google Sheets ignore the mark); ISO dates (YYYY-MM-DD) and UTC
times; one row per log entry, retracted ones included and flagged; the IEP's exact wording. A text
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
so that a spreadsheet shows it as text instead of running it as a formula.

ICS: one all-day event per IEP date (annual review due, reevaluation due, IEP meeting), with a
UID that stays the same between exports, so importing a newer file updates events instead of
duplicating them.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from deadlines.facts import deadlines_for
from deadlines.ics import deadline_event, scheduled_meeting_events
from iepright.textclean import one_line
from logbook.models import SCHOOL_CAUSED_REASONS, DayNote, LogEntry, MissReason, Source
from plans.models import Child, Iep

CSV_COLUMNS = [
    "entry_id",
    "date",
    "weekday",
    "provision",
    "exact_wording",
    "kind",
    "session",
    "status",
    "minutes_delivered",
    "miss_reason",
    "school_caused",
    "source",
    "reported_by",
    "note",
    "day_tags",
    "recorded_at_utc",
    "recording_lag_days",
    "last_changed_at_utc",
    "edit_reason",
    "retracted",
    "retracted_at_utc",
    "retraction_reason",
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """User text for a spreadsheet cell: never read as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def entries_csv(child: Child) -> str:
    """Every log entry of ``child`` (retracted ones flagged), oldest first, as CSV text with a BOM."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    reasons = dict(MissReason.choices)
    sources = dict(Source.choices)
    tags = {
        day: "; ".join(str(tag) for tag in day_tags or [])
        for day, day_tags in DayNote.objects.filter(child=child).values_list("date", "tags")
    }
    entries = (
        LogEntry.objects.filter(child=child)
        .select_related("provision")
        .order_by("date", "provision__position", "provision_id", "is_makeup")
    )
    for entry in entries:
        provision = entry.provision
        writer.writerow(
            [
                entry.pk,
                entry.date.isoformat(),
                entry.date.strftime("%A"),
                _cell(provision.label),
                _cell(provision.wording),
                provision.get_kind_display(),
                "make-up" if entry.is_makeup else "regular",
                entry.status,
                "" if entry.minutes_delivered is None else entry.minutes_delivered,
                reasons.get(entry.miss_reason, entry.miss_reason),
                ("yes" if entry.miss_reason in SCHOOL_CAUSED_REASONS else "no") if entry.miss_reason else "",
                sources.get(entry.source, entry.source),
                _cell(entry.reported_by),
                _cell(entry.note),
                _cell(tags.get(entry.date, "")),
                _utc(entry.created_at),
                entry.recording_lag_days,
                _utc(entry.updated_at),
                _cell(entry.edit_reason),
                "yes" if entry.retracted_at else "no",
                _utc(entry.retracted_at),
                _cell(entry.retraction_reason),
            ]
        )
    return out.getvalue()


# What each IEP date means, with the rule it comes from (legal-facts.md section 1).
ICS_DATES = (
    (
        "annual_review_due",
        "annual-review",
        "Annual IEP review due",
        "The IEP team must review the IEP at least once a year (34 CFR 300.324(b)(1)).",
    ),
    (
        "reevaluation_due",
        "reevaluation",
        "Reevaluation due",
        "A reevaluation is due at least every 3 years, and not more than once a year unless the parent "
        "and the school agree (34 CFR 300.303(b)).",
    ),
    ("meeting_date", "meeting", "IEP meeting", "The IEP meeting date entered for this IEP version."),
)
ICS_DISCLAIMER = (
    "Dates are computed from what was entered in IEP Right and are estimates: check them against the IEP "
    "and your state's procedural safeguards notice. General information, not legal advice."
)


def iep_dates_ics(child: Child, now: datetime | None = None) -> bytes:
    """An iCalendar file with the IEP dates, meetings and computed deadlines of ``child`` as all-day events."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = new_calendar(f"IEP dates: {child.name}", "IEP dates")
    for event in child_calendar_events(child, stamp):
        calendar.add_component(event)
    return calendar.to_ical()


def new_calendar(name: str, product: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//IEP Right//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(name))  # an old record's name may hold a line break
    return calendar


def child_calendar_events(child: Child, stamp: datetime) -> list[Event]:
    """The child's IEP dates, scheduled meetings and computed deadlines, each with a stable UID.

    Due dates come from the IEP versions in force (active); meeting dates from every version that is
    not a draft, so past meetings stay in the calendar.
    """
    events: list[Event] = []
    name = one_line(child.name)  # records from before the text checks may hold a line break
    ieps = Iep.objects.filter(child=child).exclude(status=Iep.Status.DRAFT).order_by("effective_from", "pk")
    for iep in ieps:
        for field, slug, title, rule in ICS_DATES:
            day = getattr(iep, field)
            if day is None or (field != "meeting_date" and iep.status != Iep.Status.ACTIVE):
                continue
            event = Event()
            event.add("uid", f"iepright-iep{iep.pk}-{slug}@iepright")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", f"{title}: {name}")
            event.add(
                "description",
                f"{rule}\nIEP version in effect from {iep.effective_from.isoformat()}.\n\n{ICS_DISCLAIMER}",
            )
            event.add("transp", "TRANSPARENT")
            if day >= stamp.date() and field != "meeting_date":
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", f"In two weeks: {title.lower()} for {name}")
                alarm.add("trigger", timedelta(days=-14))
                event.add_component(alarm)
            events.append(event)
    events += scheduled_meeting_events(child, stamp)
    for deadline in deadlines_for(child, stamp.date()):
        if (vevent := deadline_event(child.pk, name, deadline, stamp)) is not None:
            events.append(vevent)
    return events
