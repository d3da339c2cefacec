"""The data a report template prints: every number from the insights, every fact from the records.

``report_data`` gathers, for one child, range and set of provisions, everything the meeting summary
and the evidence report show, already worded and formatted (the templates only lay it out): the
numbers of ``insights.compliance.compute_compliance`` (the single source), the findings of
``insights.patterns``, the IEP versions and provisions in force, the chronology of every miss with its
recording facts and attachments, chart series, the method in words and the disclaimers. The ledger
export that the evidence report carries is made in the same read, so the head hash printed on the
cover is the head of the attached records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from evidence.models import Attachment, EvidenceRecord
from insights.compliance import Compliance, compute_compliance
from insights.numbers import format_p_value, percent
from insights.patterns import find_patterns
from logbook.models import SCHOOL_CAUSED_REASONS, LogEntry, MissReason, Source, Status
from plans.models import WEEKDAY_NAMES, Child, Iep, Provision
from reports import ledger_copy
from reports.texts import DISCLAIMERS, HOW_TO_VERIFY, method_sections

KIND_LABELS = dict(Provision.Kind.choices)
REASONS = dict(MissReason.choices)
SOURCES = dict(Source.choices)
STATUS_WORDS: dict[str, str] = {
    Status.DELIVERED: "Delivered",
    Status.PARTIAL: "Partly delivered",
    Status.MISSED: "Missed",
    Status.NOT_APPLICABLE: "Not applicable",
    Status.UNKNOWN: "Not known",
}
CHART_COLORS = ("delivered", "mixed", "missed", "not_logged", "off")


@dataclass(frozen=True)
class ReportInputs:
    child: Child
    kind: str
    start: date
    end: date
    provision_ids: list[int] | None
    bates_prefix: str
    bates_start: int
    ask: str
    generated_by: str
    generated_at: datetime


def day_text(day: date | None) -> str:
    """A date as American readers write it: "Sep 8, 2026"."""
    return f"{day:%b} {day.day}, {day.year}" if day else ""


def long_day(day: date) -> str:
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def pct(value: str | None) -> str:
    return f"{value}%" if value is not None else "n/a"


def minutes_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{minutes:,} min ({hours} h {rest:02d} min)" if minutes >= 60 else f"{minutes} min"


def local_time(moment: datetime) -> str:
    zone = ZoneInfo(settings.TIME_ZONE)
    here = moment.astimezone(zone)
    return f"{day_text(here.date())} at {here:%H:%M} {here.tzname()}"


def utc_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def schedule_text(provision: Provision) -> str:
    if provision.schedule == Provision.Schedule.WEEKDAYS:
        days = sorted(provision.scheduled_weekdays())
        when = ", ".join(WEEKDAY_NAMES[d] for d in days) if days else "no weekday chosen"
    else:
        when = "Every school day the child attends"
    if provision.is_service_with_minutes:
        return f"{when}; {provision.minutes} minutes {provision.get_period_display()}"
    return when


def report_data(inputs: ReportInputs) -> tuple[dict[str, Any], str]:
    """The template's data and the ledger export (JSON text) it relies on, read consistently."""
    child = inputs.child
    with transaction.atomic():
        compliance = compute_compliance(child, inputs.start, inputs.end, inputs.provision_ids)
        evidence = inputs.kind == "evidence"
        if evidence:  # the whole chain goes inside the PDF
            ledger_text, head, count = ledger_copy.ledger_export_text(child)
        else:
            ledger_text, (head, count) = "", ledger_copy.ledger_head(child)
        misses = _misses(compliance, inputs) if evidence else []
        same_day = _same_day(compliance, child, inputs)
        versions = _ieps(child, inputs, compliance) if evidence else []
        next_dates = _next_dates(child, inputs.generated_at.date())
    totals = compliance.totals
    minutes = compliance.minutes
    data: dict[str, Any] = {
        "kind": inputs.kind,
        "title": _title(inputs),
        "child": {
            "name": child.name,
            "date_of_birth": day_text(child.date_of_birth),
            "school": child.school,
            "grade": child.grade,
            "district": child.district,
            "state": child.get_state_display() if child.state else "",
        },
        "range": {
            "start": day_text(inputs.start),
            "end": day_text(inputs.end),
            "text": f"{day_text(inputs.start)} to {day_text(inputs.end)}",
            "iso": f"{inputs.start.isoformat()} to {inputs.end.isoformat()}",
        },
        "selection": (
            "All provisions"
            if inputs.provision_ids is None
            else "Selected provisions: " + ", ".join(p.label for p in compliance.provisions)
        ),
        "generated": {
            "by": inputs.generated_by,
            "at": local_time(inputs.generated_at),
            "at_utc": utc_time(inputs.generated_at),
            "software": "IEP Right",
        },
        "ledger": {
            "head": head,
            "count": count,
            "attachment": ledger_copy.ATTACHMENT_NAME,
            "how_to_verify": HOW_TO_VERIFY,
        },
        "bates": {"prefix": inputs.bates_prefix, "start": inputs.bates_start},
        "ask": inputs.ask,
        "empty": totals.expected == 0 and not compliance.entries,
        "headline": {
            "rate": pct(totals.delivery_percent),
            "coverage": pct(totals.coverage_percent),
            "expected": totals.expected,
            "delivered": totals.delivered,
            "partial": totals.partial,
            "missed": totals.missed,
            "not_applicable": totals.not_applicable,
            "unknown": totals.unknown,
            "not_logged": totals.not_logged,
            "rated": totals.rated,
            "logged": totals.logged,
            "missed_school_caused": totals.missed_school_caused,
            "missed_other": totals.missed_other,
            "same_day": same_day,
        },
        "minutes": {
            "has_services": bool(compliance.services),
            "required": f"{minutes.required:,}",
            "delivered": f"{minutes.delivered:,}",
            "shortfall": f"{minutes.shortfall:,}",
            "makeup": f"{minutes.makeup_minutes:,}",
            "gap_periods": minutes.gap_periods,
            "required_in_gaps": f"{minutes.required_in_gaps:,}",
        },
        "provisions": [_provision(p) for p in compliance.provisions],
        "most_missed": _most_missed(compliance),
        "ieps": versions,
        "misses": misses,
        "findings": _findings(compliance),
        "charts": _charts(compliance),
        "next_dates": next_dates,
        "method": method_sections(),
        "disclaimers": DISCLAIMERS,
    }
    return data, ledger_text


def _title(inputs: ReportInputs) -> str:
    what = "Meeting summary" if inputs.kind == "summary" else "Evidence report"
    return f"{what}: IEP delivery for {inputs.child.name}"


def _provision(p: Any) -> dict[str, Any]:
    d = p.days
    latest = p.versions[-1] if p.versions else None
    row: dict[str, Any] = {
        "label": p.label,
        "kind": KIND_LABELS.get(p.kind, p.kind),
        "wording": latest.wording if latest else "",
        "staff": p.responsible_staff,
        "versions": len(p.versions),
        "expected": d.expected,
        "delivered": d.delivered,
        "partial": d.partial,
        "missed": d.missed,
        "not_applicable": d.not_applicable,
        "unknown": d.unknown,
        "not_logged": d.not_logged,
        "rate": pct(d.delivery_percent),
        "coverage": pct(d.coverage_percent),
        "school_caused": d.missed_school_caused,
        "other": d.missed_other,
        "reasons": [
            {"label": r.label, "count": r.count, "school_caused": r.school_caused} for r in p.miss_reasons if r.count
        ],
        "service": None,
    }
    if p.service is not None:
        s = p.service
        row["service"] = {
            "period": "week" if s.period_kind == "week" else "month",
            "required": f"{s.required:,}",
            "delivered": f"{s.delivered:,}",
            "shortfall": f"{s.shortfall:,}",
            "makeup": f"{s.makeup_minutes:,}",
            "gaps": len(s.gaps),
            "required_in_gaps": f"{s.required_in_gaps:,}",
            "periods": [
                {
                    "label": period.label,
                    "range": f"{day_text(period.counted_from)} to {day_text(period.counted_to)}",
                    "state": period.state,
                    "required": period.required,
                    "delivered": period.delivered,
                    "makeup": period.makeup_minutes,
                    "shortfall": "" if period.shortfall is None else period.shortfall,
                    "cut": period.is_cut,
                }
                for period in s.periods
            ],
        }
    return row


def _most_missed(compliance: Compliance, limit: int = 5) -> list[dict[str, Any]]:
    ranked = sorted(
        (p for p in compliance.provisions if p.days.missed + p.days.partial > 0),
        key=lambda p: (-p.days.missed, -p.days.partial, p.position, p.label),
    )
    return [_provision(p) for p in ranked[:limit]]


def _same_day(compliance: Compliance, child: Child, inputs: ReportInputs) -> dict[str, Any]:
    """How many of the range's entries were recorded on the school day itself (design.md section 5)."""
    lineages = [p.lineage for p in compliance.provisions]
    lags = list(
        LogEntry.objects.counted()
        .filter(
            child=child,
            date__range=(inputs.start, inputs.end),
            provision__lineage__in=lineages,
        )
        .values_list("recording_lag_days", flat=True)
    )
    same = sum(1 for lag in lags if lag <= 0)
    within_two = sum(1 for lag in lags if lag <= 2)
    share = pct(percent(same, len(lags)))
    return {"entries": len(lags), "same_day": same, "within_two_days": within_two, "share": share}


def _misses(compliance: Compliance, inputs: ReportInputs) -> list[dict[str, Any]]:
    """Every missed or partly delivered entry of the range, oldest first, with how it was recorded."""
    lineages = [p.lineage for p in compliance.provisions]
    entries = list(
        LogEntry.objects.counted()
        .filter(
            child=inputs.child,
            date__range=(inputs.start, inputs.end),
            status__in=[Status.MISSED, Status.PARTIAL],
            provision__lineage__in=lineages,
        )
        .select_related("provision", "created_by")
        .order_by("date", "provision__position", "provision_id", "is_makeup")
    )
    ids = [str(e.pk) for e in entries]
    files: dict[str, list[dict[str, str]]] = defaultdict(list)
    for att in Attachment.objects.filter(child=inputs.child, object_type="log_entry", object_id__in=ids).order_by(
        "uploaded_at", "pk"
    ):
        files[att.object_id].append({"name": att.original_name, "sha256": att.sha256})
    latest: dict[str, tuple[int, str]] = {}
    for object_id, seq, digest in (
        EvidenceRecord.objects.filter(child=inputs.child, object_type="log_entry", object_id__in=ids)
        .order_by("seq")
        .values_list("object_id", "seq", "hash")
    ):
        latest[object_id] = (seq, digest)
    counted = {(e.date, e.provision_id, e.status) for e in compliance.entries}
    rows = []
    for entry in entries:
        record = latest.get(str(entry.pk))
        reason = entry.miss_reason or MissReason.UNKNOWN
        rows.append(
            {
                "date": day_text(entry.date),
                "weekday": f"{entry.date:%a}",
                "label": entry.provision.label,
                "wording": entry.provision.wording,
                "status": STATUS_WORDS.get(entry.status, entry.status),
                "makeup": entry.is_makeup,
                "makeup_text": " (make-up session)" if entry.is_makeup else "",
                "minutes_text": _minutes_of(entry),
                "reason": REASONS.get(reason, reason) + ("" if entry.miss_reason else " (no reason given)"),
                "school_caused": reason in SCHOOL_CAUSED_REASONS,
                "source": SOURCES.get(entry.source, entry.source) if entry.source else "Not stated",
                "reporter_text": f"; reported by {entry.reported_by}" if entry.reported_by else "",
                "note": entry.note,
                "recorded": day_text(entry.created_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()),
                "recorded_by": entry.created_by.name if entry.created_by else "",
                "lag": entry.recording_lag_days,
                "lag_text": _lag_text(entry.recording_lag_days),
                "device_text": _device_text(entry),
                "counted": (entry.date, entry.provision_id, entry.status) in counted,
                "attachments": files.get(str(entry.pk), []),
                "record": {"seq": record[0], "hash": record[1]} if record else None,
            }
        )
    return rows


def _minutes_of(entry: LogEntry) -> str:
    """ ", 15 of 30 min" for a service session; empty for an accommodation."""
    if entry.minutes_delivered is None:
        return ""
    session = entry.provision.session_minutes
    return f", {entry.minutes_delivered} of {session} min" if session else f", {entry.minutes_delivered} min"


def _device_text(entry: LogEntry) -> str:
    """For a save made on a phone (maybe offline): when the phone says it was tapped and how long
    before the server received it, e.g. "tapped 3:02 pm on the phone, received 2 h 38 min later"."""
    if entry.device_time is None:
        return ""
    zone = ZoneInfo(settings.TIME_ZONE)
    tapped = entry.device_time.astimezone(zone)
    minutes = max(0, round((entry.updated_at - entry.device_time).total_seconds() / 60))
    hours, rest = divmod(minutes, 60)
    lag = "at once" if minutes == 0 else (f"{hours} h {rest} min later" if hours else f"{rest} min later")
    when = f"{tapped:%-I:%M} {'am' if tapped.hour < 12 else 'pm'}"
    if tapped.date() != entry.date:
        when += f" on {day_text(tapped.date())}"
    return f"tapped {when} on the phone, received {lag}"


def _lag_text(days: int) -> str:
    if days <= 0:
        return "same day"
    return "1 day later" if days == 1 else f"{days} days later"


def _ieps(child: Child, inputs: ReportInputs, compliance: Compliance) -> list[dict[str, Any]]:
    """The IEP versions in force during the range, each with its provisions (the selected ones)."""
    lineages = {p.lineage for p in compliance.provisions}
    ieps = (
        Iep.objects.filter(child=child, effective_from__lte=inputs.end)
        .exclude(status=Iep.Status.DRAFT)
        .exclude(effective_to__lt=inputs.start)
        .prefetch_related("provisions")
        .order_by("effective_from", "pk")
    )
    versions = []
    for number, iep in enumerate(ieps, start=1):
        provisions = [p for p in iep.provisions.all() if str(p.lineage) in {str(x) for x in lineages}]
        versions.append(
            {
                "number": number,
                "from": day_text(iep.effective_from),
                "to": day_text(iep.effective_to),
                "status": iep.get_status_display(),
                "meeting": day_text(iep.meeting_date),
                "annual_review_due": day_text(iep.annual_review_due),
                "reevaluation_due": day_text(iep.reevaluation_due),
                "case_manager": iep.case_manager_name,
                "amendment_note": iep.amendment_note,
                "provisions": [
                    {
                        "label": p.label,
                        "kind": KIND_LABELS.get(p.kind, p.kind),
                        "wording": p.wording,
                        "schedule": schedule_text(p),
                        "setting": p.setting,
                        "staff": p.responsible_staff,
                        "purpose": p.purpose,
                    }
                    for p in provisions
                ],
            }
        )
    return versions


def _next_dates(child: Child, today: date) -> list[dict[str, str]]:
    rules = {
        "annual_review_due": ("Annual IEP review due", "34 CFR 300.324(b)(1)"),
        "reevaluation_due": ("Reevaluation due", "34 CFR 300.303(b)"),
        "meeting_date": ("IEP meeting", ""),
    }
    found = []
    for iep in Iep.objects.filter(child=child, status=Iep.Status.ACTIVE):
        for field, (label, rule) in rules.items():
            day = getattr(iep, field)
            if day is not None and day >= today:
                found.append((day, label, rule))
    return [{"date": day_text(d), "label": label, "rule": rule} for d, label, rule in sorted(found)]


def _findings(compliance: Compliance, limit: int = 8) -> list[dict[str, str]]:
    """The pattern findings of ``insights.patterns``, strongest first, as sentences with their detail."""
    return [
        {"sentence": f.sentence, "detail": f.detail, "p": format_p_value(f.p_value)}
        for f in find_patterns(compliance).findings[:limit]
    ]


def _heat(day: Any) -> str:
    """The heat-map shade of one day: how much of what was expected was delivered."""
    category = day.category
    if category in ("off", "not_logged"):
        return str(category)
    share = day.counts.delivered / day.counts.rated
    if share == 1:
        return "delivered"
    return "most" if share >= 0.85 else "some" if share > 0.5 else "half"


def segments(items: list[Any], empty: Any, gap: int) -> list[list[Any]]:
    """``items`` split where ``gap`` or more empty items run in a row (a summer), those runs dropped.

    Shorter runs of empty items (a holiday week) stay, so a chart shows them as empty.
    """
    parts: list[list[Any]] = [[]]
    run: list[Any] = []
    for item in items:
        if empty(item):
            run.append(item)
            continue
        if len(run) >= gap and parts[-1]:
            parts.append([])
        elif parts[-1]:
            parts[-1].extend(run)
        run = []
        parts[-1].append(item)
    return [part for part in parts if part]


def _span(first: date, last: date) -> str:
    return f"{day_text(first)} to {day_text(last)}"


def _charts(compliance: Compliance) -> dict[str, Any]:
    months = [
        {
            "label": f"{month.month:%b}",
            "year": f"{month.month:%Y}",
            "first": month.month,
            "delivered": month.counts.delivered,
            "partial": month.counts.partial,
            "missed": month.counts.missed,
            "rated": month.counts.rated,
            "rate": pct(month.counts.delivery_percent),
        }
        for month in compliance.months
    ]
    month_rows = []
    for part in segments(months, lambda m: m["rated"] == 0, gap=1):
        for start in range(0, len(part), 13):
            chunk = part[start : start + 13]
            title = f"{chunk[0]['label']} {chunk[0]['year']} to {chunk[-1]['label']} {chunk[-1]['year']}"
            month_rows.append({"title": title, "months": [{k: v for k, v in m.items() if k != "first"} for m in chunk]})
    by_month: dict[date, list[str]] = {}
    for day in compliance.days:
        first = day.date.replace(day=1)
        if first not in by_month:
            # Days before the first of the range's first month are padded as "none".
            by_month[first] = ["none"] * (day.date.day - 1)
        by_month[first].append(_heat(day))
    heatmap = [
        {"label": f"{m:%b %Y}", "days": cells}
        for m, cells in sorted(by_month.items())
        if any(c not in ("none", "off") for c in cells)
    ]
    services = []
    for p in compliance.services:
        assert p.service is not None
        rows = []
        for part in segments(list(p.service.periods), lambda period: period.state == "no_attended_days", gap=4):
            rows.append(
                {
                    "title": _span(part[0].start, part[-1].end),
                    "periods": [
                        {
                            "label": f"{period.start:%b} {period.start.day}"
                            if period.kind == "week"
                            else f"{period.start:%b}",
                            "required": period.required,
                            "delivered": period.delivered,
                            "state": period.state,
                        }
                        for period in part
                    ],
                }
            )
        services.append({"label": p.label, "period": p.service.period_kind, "rows": rows})
    return {"months": month_rows, "heatmap": heatmap, "services": services}
