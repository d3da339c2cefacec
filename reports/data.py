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
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from evidence.ledger import GENESIS_HASH
from evidence.verify import ChainReport, chain_rows, finish_check, walk_chain
from insights.compliance import Compliance, compute_compliance
from insights.numbers import format_p_value, percent
from insights.patterns import find_patterns
from logbook.models import SCHOOL_CAUSED_REASONS, MissReason, Source, Status
from plans.models import US_STATES, Child, Iep, Provision
from reports import ledger_copy
from reports import ledger_facts as lf
from reports.communications import communications_data
from reports.labels import choice_label
from reports.stages import stage
from reports.texts import declaration, disclaimers, how_to_verify, method_sections, school_caused_why
from reports.words import chronology_formats, report_words

# Choice labels, translated when a report is built (reports.labels.choice_label), never before.
KIND_LABELS = dict(Provision.Kind.choices)
IEP_STATUSES = dict(Iep.Status.choices)
STATES = dict(US_STATES)
REASONS = dict(MissReason.choices)
SOURCES = dict(Source.choices)
STATUS_WORDS: dict[str, Any] = {
    Status.DELIVERED: gettext_lazy("Delivered"),
    Status.PARTIAL: gettext_lazy("Partly delivered"),
    Status.MISSED: gettext_lazy("Missed"),
    Status.NOT_APPLICABLE: gettext_lazy("Not applicable"),
    Status.UNKNOWN: gettext_lazy("Not known"),
}
CHART_COLORS = ("delivered", "mixed", "missed", "not_logged", "off")


class ReportNotMade(Exception):
    """No report was made; the message says why, in words for the person who asked for it."""


class ChainBroken(ReportNotMade):
    """The child's chain does not verify now: no report is made from it."""

    @classmethod
    def at(cls, problem: object) -> ChainBroken:
        return cls(
            _(
                "This report was not made: the child's records do not verify. "
                "The first problem is at %(problem)s. Nothing was generated."
            )
            % {"problem": problem}
        )


@dataclass(frozen=True)
class Exhibit:
    """A file the report shows or carries: the IEP document, a photo, an email or a PDF."""

    number: int
    name: str
    sha256: str
    content_type: str
    size: int
    about: str
    shown: str  # "photo": a page of its own; "attached": carried inside the PDF
    entry_id: str = ""  # the log entry it was kept with, if any

    @property
    def label(self) -> str:
        return _("Exhibit %(number)s") % {"number": self.number}

    @property
    def file_name(self) -> str:
        """Its name inside the PDF: numbered, so two files of the same name never clash."""
        return f"exhibit-{self.number:02d}-{self.name}"

    @property
    def page_path(self) -> str:
        """Where the template finds the file (the render worker's root holds a copy)."""
        return f"/exhibits/{self.sha256}"


SHOWN_IMAGES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
TYPE_WORDS: dict[str, Any] = {
    "image/jpeg": gettext_lazy("Photo (JPEG)"),
    "image/png": gettext_lazy("Photo (PNG)"),
    "image/heic": gettext_lazy("Photo (HEIC)"),
    "image/heif": gettext_lazy("Photo (HEIF)"),
    "application/pdf": gettext_lazy("PDF document"),
    "message/rfc822": gettext_lazy("Saved email (.eml)"),
    "text/plain; charset=utf-8": gettext_lazy("Text file"),
}
NOT_SHOWN_WHY: dict[str, Any] = {
    "image/heic": gettext_lazy(
        "HEIC photos (the iPhone's format) cannot be placed on a PDF page by the typesetter; "
        "the photo is carried inside this PDF as the attached file named here, byte for byte."
    ),
    "image/heif": gettext_lazy(
        "HEIF photos cannot be placed on a PDF page by the typesetter; "
        "the photo is carried inside this PDF as the attached file named here, byte for byte."
    ),
}


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
    declarant: str = ""  # the person's name alone, typed as the declarant of the declaration page


def day_text(day: date | None) -> str:
    """A date as American readers write it: "Sep 8, 2026"."""
    return f"{day:%b} {day.day}, {day.year}" if day else ""


def long_day(day: date) -> str:
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def pct(value: str | None) -> str:
    return f"{value}%" if value is not None else pgettext("no rate", "n/a")


def local_time(moment: datetime) -> str:
    zone = ZoneInfo(settings.TIME_ZONE)
    here = moment.astimezone(zone)
    return _("%(day)s at %(time)s %(zone)s") % {
        "day": day_text(here.date()),
        "time": f"{here:%H:%M}",
        "zone": here.tzname(),
    }


def utc_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def schedule_text(provision: Provision) -> str:
    """When a provision is owed and, for a service, how much: "Monday, Wednesday; 60 minutes per week
    (sessions of 30 min)"."""
    if provision.schedule == Provision.Schedule.WEEKDAYS:
        days = sorted(provision.scheduled_weekdays())
        when = ", ".join(str(WEEKDAYS[d]) for d in days) if days else _("no weekday chosen")
    elif provision.schedule == Provision.Schedule.FLEXIBLE:
        when = _("Flexible: the provider picks the days")
    else:
        when = _("Every school day the child attends")
    if not provision.is_service_with_minutes:
        return when
    return _("%(when)s; %(amount)s") % {"when": when, "amount": _amount_text(provision)}


def _amount_text(provision: Provision) -> str:
    """ "120 minutes per month (4 sessions of 30 min)", as the IEP states the service."""
    minutes = provision.minutes or 0
    if provision.period == Provision.Period.MONTH:
        amount = ngettext("%(count)s minute per month", "%(count)s minutes per month", minutes)
    else:
        amount = ngettext("%(count)s minute per week", "%(count)s minutes per week", minutes)
    return provision.with_sessions(amount % {"count": minutes})


@dataclass
class ChainRead:
    """The child's chain as a report read it: every record read once, as tuples, and the ledger facts
    and the export made from them straight away, without the proof. ``prove`` then checks those same
    records (links, canonical payloads, hashes, time order) and the rest of ``verify_child`` (current
    rows, stored files, anchors); the report runs it while its worker compiles and keeps nothing
    unless it passes. No result of a proof is kept for the next report: each report proves the whole
    chain again.
    """

    child_id: int
    rows: list[Any]
    histories: lf.HistoryReader
    export: ledger_copy.ExportBuilder | None
    ledger_file: Path | None  # the export the evidence report carries (None for a summary), pending
    head: str
    count: int
    proven: ChainReport | None = None

    @property
    def check(self) -> ChainReport:
        """The report of the proof (``prove`` must have passed)."""
        assert self.proven is not None, "the chain was not proven"
        return self.proven

    def prove(self) -> None:
        """Every check of ``evidence.verify.verify_child`` on the records read; raises ChainBroken on a problem."""
        with stage("  verify: the records (while rendering)"):
            walk = walk_chain(self.child_id, self.rows)
        with stage("  verify: current rows, files, anchors (while rendering)"):
            report = finish_check(walk)
        if report.problem is not None:
            raise ChainBroken.at(report.problem)
        assert (report.head_hash, report.record_count) == (self.head, self.count)
        self.proven = report

    def keep_export(self) -> Path | None:
        """Keep the export for the next report (after ``prove``); the path it now has, if it moved."""
        assert self.proven is not None, "an export is kept only once its chain verified"
        return self.export.keep() if self.export is not None else None

    def discard_export(self) -> None:
        if self.export is not None:
            self.export.discard()


def read_chain(child: Child, *, evidence: bool) -> ChainRead:
    """Read the child's chain once (one query, tuples) and gather the ledger facts and the export from it.

    Nothing is verified here: the caller runs ``ChainRead.prove`` before it keeps the report (a
    report states facts as recorded, so it is kept only from a chain that verifies at this moment),
    and ``keep_export`` or ``discard_export`` after it. A record whose payload cannot be read stops
    the read with the proof's own words (ChainBroken).
    """
    histories = lf.HistoryReader(("log_entry", "attachment", "communication") if evidence else ("log_entry",))
    with stage("  read the records"):
        rows = list(chain_rows(child.pk))
    head, count = (rows[-1].hash, len(rows)) if rows else (GENESIS_HASH, 0)
    chain = ChainRead(child.pk, rows, histories, None, None, head, count)
    with stage("  ledger facts from the records"):
        try:
            for row in rows:
                histories.add(row)
        except (ValueError, TypeError):
            chain.prove()  # names the record
            raise
    if evidence:  # the whole chain goes inside the PDF
        with stage("  ledger export file (pending)"):
            chain.export = ledger_copy.ExportBuilder(child, rows)
            for row in rows:
                chain.export.add(row)
            chain.ledger_file, *_rest = chain.export.write(pending=True)
    return chain


def report_data(inputs: ReportInputs) -> tuple[dict[str, Any], ChainRead]:
    """The template's data and the chain it was read from (with the export file of an evidence report).

    Call it inside ``reports.snapshot.read_snapshot`` (``generate_report`` does), so everything is
    read at one moment: the head printed on the cover is the head of the attached records and of the
    rows counted, and no other household's write waits while a report reads. The proof of the chain
    (``ChainRead.prove``) is the caller's, before it keeps the report.
    """
    chain = read_chain(inputs.child, evidence=inputs.kind == "evidence")
    try:
        return _report_data(inputs, chain), chain
    except Exception:
        # The facts come from records not yet proven: one changed outside the app can upset them.
        # Then the problem to show is the chain's, in the proof's words, not the error it caused.
        chain.discard_export()
        chain.prove()
        raise


def _report_data(inputs: ReportInputs, chain: ChainRead) -> dict[str, Any]:
    child = inputs.child
    evidence = inputs.kind == "evidence"
    head, count = chain.head, chain.count
    with stage("  compliance"):
        compliance = compute_compliance(child, inputs.start, inputs.end, inputs.provision_ids)
    with stage("  ledger facts, misses, exhibits"):
        anchor_count, anchors = ledger_copy.anchors_upto(child, count)
        in_range = _counted_histories(compliance, inputs, chain.histories.of("log_entry"))
        same_day = _same_day(in_range)
        versions = _ieps(child, inputs, compliance) if evidence else []
        exhibits: list[Exhibit] = []
        misses: list[dict[str, Any]] = []
        retractions: list[dict[str, Any]] = []
        if evidence:
            files = chain.histories.of("attachment")
            exhibits = _exhibits(versions, in_range, files)
            misses = _misses(compliance, inputs, in_range)
            retractions = _retractions(in_range)
            exhibits = _number_in_order(exhibits, misses)
            by_entry = _exhibits_by_entry(exhibits)
            for row in misses:
                row["attachments"] = by_entry.get(row["id"], [])
        next_dates = _next_dates(child, inputs.generated_at.date())
        communications = (
            communications_data(child, inputs.start, inputs.end, chain.histories.of("communication"))
            if evidence
            else None
        )
    with stage("  data rows"):
        data = _data(inputs, compliance, head, count, anchor_count, anchors, same_day)
    data.update(
        ieps=versions,
        misses=misses,
        retractions=retractions,
        exhibits=[_exhibit_row(e) for e in exhibits],
        next_dates=next_dates,
        communications=communications,
    )
    data["words"] = report_words(data)
    data["exhibit_files"] = exhibits
    return data


def _data(
    inputs: ReportInputs,
    compliance: Compliance,
    head: str,
    count: int,
    anchor_count: int,
    anchors: list[dict[str, Any]],
    same_day: dict[str, Any],
) -> dict[str, Any]:
    """The numbers, charts and texts of the report (everything but the chronology and the files)."""
    child = inputs.child
    totals = compliance.totals
    minutes = compliance.minutes
    # Each provision's row is built once; the lists below that rank provisions share the rows.
    rows = {id(p): _provision(p) for p in compliance.provisions}
    data: dict[str, Any] = {
        "kind": inputs.kind,
        "title": _title(inputs),
        "child": {
            "name": child.name,
            "date_of_birth": day_text(child.date_of_birth),
            "school": child.school,
            "grade": child.grade,
            "district": child.district,
            "state": choice_label(STATES, child.state),
        },
        "range": {
            "start": day_text(inputs.start),
            "end": day_text(inputs.end),
            "text": _span(inputs.start, inputs.end),
            "iso": f"{inputs.start.isoformat()} to {inputs.end.isoformat()}",
        },
        "selection": (
            _("All provisions")
            if inputs.provision_ids is None
            else _("Selected provisions: %(labels)s") % {"labels": ", ".join(p.label for p in compliance.provisions)}
        ),
        "generated": {
            "by": inputs.generated_by,
            "at": local_time(inputs.generated_at),
            "at_utc": utc_time(inputs.generated_at),
            "software": "IEP Right",
            "typst_package": metadata.version("typst"),
        },
        "ledger": {
            "head": head,
            "count": count,
            "attachment": ledger_copy.ATTACHMENT_NAME,
            "how_to_verify": how_to_verify(),
            "anchor_count": anchor_count,
            "anchors": anchors,
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
        "provisions": [rows[id(p)] for p in compliance.provisions],
        "most_missed": _most_missed(compliance, rows),
        "school_caused": _school_caused(compliance, rows),
        "school_caused_why": school_caused_why(),
        "findings": _findings(compliance),
        "charts": _charts(compliance),
        "method": method_sections(),
        "disclaimers": disclaimers(),
    }
    data["declaration"] = declaration(
        declarant=inputs.declarant or inputs.generated_by,
        child=child.name,
        generated=f"{local_time(inputs.generated_at)} ({utc_time(inputs.generated_at)})",
        count=count,
        head=head,
        attachment=ledger_copy.ATTACHMENT_NAME,
    )
    return data


def _title(inputs: ReportInputs) -> str:
    if inputs.kind == "summary":
        return _("Meeting summary: IEP delivery for %(child)s") % {"child": inputs.child.name}
    return _("Evidence report: IEP delivery for %(child)s") % {"child": inputs.child.name}


def _provision(p: Any) -> dict[str, Any]:
    d = p.days
    latest = p.versions[-1] if p.versions else None
    row: dict[str, Any] = {
        "label": p.label,
        "kind": choice_label(KIND_LABELS, p.kind),
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
            {"label": choice_label(REASONS, r.reason), "count": r.count, "school_caused": r.school_caused}
            for r in p.miss_reasons
            if r.count
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
            # "3 of 4 required" where the IEP states sessions; the count alone for a flexible service.
            "sessions": (
                _("%(held)s of %(required)s required") % {"held": s.sessions_held, "required": s.required_sessions}
                if s.required_sessions is not None
                else (str(s.sessions_held) if p.flexible else "")
            ),
            # Where the IEP states sessions: required / held / shortfall over logged periods.
            "states_sessions": s.required_sessions is not None,
            "sessions_required": "" if s.required_sessions is None else s.required_sessions,
            "sessions_held": s.sessions_held,
            "sessions_shortfall": "" if s.sessions_shortfall is None else s.sessions_shortfall,
            "periods": [
                {
                    "label": period.label,
                    "range": _span(period.counted_from, period.counted_to),
                    "state": period.state,
                    "required": period.required,
                    "delivered": period.delivered,
                    "makeup": period.makeup_minutes,
                    "shortfall": "" if period.shortfall is None else period.shortfall,
                    "sessions_required": "" if period.required_sessions is None else period.required_sessions,
                    "sessions_held": period.sessions_held,
                    "sessions_shortfall": "" if period.sessions_shortfall is None else period.sessions_shortfall,
                    "cut": period.is_cut,
                }
                for period in s.periods
            ],
        }
    return row


def _most_missed(compliance: Compliance, rows: dict[int, dict[str, Any]], limit: int = 5) -> list[dict[str, Any]]:
    ranked = sorted(
        (p for p in compliance.provisions if p.days.missed + p.days.partial > 0),
        key=lambda p: (-p.days.missed, -p.days.partial, p.position, p.label),
    )
    return [rows[id(p)] for p in ranked[:limit]]


def _counted_histories(
    compliance: Compliance, inputs: ReportInputs, entries: dict[str, lf.History]
) -> list[lf.History]:
    """The entries of the range and the selected provisions, as their ledger records show them now."""
    lineages = {p.lineage for p in compliance.provisions}
    provision_ids = set(
        Provision.objects.filter(iep__child=inputs.child, lineage__in=lineages).values_list("pk", flat=True)
    )
    start, end = inputs.start.isoformat(), inputs.end.isoformat()
    return [
        h
        for h in entries.values()
        if start <= h.latest.payload.get("date", "") <= end and h.latest.payload.get("provision") in provision_ids
    ]


def _same_day(in_range: list[lf.History]) -> dict[str, Any]:
    """How many of the range's entries were first recorded on the school day itself (design.md section 5)."""
    lags = [lf.days_after(h.first, date.fromisoformat(h.first.payload["date"])) for h in in_range if not h.retracted]
    same = sum(1 for lag in lags if lag <= 0)
    within_two = sum(1 for lag in lags if lag <= 2)
    share = pct(percent(same, len(lags)))
    return {"entries": len(lags), "same_day": same, "within_two_days": within_two, "share": share}


def _edits(history: lf.History, day: date, words: dict[str, str]) -> list[dict[str, Any]]:
    """Every change after the first record: "Edited on D (n days after the school day): reason"."""
    rows = []
    for version in history.edits:
        after = lf.days_after(version, day)
        reason = version.payload.get("edit_reason") or _("no reason was asked (changed within a day)")
        device = _device_text(version, day)
        values = {
            "day": day_text(version.local_day),
            "after": _after_text(after),
            "name": version.by,
            "reason": reason,
            "device": device,
        }
        rows.append(
            {
                "text": (
                    _("Edited on %(day)s (%(after)s) by %(name)s: %(reason)s (%(device)s)")
                    if device
                    else _("Edited on %(day)s (%(after)s) by %(name)s: %(reason)s")
                )
                % values,
                "seq": version.seq,
                "ledger_text": words["edit_ledger"] % {"seq": version.seq},
            }
        )
    return rows


def _after_text(days: int) -> str:
    if days <= 0:
        return _("the same day as the school day")
    return ngettext("%(count)s day after the school day", "%(count)s days after the school day", days) % {"count": days}


def _misses(compliance: Compliance, inputs: ReportInputs, in_range: list[lf.History]) -> list[dict[str, Any]]:
    """Every missed or partly delivered entry of the range, oldest first, as its ledger records tell it."""
    current = [
        h for h in in_range if not h.retracted and h.latest.payload.get("status") in (Status.MISSED, Status.PARTIAL)
    ]
    provisions = Provision.objects.in_bulk({h.latest.payload["provision"] for h in current})
    current.sort(
        key=lambda h: (
            h.latest.payload["date"],
            provisions[h.latest.payload["provision"]].position,
            h.latest.payload["provision"],
            h.latest.payload.get("is_makeup", False),
        )
    )
    counted = {(e.date, e.provision_id, e.status) for e in compliance.entries}
    words = chronology_formats()  # translated once; each row fills them in
    rows = []
    for history in current:
        entry = history.latest.payload
        day = date.fromisoformat(entry["date"])
        provision = provisions[entry["provision"]]
        reason = entry.get("miss_reason") or MissReason.UNKNOWN
        lag = lf.days_after(history.first, day)
        source = choice_label(SOURCES, entry.get("source", ""), empty=gettext_lazy("Not stated"))
        note = entry.get("note", "")
        first, latest = history.first.seq, history.latest.seq
        rows.append(
            {
                "id": history.object_id,
                "date": day_text(day),
                "weekday": f"{day:%a}",
                "label": provision.label,
                "wording": provision.wording,
                "status": choice_label(STATUS_WORDS, entry["status"]),
                "makeup": bool(entry.get("is_makeup")),
                "makeup_text": words["makeup"] if entry.get("is_makeup") else "",
                "minutes_text": _minutes_of(entry.get("minutes_delivered"), provision),
                "reason": choice_label(REASONS, entry.get("miss_reason", ""), empty=gettext_lazy("No reason given")),
                "school_caused": reason in SCHOOL_CAUSED_REASONS,
                "cause_text": _cause_text(reason, words),
                "source": source,
                "how_known": (
                    words["how_known_reporter"] % {"source": source, "reporter": entry["reported_by"]}
                    if entry.get("reported_by")
                    else words["how_known"] % {"source": source}
                ),
                "note": note,
                "note_text": "\n" + words["note"] % {"note": note} if note else "",
                # A long note may break across pages (nothing lost); a short row stays on one page.
                "long": entry.get("note", "").count("\n") > 15 or len(entry.get("note", "")) > 1200,
                "recorded": day_text(history.first.local_day),
                "recorded_by": history.first.by,
                "by_text": words["by"] % {"name": history.first.by} if history.first.by else "",
                "lag": lag,
                "lag_text": _lag_text(lag),
                # The phone's tap time of the first recording, beside "First recorded" (issue 15).
                "device_text": _device_text(history.first, day),
                "edits": _edits(history, day, words),
                "counted": (day, entry["provision"], entry["status"]) in counted,
                "attachments": [],  # filled in once the exhibits are numbered
                "record": {"seq": latest, "hash": history.latest.hash, "first": first},
                "record_text": (
                    words["ledger_range"] % {"first": first, "seq": latest}
                    if latest != first
                    else words["ledger"] % {"seq": latest}
                ),
            }
        )
    return rows


def _cause_text(reason: str, words: dict[str, str]) -> str:
    """Why a miss counts against the school, in words (an unexplained miss is not a contradiction)."""
    if reason == MissReason.UNKNOWN:
        return words["unknown_cause"]
    return words["school_caused"] if reason in SCHOOL_CAUSED_REASONS else ""


def _retractions(in_range: list[lf.History]) -> list[dict[str, Any]]:
    """Entries of the range withdrawn from the counts, with what they said and why they were withdrawn."""
    withdrawn = [h for h in in_range if h.retracted]
    provisions = Provision.objects.in_bulk({h.latest.payload["provision"] for h in withdrawn})
    withdrawn.sort(key=lambda h: (h.latest.payload["date"], h.latest.payload["provision"]))
    rows = []
    for history in withdrawn:
        entry = history.latest.payload
        day = date.fromisoformat(entry["date"])
        provision = provisions[entry["provision"]]
        said = choice_label(STATUS_WORDS, entry["status"])
        if entry.get("miss_reason"):
            said = _("%(status)s (%(reason)s)") % {
                "status": said,
                "reason": choice_label(REASONS, entry["miss_reason"]),
            }
        rows.append(
            {
                "date": day_text(day),
                "label": provision.label,
                "said": said,
                "note": entry.get("note", ""),
                "recorded": _("%(day)s by %(name)s")
                % {"day": day_text(history.first.local_day), "name": history.first.by},
                "withdrawn": _("%(day)s by %(name)s")
                % {"day": day_text(history.latest.local_day), "name": history.latest.by},
                "reason": entry.get("retraction_reason", ""),
                "seq": history.latest.seq,
            }
        )
    return rows


def _exhibits(
    versions: list[dict[str, Any]], in_range: list[lf.History], files: dict[str, lf.History]
) -> list[Exhibit]:
    """The IEP documents of the versions in force (first), then the files kept with the range's entries.

    Read from the attachments' ledger records; numbered later in the order the report shows them.
    """
    found: list[Exhibit] = []
    for version in versions:
        source = version.get("source_file")
        if source:
            history = files.get(str(source["id"]))
            if history is not None and not history.retracted:
                about = _("The IEP document of version %(number)s, in effect from %(from)s") % version
                found.append(_exhibit(history, about))
    entry_ids = {h.object_id for h in in_range if not h.retracted}
    for history in sorted(files.values(), key=lambda h: h.first.seq):
        payload = history.latest.payload
        if history.retracted or payload.get("object_type") != "log_entry" or payload.get("object_id") not in entry_ids:
            continue
        found.append(_exhibit(history, "", entry_id=payload["object_id"]))
    return found


def _exhibit(history: lf.History, about: str, entry_id: str = "") -> Exhibit:
    payload = history.latest.payload
    kind = payload.get("content_type", "")
    return Exhibit(
        number=0,
        name=payload.get("original_name", "file"),
        sha256=payload["sha256"],
        content_type=kind,
        size=int(payload.get("size", 0)),
        about=about,
        shown="photo" if kind in SHOWN_IMAGES else "attached",
        entry_id=entry_id,
    )


def _number_in_order(exhibits: list[Exhibit], misses: list[dict[str, Any]]) -> list[Exhibit]:
    """Exhibit numbers: the IEP documents first, then files in the order of the chronology."""
    order = {row["id"]: (i, row) for i, row in enumerate(misses)}
    ieps = [e for e in exhibits if not e.entry_id]
    linked = sorted((e for e in exhibits if e.entry_id in order), key=lambda e: order[e.entry_id][0])
    numbered = []
    for number, exhibit in enumerate([*ieps, *linked], start=1):
        about = exhibit.about
        if exhibit.entry_id:
            row = order[exhibit.entry_id][1]
            about = _("Kept with the entry of %(date)s: %(label)s (%(status)s)") % {
                **row,
                "status": row["status"].lower(),
            }
        numbered.append(replace(exhibit, number=number, about=about))
    return numbered


def _exhibits_by_entry(exhibits: list[Exhibit]) -> dict[str, list[dict[str, Any]]]:
    """The exhibits kept with each chronology entry, as the chronology cell shows them."""
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in exhibits:
        if e.entry_id:
            rows[e.entry_id].append(_exhibit_row(e))
    return rows


def _exhibit_row(e: Exhibit) -> dict[str, Any]:
    return {
        "number": e.number,
        "label": e.label,
        "name": e.name,
        "sha256": e.sha256,
        "type": str(TYPE_WORDS.get(e.content_type, e.content_type)),
        "size": ngettext("%(size)s byte", "%(size)s bytes", e.size) % {"size": f"{e.size:,}"},
        "about": e.about,
        "shown": e.shown,
        "path": e.page_path if e.shown == "photo" else "",
        "file_name": e.file_name if e.shown == "attached" else "",
        "why_not_shown": str(NOT_SHOWN_WHY.get(e.content_type, "")),
    }


def _minutes_of(minutes: int | None, provision: Provision) -> str:
    """ ", 15 of 30 min" for a service session; empty for an accommodation."""
    if minutes is None:
        return ""
    session = provision.session_minutes
    # Printed right after the entry's status ("Missed, 0 of 30 min"): the comma is the message's.
    if session:
        return pgettext("after a status", ", %(minutes)s of %(session)s min") % {"minutes": minutes, "session": session}
    return pgettext("after a status", ", %(minutes)s min") % {"minutes": minutes}


def _device_text(version: lf.Version, day: date) -> str:
    """For a save made on a phone (maybe offline), from its ledger record: when the phone says it was
    tapped and how long before the server received it, e.g. "tapped 3:02 pm on the phone, received
    2 h 38 min later"; "" when the phone sent no time."""
    raw = version.payload.get("device_time")
    if not raw:
        return ""
    tapped = datetime.fromisoformat(raw)
    minutes = max(0, round((version.at - tapped).total_seconds() / 60))
    hours, rest = divmod(minutes, 60)
    values = {"hours": hours, "minutes": rest}
    if minutes == 0:
        lag = _("at once")
    elif hours:
        lag = _("%(hours)s h %(minutes)s min later") % values
    else:
        lag = _("%(minutes)s min later") % values
    local = tapped.astimezone(ZoneInfo(settings.TIME_ZONE))
    # The clock time as American readers write it ("3:02 pm"), like the dates (not yet by language).
    said = {"time": f"{local:%-I:%M} {'am' if local.hour < 12 else 'pm'}", "day": day_text(local.date()), "lag": lag}
    if local.date() != day:
        return _("tapped %(time)s on %(day)s on the phone, received %(lag)s") % said
    return _("tapped %(time)s on the phone, received %(lag)s") % said


def _lag_text(days: int) -> str:
    if days <= 0:
        return _("same day")
    return ngettext("%(count)s day later", "%(count)s days later", days) % {"count": days}


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
                "status": choice_label(IEP_STATUSES, iep.status),
                "meeting": day_text(iep.meeting_date),
                "annual_review_due": day_text(iep.annual_review_due),
                "reevaluation_due": day_text(iep.reevaluation_due),
                "case_manager": iep.case_manager_name,
                "amendment_note": iep.amendment_note,
                "source_file": {"id": iep.source_file_id} if iep.source_file_id else None,
                "provisions": [
                    {
                        "label": p.label,
                        "kind": choice_label(KIND_LABELS, p.kind),
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
        "annual_review_due": (_("Annual IEP review due"), "34 CFR 300.324(b)(1)"),
        "reevaluation_due": (_("Reevaluation due"), "34 CFR 300.303(b)"),
        "meeting_date": (_("IEP meeting"), ""),
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
    # insights.patterns only groups by dimensions every counted entry has (design.md section 6).
    found = find_patterns(compliance).findings
    return [{"sentence": f.sentence, "detail": f.detail, "p": format_p_value(f.p_value)} for f in found[:limit]]


def _school_caused(compliance: Compliance, rows: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per provision with a miss: school-caused misses, other misses, partly delivered, most first."""
    ranked = sorted(
        (p for p in compliance.provisions if p.days.missed + p.days.partial > 0),
        key=lambda p: (-p.days.missed_school_caused, -p.days.missed, p.position, p.label),
    )
    return [rows[id(p)] for p in ranked]


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
    return _("%(first)s to %(last)s") % {"first": day_text(first), "last": day_text(last)}


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
            first, last = chunk[0], chunk[-1]
            title = _("%(first)s to %(last)s") % {
                "first": f"{first['label']} {first['year']}",
                "last": f"{last['label']} {last['year']}",
            }
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
