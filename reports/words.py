"""The words the report and letter templates print, in the language active when the data are built.

The Typst templates (``reports/typst/*.typ``) hold no English: every heading, table header, label,
sentence, alt text and footer comes from here, made with ``gettext`` / ``ngettext`` at render time and
handed over in the data (``data["words"]``, and a few sentences on the items they belong to). A
sentence that carries numbers or names is made whole here, with named placeholders, so a translator
always sees the whole sentence; only the numbers that exist after layout (page numbers) are put in
by the template, into the same kind of placeholder (``%(page)s``).

Bold, italic, monospace and keep-together parts of a sentence are marked in the message itself with
``<b>``, ``<i>``, ``<code>`` and ``<nobr>`` (and ``<hash>`` for a hash in groups): a translator moves
them with the words they belong to. ``rich`` cuts the translated message into ``[text, style]`` runs
*before* the values go in, so nothing a person typed is ever read as one of these marks, and the
template prints each run as text in its style (``rich`` in ``lib.typ``).

Quotes and apostrophes are typographic (’ “ ”) in the messages themselves: Typst makes them so in
markup, and a string handed over as data is printed as it is.
"""

# The messages are the words printed, typographic apostrophes included (see above).
# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

Runs = list[list[str]]
_MARKS = re.compile(r"<(b|i|code|nobr|hash)>(.*?)</\1>", re.DOTALL)
_STYLES = {"b": "b", "i": "i", "code": "m", "nobr": "k", "hash": "h"}


def rich(message: str, values: Mapping[str, Any] | None = None) -> Runs:
    """``message`` (already translated) as ``[text, style]`` runs, each filled with ``values``.

    Styles: "" plain, "b" bold, "i" italic, "m" monospace, "k" kept on one line, "h" a hash.
    """
    runs: Runs = []
    at = 0
    for found in _MARKS.finditer(message):
        if found.start() > at:
            runs.append([message[at : found.start()], ""])
        runs.append([found.group(2), _STYLES[found.group(1)]])
        at = found.end()
    if at < len(message):
        runs.append([message[at:], ""])
    if values is not None:
        runs = [[text % values, style] for text, style in runs]
    return [run for run in runs if run[0]]


def language() -> dict[str, str]:
    """Typst's ``lang`` and ``region`` for the active language ("en-us": "en", "us")."""
    code = (get_language() or "en-us").lower().replace("_", "-")
    lang, _sep, region = code.partition("-")
    return {"lang": lang, "region": region}


def frame_words() -> dict[str, Any]:
    """The page frame's words (lib.typ), shared by every report."""
    return {
        **language(),
        # Filled in by the template on each page: the numbers exist only after layout.
        "page_of": _("Page %(page)s of %(pages)s"),
    }


def chart_words() -> dict[str, str]:
    """The charts' legends and axis units (lib.typ)."""
    return {
        "delivered": _("Delivered"),
        "partly": _("Partly delivered"),
        "missed": _("Missed"),
        "monthly_legend": _(
            "Bar height: provision-days with an outcome (one provision on one day). "
            "Above the bars: the month’s delivery rate."
        ),
        "all_delivered": _("All delivered"),
        "most_delivered": _("%(percent)s%% or more delivered") % {"percent": 85},  # reports.data._heat's line
        "some_missed": _("Some partly delivered or missed"),
        "half_missed": _("Half or more partly delivered or missed"),
        "not_logged": _("Not logged"),
        "no_school": _("No school, absent, or nothing expected"),
        # The top of the minutes chart's scale; filled in by the template.
        "peak_minutes": pgettext("a number of minutes, short", "%(minutes)s min"),
        "minutes_delivered": _("Minutes delivered"),
        "minutes_required": _("Minutes required"),
        "not_logged_height": _("Not logged (height: required)"),
    }


def _period(kind: str) -> str:
    return pgettext("per week", "week") if kind == "week" else pgettext("per month", "month")


def report_words(data: dict[str, Any]) -> dict[str, Any]:
    """The words of a meeting summary or evidence report made from ``data`` (``reports.data``).

    Also sets the sentences of each item on it (a provision's service sentence, an IEP version's
    heading, an exhibit's mentions), so that the template lays them out as it lays out the item.
    """
    _provision_words(data)
    _finding_words(data)
    common = {
        "frame": frame_words(),
        "charts": chart_words(),
        "empty_lead": _("Nothing to count in this range."),
        "empty": _("No provision was expected on an attended school day from %(range)s, and nothing was logged.")
        % {"range": data["range"]["text"]},
    }
    if data["kind"] == "summary":
        return {**common, **_summary_words(data)}
    _iep_words(data)
    _exhibit_words(data)
    _chart_item_words(data)
    _retraction_words(data)
    return {**common, **_evidence_words(data)}


def _headline(data: dict[str, Any]) -> dict[str, Any]:
    h = data["headline"]
    same = h["same_day"]
    return {
        "rated": h["rated"],
        "delivered": h["delivered"],
        "partial": h["partial"],
        "missed": h["missed"],
        "school": h["missed_school_caused"],
        "other": h["missed_other"],
        "rate": h["rate"],
        "coverage": h["coverage"],
        "logged": h["logged"],
        "expected": h["expected"],
        "not_logged": h["not_logged"],
        "not_applicable": h["not_applicable"],
        "unknown": h["unknown"],
        "same_day": same["same_day"],
        "entries": same["entries"],
        "share": same["share"],
    }


def _summary_words(data: dict[str, Any]) -> dict[str, Any]:
    child = data["child"]
    h = _headline(data)
    values = {"range": data["range"]["text"], "school": child["school"], "grade": child["grade"]}
    values["selection"] = data["selection"]
    return {
        "footer": _("Meeting summary · %(child)s") % {"child": child["name"]},
        "kind": _("Meeting summary"),
        "heading": _("IEP delivery for %(child)s") % {"child": child["name"]},
        "subtitle": (
            _("%(range)s · %(school)s, grade %(grade)s · %(selection)s")
            if child["grade"]
            else _("%(range)s · %(school)s · %(selection)s")
        )
        % values,
        "minutes_heading": _("Service minutes: the documented shortfall"),
        "minutes_head": [
            rich(_("Service")),
            rich(_("Minutes\nrequired")),
            rich(_("Minutes\ndelivered")),
            rich(_("<b>Documented\nshortfall</b>")),
            rich(_("Sessions\nrequired / held / <b>short</b>")),
            rich(_("Days missed\n(school-caused)")),
            rich(_("Periods\nnot logged")),
        ],
        "not_stated": _("not stated"),
        "all_services": _("All services"),
        "total_shortfall": pgettext("a number of minutes, short", "%(minutes)s min")
        % {"minutes": data["minutes"]["shortfall"]},
        "minutes_note": _(
            "Minutes and sessions over logged periods only; a period with no entry is left out, never "
            "presumed missed. Sessions are counted where the IEP states a number of sessions; a session "
            "held is one delivered or partly delivered. A documented shortfall supports a request; it is "
            "not an amount of compensatory education."
        ),
        "school_caused_heading": _("School-caused misses by provision"),
        "school_caused_head": [
            _("Provision"),
            _("Exact IEP wording"),
            _("School-caused\nmisses"),
            _("Other\nmisses"),
            _("Partly\ndelivered"),
        ],
        "patterns_heading": _("Patterns in the log"),
        "ask_heading": _("What we are asking for"),
        "nothing_written": _("(Nothing written.)"),
        "numbers_heading": _("The whole log in numbers"),
        "numbers": [
            rich(
                ngettext(
                    "Counting each provision once on each school day it was expected: of the %(rated)s "
                    "<nobr>provision-day</nobr> with a logged outcome, the provisions were delivered on "
                    "%(delivered)s, partly delivered on %(partial)s and missed on %(missed)s (%(school)s of "
                    "the misses school-caused): a delivery rate of %(rate)s.",
                    "Counting each provision once on each school day it was expected: of the %(rated)s "
                    "<nobr>provision-days</nobr> with a logged outcome, the provisions were delivered on "
                    "%(delivered)s, partly delivered on %(partial)s and missed on %(missed)s (%(school)s of "
                    "the misses school-caused): a delivery rate of %(rate)s.",
                    h["rated"],
                ),
                h,
            ),
            rich(
                ngettext(
                    "Logging coverage %(coverage)s: %(logged)s of %(expected)s expected "
                    "<nobr>provision-day</nobr> has an entry.",
                    "Logging coverage %(coverage)s: %(logged)s of %(expected)s expected "
                    "<nobr>provision-days</nobr> have an entry.",
                    h["expected"],
                ),
                h,
            ),
            rich(_("%(share)s of entries were recorded on the school day itself."), h),
        ],
        "next_dates_heading": _("Next IEP dates"),
        "about": rich(
            ngettext(
                "<b>About these numbers.</b> Computed by IEP Right from the family’s dated log: delivery "
                "rate = delivered / (delivered + partly delivered + missed) on the days each provision was "
                "expected. The evidence report, with every entry, the method and the hash-chained records, "
                "is available on request. Ledger head at generation: <hash>%(head)s</hash> (%(count)s record).",
                "<b>About these numbers.</b> Computed by IEP Right from the family’s dated log: delivery "
                "rate = delivered / (delivered + partly delivered + missed) on the days each provision was "
                "expected. The evidence report, with every entry, the method and the hash-chained records, "
                "is available on request. Ledger head at generation: <hash>%(head)s</hash> (%(count)s records).",
                data["ledger"]["count"],
            ),
            {"head": data["ledger"]["head"], "count": data["ledger"]["count"]},
        ),
    }


def _evidence_words(data: dict[str, Any]) -> dict[str, Any]:
    child = data["child"]
    ledger = data["ledger"]
    h = _headline(data)
    exhibits = data["exhibits"]
    photos = sum(1 for e in exhibits if e["shown"] == "photo")
    misses = len(data["misses"])
    withdrawn = len(data["retractions"])
    c = data.get("communications")
    return {
        "footer": _("Evidence report · %(child)s") % {"child": child["name"]},
        "kind": _("Evidence report"),
        "heading": _("Delivery of the IEP for %(child)s") % {"child": child["name"]},
        "about_head": [_("About"), _("Details")],
        "about_rows": [
            _("Child"),
            _("Date of birth"),
            _("School"),
            _("Grade"),
            _("District"),
            _("Provisions covered"),
        ],
        "custody_heading": _("Chain of custody"),
        "custody_head": [_("Custody"), _("Details")],
        "generated_by": _("Generated by"),
        "generated_at": _("Generated at"),
        "software": _("Software"),
        # %(typst)s is the compiler's own version, filled in by the template.
        "software_text": _("%(software)s, typeset with %(typst)s (Python package typst %(package)s)")
        % {
            "software": data["generated"]["software"],
            "typst": "%(typst)s",
            "package": data["generated"]["typst_package"],
        },
        "chain_checked": _("Chain checked"),
        "chain_checked_text": _(
            "The whole chain verified at generation; a report is made only from a chain that verifies."
        ),
        "ledger_records": _("Ledger records"),
        "ledger_records_text": ngettext(
            "%(count)s record in the child’s hash chain at generation",
            "%(count)s records in the child’s hash chain at generation",
            ledger["count"],
        )
        % {"count": ledger["count"]},
        "head_hash": _("Ledger head hash"),
        "records_attached": _("Records attached"),
        "records_attached_text": rich(
            ngettext(
                "The whole chain, all %(count)s record, whatever date range this report covers, as the file "
                "<code>%(file)s</code> inside this PDF. A chain can only be checked whole: each record’s hash "
                "covers the one before it, so the records of one range alone could not be verified, and a "
                "range cut out of the chain could hide what was left out.",
                "The whole chain, all %(count)s records, whatever date range this report covers, as the file "
                "<code>%(file)s</code> inside this PDF. A chain can only be checked whole: each record’s hash "
                "covers the one before it, so the records of one range alone could not be verified, and a "
                "range cut out of the chain could hide what was left out.",
                ledger["count"],
            ),
            {"count": ledger["count"], "file": ledger["attachment"]},
        ),
        "exhibits": _("Exhibits"),
        "exhibits_text": (
            ngettext(
                "%(count)s file: %(photos)s shown as photos on pages of their own, %(attached)s carried inside "
                "this PDF. See “Exhibits”.",
                "%(count)s files: %(photos)s shown as photos on pages of their own, %(attached)s carried inside "
                "this PDF. See “Exhibits”.",
                len(exhibits),
            )
            % {"count": len(exhibits), "photos": photos, "attached": len(exhibits) - photos}
            if exhibits
            else _("None")
        ),
        "page_numbers": _("Page numbers"),
        # Filled in by the template after layout (%(first)s, %(last)s: Bates numbers).
        "page_numbers_text": [
            _("%(first)s to %(last)s (%(pages)s page)"),
            _("%(first)s to %(last)s (%(pages)s pages)"),
        ],
        "verify_heading": _("How to verify this report"),
        "stamps_heading": _("Time-stamps from outside this server"),
        "no_stamps": _("No time-stamp from an outside time-stamping authority covers this chain yet."),
        "stamps": ngettext(
            "An independent time-stamping authority (RFC 3161) signed these chain heads. Each proves that the "
            "record, and every record before it, existed at that time: the chain can’t have been cut or "
            "rewritten before it without the signature showing it. %(count)s time-stamp covers this chain; "
            "the latest:",
            "An independent time-stamping authority (RFC 3161) signed these chain heads. Each proves that the "
            "record, and every record before it, existed at that time: the chain can’t have been cut or "
            "rewritten before it without the signature showing it. %(count)s time-stamps cover this chain; "
            "the latest:",
            ledger["anchor_count"],
        )
        % {"count": ledger["anchor_count"]},
        "stamps_head": [_("Record"), _("Signed at"), _("Head hash")],
        "contents": _("Contents"),
        "summary": _("Summary"),
        "empty_more": _("This report states that fact; it is not an error."),
        "rate": _("delivery rate"),
        "headline": [
            rich(_("Each provision counts once on each school day it was expected (a <i>provision-day</i>)."), h),
            rich(
                ngettext(
                    "Of the %(rated)s <nobr>provision-day</nobr> with a logged outcome, the provisions were "
                    "delivered on %(delivered)s, partly delivered on %(partial)s and missed on %(missed)s.",
                    "Of the %(rated)s <nobr>provision-days</nobr> with a logged outcome, the provisions were "
                    "delivered on %(delivered)s, partly delivered on %(partial)s and missed on %(missed)s.",
                    h["rated"],
                ),
                h,
            ),
            rich(
                ngettext(
                    "%(school)s of the misses counts against the school; %(other)s had a reason that is not "
                    "the school’s (child absent, school closed, parent request).",
                    "%(school)s of the misses count against the school; %(other)s had a reason that is not "
                    "the school’s (child absent, school closed, parent request).",
                    h["school"],
                ),
                h,
            ),
        ],
        "coverage": [
            rich(
                ngettext(
                    "Logging coverage: %(coverage)s (%(logged)s of %(expected)s expected "
                    "<nobr>provision-day</nobr> has an entry; %(not_logged)s not logged, %(not_applicable)s "
                    "not applicable, %(unknown)s not known).",
                    "Logging coverage: %(coverage)s (%(logged)s of %(expected)s expected "
                    "<nobr>provision-days</nobr> have an entry; %(not_logged)s not logged, %(not_applicable)s "
                    "not applicable, %(unknown)s not known).",
                    h["expected"],
                ),
                h,
            ),
            rich(
                ngettext(
                    "%(same_day)s of %(entries)s entry (%(share)s) was recorded on the school day itself.",
                    "%(same_day)s of %(entries)s entries (%(share)s) were recorded on the school day itself.",
                    h["entries"],
                ),
                h,
            ),
        ],
        "minutes_heading": _("Service minutes"),
        "minutes_head": [_("Over logged periods, all services"), _("Minutes")],
        "minutes_rows": [
            rich(_("Required")),
            rich(_("Delivered (make-up sessions included: %(minutes)s)"), {"minutes": data["minutes"]["makeup"]}),
            rich(_("<b>Documented shortfall</b>")),
            rich(_("Periods not logged (left out of the lines above)")),
        ],
        "by_provision_heading": _("Delivery by provision"),
        "by_provision_head": [
            _("Provision"),
            _("Expected"),
            _("Delivered"),
            _("Partly"),
            _("Missed"),
            _("Not logged"),
            _("Rate"),
            _("School-caused"),
        ],
        "rate_note": _(
            "Rate: delivered days divided by delivered, partly delivered and missed days. Not applicable and "
            "not known days are listed per provision below."
        ),
        "patterns_heading": _("Patterns found"),
        "in_force_heading": _("The IEP provisions in force"),
        "no_iep": _("No IEP version was in force during this range."),
        "iep": _("IEP"),
        "iep_rows": [
            _("Status"),
            _("IEP meeting"),
            _("Annual review due"),
            _("Reevaluation due"),
            _("Case manager"),
            _("Amendment"),
        ],
        "iep_head": [_("Provision"), _("Exact IEP wording"), _("Schedule and who")],
        "per_provision_heading": _("Provision by provision"),
        "provision_head": [
            _("Expected"),
            _("Delivered"),
            _("Partly"),
            _("Missed"),
            _("Not applic."),
            _("Not known"),
            _("Not logged"),
            _("Rate"),
        ],
        "period_states": {
            "logged": _("logged"),
            "not_logged": _("not logged (gap)"),
            "other": _("no school days"),
        },
        "sessions_head": [
            _("Period"),
            _("Counted days"),
            _("Min.\nrequired"),
            _("Min.\ndelivered"),
            _("Min.\nshort"),
            _("Sessions\nrequired"),
            _("Sessions\nheld"),
            _("Sessions\nshort"),
            _("State"),
        ],
        "periods_head": [
            _("Period"),
            _("Counted days"),
            _("Required"),
            _("Delivered"),
            _("Shortfall"),
            _("State"),
        ],
        "charts_heading": _("Charts"),
        "months_heading": _("Delivery month by month"),
        "heatmap_heading": _("Every school day at a glance"),
        # Filled in by the template for each chart of up to 24 months.
        "heatmap_alt": _(
            "Calendar heat map from %(first)s to %(last)s: one row per month, one square per day, coloured by "
            "the share of the day's expected provisions that were delivered, or marked not logged. The "
            "chronology of misses lists the same days."
        ),
        "chronology_heading": _("Chronology of every missed or partly delivered entry"),
        "no_misses": _("No missed or partly delivered entry was logged in this range."),
        "chronology_intro": ngettext(
            "Every entry logged as missed or partly delivered, oldest first (%(count)s entry), as the ledger "
            "records it. “First recorded” is the day the entry was first written to the ledger, its lag after "
            "the school day, and who wrote it; every later change is listed under it with its date, how long "
            "after the school day, and the reason given. “Ledger” gives the numbers of its first and latest "
            "records in the attached chain. Withdrawn entries are in the appendix.",
            "Every entry logged as missed or partly delivered, oldest first (%(count)s entries), as the ledger "
            "records it. “First recorded” is the day the entry was first written to the ledger, its lag after "
            "the school day, and who wrote it; every later change is listed under it with its date, how long "
            "after the school day, and the reason given. “Ledger” gives the numbers of its first and latest "
            "records in the attached chain. Withdrawn entries are in the appendix.",
            misses,
        )
        % {"count": misses},
        "chronology_head": [_("Date"), _("Provision and IEP wording"), _("What happened"), _("First recorded")],
        "school_caused_mark": _("(school-caused)"),
        # The cause of a miss as reports.data._cause_text words it (the same message), to know which to box.
        "school_caused": chronology_formats()["school_caused"],
        "not_counted": _("Not in the day counts: a make-up session or a day the provision was not expected."),
        "communications": _communication_words(c) if c is not None else None,
        "appendix_heading": _("Appendix: entries withdrawn"),
        "no_withdrawn": _("No entry of this range was withdrawn."),
        "withdrawn": ngettext(
            "An entry that was withdrawn no longer counts in any number of this report, but it is kept in the "
            "ledger with the reason given. This %(count)s entry of the range was withdrawn:",
            "An entry that was withdrawn no longer counts in any number of this report, but it is kept in the "
            "ledger with the reason given. These %(count)s entries of the range were withdrawn:",
            withdrawn,
        )
        % {"count": withdrawn},
        "withdrawn_head": [
            _("School day"),
            _("Provision"),
            _("What it said, and why it was withdrawn"),
            _("Recorded and withdrawn"),
        ],
        "withdrawn_reason": _("Reason for withdrawing:"),
        "exhibits_heading": _("Exhibits"),
        "no_exhibits": _(
            "No photo or document was kept with the entries of this range, and no IEP document was uploaded."
        ),
        "exhibits_intro": _(
            "Every file is identified by its SHA-256 hash: anyone can hash the file and compare. Photos are "
            "shown on a page of their own below; other files (PDF documents, saved emails) are carried inside "
            "this PDF as attached files, byte for byte (open the attachments panel of a PDF reader, or run "
            "pdfdetach -saveall)."
        ),
        "exhibits_head": [_("Exhibit"), _("File and what it is"), _("Where"), _("SHA-256")],
        "page_below": _("A page below"),
        "exhibit_head": _("Exhibit"),
        "exhibit_rows": [_("What it is"), _("File"), _("SHA-256"), _("This page")],
        "method_heading": _("How the numbers are computed"),
        "note_heading": _("Please note"),
        "declaration_heading": _("Declaration of the record-keeping process"),
        "declaration_note": _(
            "For the parent to sign if they choose to (Federal Rules of Evidence 902(11), 902(13) and 902(14); "
            "28 U.S.C. 1746). This page is not signed by IEP Right and is not signed on anyone’s behalf. Read "
            "every statement; sign only what is true; strike or correct anything that is not."
        ),
        "declare": _("I, %(name)s, declare:") % {"name": data["declaration"]["declarant"]},
        "signature": _("Signature of %(name)s") % {"name": data["declaration"]["declarant"]},
        "date": _("Date"),
        "where_signed": _("City and state (or country) where signed"),
    }


def _communication_words(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "heading": _("Communications with the school"),
        "nothing": _("No communications are recorded in this period."),
        "counts": ngettext(
            "The parent wrote to or spoke with the school %(asked)s time in this period; %(answered)s of these "
            "have an answer recorded and %(unanswered)s do not. Each line is read from the ledger record of "
            "the communication.",
            "The parent wrote to or spoke with the school %(asked)s times in this period; %(answered)s of these "
            "have an answer recorded and %(unanswered)s do not. Each line is read from the ledger record of "
            "the communication.",
            c["asked"],
        )
        % c,
        "head": [_("Date"), _("Who, how"), _("Subject"), _("Answer")],
    }


def _provision_words(data: dict[str, Any]) -> None:
    """Each provision's sentences: its versions, its reasons for misses, its minutes and sessions."""
    versions_format = (
        "(%(count)s IEP version in this range: the latest wording is shown; each version’s is under "
        "“The IEP provisions in force”.)",
        "(%(count)s IEP versions in this range: the latest wording is shown; each version’s is under "
        "“The IEP provisions in force”.)",
    )
    for p in data["provisions"]:
        p["versions_text"] = (
            ngettext(*versions_format, p["versions"]) % {"count": p["versions"]} if p["versions"] > 1 else ""
        )
        reasons = [
            (
                _("%(reason)s: %(count)s (counts against the school)")
                if r["school_caused"]
                else _("%(reason)s: %(count)s")
            )
            % {"reason": r["label"], "count": r["count"]}
            for r in p["reasons"]
        ]
        # A list of "reason: count" items, joined as the language joins a list.
        p["reasons_text"] = (
            _("Reasons for misses: %(reasons)s.") % {"reasons": _("; ").join(reasons)} if reasons else ""
        )
        p["missed_text"] = (
            ngettext(
                "%(missed)s (%(school)s); %(partial)s partly delivered",
                "%(missed)s (%(school)s); %(partial)s partly delivered",
                p["partial"],
            )
            if p["partial"] > 0
            else _("%(missed)s (%(school)s)")
        ) % {"missed": p["missed"], "school": p["school_caused"], "partial": p["partial"]}
        s = p["service"]
        if s is None:
            continue
        period = _period(s["period"])
        values = {**s, "period": period}
        s["per_period"] = _("%(label)s (per %(period)s)") % {"label": p["label"], "period": period}
        s["shortfall_text"] = pgettext("a number of minutes, short", "%(minutes)s min") % {"minutes": s["shortfall"]}
        s["minutes_text"] = rich(
            _(
                "Minutes per %(period)s over logged periods: required %(required)s, delivered %(delivered)s "
                "<nobr>(make-up %(makeup)s)</nobr>, <b>documented shortfall %(shortfall)s</b>."
            ),
            values,
        )
        s["gaps_text"] = (
            ngettext(
                "%(gaps)s period was not logged and is left out (%(required_in_gaps)s minutes required in it).",
                "%(gaps)s periods were not logged and are left out (%(required_in_gaps)s minutes required in them).",
                s["gaps"],
            )
            % values
            if s["gaps"] > 0
            else ""
        )
        if s["states_sessions"]:
            s["sessions_text"] = rich(
                _(
                    "Sessions per %(period)s, as the IEP states them, over logged periods: required "
                    "%(sessions_required)s, held %(sessions_held)s (delivered or partly delivered), "
                    "<b>sessions short %(sessions_shortfall)s</b>."
                ),
                values,
            )
        elif s["sessions"] != "":
            s["sessions_text"] = rich(_("Sessions held: %(sessions)s."), values)
        else:
            s["sessions_text"] = []


def _finding_words(data: dict[str, Any]) -> None:
    for f in data["findings"]:
        p = f["p"]
        f["test_text"] = (
            _("(Fisher exact test, p %(p)s)") % {"p": p}
            if p.startswith("<")
            else _("(Fisher exact test, p = %(p)s)") % {"p": p}
        )


def _iep_words(data: dict[str, Any]) -> None:
    for v in data["ieps"]:
        values = {"number": v["number"], "from": v["from"], "to": v["to"]}
        v["heading"] = (
            _("IEP version %(number)s: in effect from %(from)s to %(to)s")
            if v["to"]
            else _("IEP version %(number)s: in effect from %(from)s (current version)")
        ) % values
        v["version"] = _("Version %(number)s") % values
        for p in v["provisions"]:
            p["purpose_text"] = _("Purpose: %(purpose)s") % {"purpose": p["purpose"]} if p["purpose"] else ""


def _exhibit_words(data: dict[str, Any]) -> None:
    rows = list(data["exhibits"])
    for miss in data["misses"]:
        rows.extend(miss["attachments"])
    for e in rows:
        values = {
            "label": e["label"],
            "name": e["name"],
            "type": e["type"],
            "size": e["size"],
            "about": e["about"],
            "file": e["file_name"],
        }
        e["alt"] = _("%(label)s: photo %(name)s") % values
        e["page_alt"] = _("%(label)s: photo %(name)s, %(about)s") % values
        e["caption"] = _("%(label)s: %(name)s (full page in Exhibits)") % values
        e["mention"] = (
            _("%(label)s: %(name)s, %(type)s (carried inside this PDF as %(file)s)")
            if e["file_name"]
            else _("%(label)s: %(name)s, %(type)s")
        ) % values
        e["where"] = _("Attached file %(file)s") % values
        e["file_text"] = _("%(name)s (%(type)s, %(size)s)") % values


def _chart_item_words(data: dict[str, Any]) -> None:
    charts = data["charts"]
    for row in charts["months"]:
        row["alt"] = _(
            "Bar chart of delivered, partly delivered and missed days for each month, %(title)s; the month "
            "rates are printed above the bars and the table 'Delivery by provision' gives the totals."
        ) % {"title": row["title"]}
    for s in charts["services"]:
        period = _period(s["period"])
        s["heading"] = _("%(label)s: minutes per %(period)s against the requirement") % {
            "label": s["label"],
            "period": period,
        }
        for row in s["rows"]:
            row["alt"] = _(
                "Bar chart of %(label)s minutes delivered per %(period)s with the required minutes marked, "
                "%(title)s; the period table of this service gives the same numbers."
            ) % {"label": s["label"], "period": period, "title": row["title"]}


def _retraction_words(data: dict[str, Any]) -> None:
    for r in data["retractions"]:
        r["note_text"] = _("Note: “%(note)s”") % {"note": r["note"]} if r["note"] else ""
        r["recorded_text"] = _("Recorded %(when)s.") % {"when": r["recorded"]}
        r["withdrawn_text"] = _("Withdrawn %(when)s.") % {"when": r["withdrawn"]}
        r["ledger_text"] = _("Ledger #%(seq)s") % {"seq": r["seq"]}


def chronology_formats() -> dict[str, str]:
    """The chronology's per-row messages, translated once per report (``reports.data._misses``)."""
    return {
        "makeup": " " + _("(make-up session)"),
        "school_caused": _("school-caused"),
        "unknown_cause": _("counts against the school: the school gave no reason"),
        "how_known": _("How known: %(source)s."),
        "how_known_reporter": _("How known: %(source)s; reported by %(reporter)s."),
        "note": _("Note: “%(note)s”"),
        "by": _("by %(name)s"),
        "edit_ledger": _("(ledger #%(seq)s)"),
        "ledger": _("Ledger #%(seq)s"),
        "ledger_range": _("Ledger #%(first)s to #%(seq)s"),
    }


def letter_words() -> dict[str, Any]:
    """The letter template's fixed words: its language and the page number in the footer."""
    return {**language(), "page_of": pgettext("letter footer", "%(page)s of %(pages)s")}
