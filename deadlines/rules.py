"""Deadline rules from the law, as data with their citation (shared/docs/legal-facts.md sections 1 and 4).

Each ``Rule`` names the event that starts its clock, how to count, and where the rule comes from.
State variations are not code branches: ``deadlines/states.py`` holds a table of overrides per state,
and ``deadlines/compute.py`` applies it. A rule whose federal wording is itself unverified carries
``federal_flag`` and asserts no date unless a state gives one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise  # a plain or a translatable string

# How a count is made (deadlines/counting.py does the arithmetic).
DAYS = "days"  # calendar days, trigger is day 0
BUSINESS_DAYS = "business_days"  # Monday-Friday except the school's holidays
SCHOOL_DAYS = "school_days"  # from the child's school calendar only
DAYS_SKIPPING_SUMMER = "days_skipping_summer"  # calendar days not counting summer (Pennsylvania)
DAYS_SKIPPING_BREAKS = "days_skipping_breaks"  # calendar days not counting breaks over 5 school days (California)
YEARS = "years"  # same month and day
WEEKDAYS_BEFORE = "weekdays_before"  # counted back from the day before, holidays counted (300.148(d))


# What each way of counting means, for "how was this computed" (legal-facts.md counting conventions).
CONVENTIONS = {
    DAYS: _(
        "Calendar days. The day of the event is day 0, so the date is the event's date plus the number "
        "of days. A date that falls on a weekend or holiday stays there; it is not moved."
    ),
    BUSINESS_DAYS: _(
        "Business days: Monday to Friday, not counting the holidays entered in the child's school "
        "calendar. Counting starts with the first business day after the event, even when the event "
        "was on a weekend or holiday."
    ),
    SCHOOL_DAYS: _(
        "School days, only from the child's school calendar. Counting starts with the first school "
        "day after the event. If the count runs past the calendar, we say so instead of guessing."
    ),
    DAYS_SKIPPING_SUMMER: _(
        "Calendar days, not counting the summer break between two school years of the child's "
        "calendar. The day of the event is day 0."
    ),
    DAYS_SKIPPING_BREAKS: _(
        "Calendar days, not counting the summer between school years or any break of more than 5 "
        "school days in the child's calendar (the whole break, with the weekends next to it). The "
        "day of the event is day 0."
    ),
    YEARS: _(
        "Years keep the month and day (never 365 days). 29 February becomes 28 February for a last "
        "day and 1 March for an earliest day. A filing limit is inclusive: the anniversary is still "
        "on time."
    ),
    WEEKDAYS_BEFORE: _(
        "Counted back: the 10th Monday-to-Friday day counting back from the day before the removal. "
        "Holidays on those days count as business days (34 CFR 300.148(d))."
    ),
}


@dataclass(frozen=True)
class Count:
    number: int
    unit: str


@dataclass(frozen=True)
class Rule:
    id: str
    title: Text
    trigger: str  # the event kind that starts the clock
    count: Count
    citation: str
    summary: Text  # the rule in one plain sentence
    earliest: Count | None = None  # where the rule also sets an earliest date
    latest_event_only: bool = False  # "last IEP meeting": only the newest such event counts
    federal_flag: str = ""  # "UNVERIFIED" when the federal wording is not settled: no date unless a state gives one
    whose: str = "school"  # "school": the school must act; "parent": the parent's own limit


# Event kinds (the JSON input of `manage.py deadlines --events` uses these names).
EVENT_KINDS: list[tuple[str, Text]] = [
    ("records_request", _("Records request sent (IDEA)")),
    ("ferpa_records_request", _("Records request sent (FERPA)")),
    ("iep_meeting_scheduled", _("IEP meeting scheduled for")),
    ("resolution_session_scheduled", _("Resolution session scheduled for")),
    ("due_process_hearing_scheduled", _("Due process hearing scheduled for")),
    ("violation", _("The school failed to follow the IEP (violation)")),
    ("state_complaint_filed", _("State complaint filed")),
    ("knew_or_should_have_known", _("You learned of the problem (knew or should have known)")),
    ("due_process_complaint_received", _("District received the due process complaint")),
    ("resolution_meeting_waived", _("Resolution meeting waived in writing")),
    ("sufficiency_challenge_received", _("Sufficiency challenge received by the hearing officer")),
    ("last_iep_meeting", _("Last IEP meeting (annual review)")),
    ("last_evaluation", _("Last evaluation")),
    ("evaluation_consent", _("School received consent to evaluate")),
    ("eligibility_determined", _("Child found eligible")),
    ("ocr_last_act", _("Last act of discrimination (Section 504)")),
    ("grievance_filed", _("School grievance filed")),
    ("grievance_ended", _("School grievance process ended")),
    ("private_placement_removal", _("Planned removal to a private school")),
    ("iep_meeting_requested", _("IEP meeting requested in writing")),
]
EVENT_KIND_IDS = {kind for kind, _label in EVENT_KINDS}
# Meetings that cut a records request short: the first on or after the request is its deadline.
MEETING_KINDS = ("iep_meeting_scheduled", "resolution_session_scheduled", "due_process_hearing_scheduled")

RULES: list[Rule] = [
    Rule(
        "records_request",
        _("School must let you see the records"),
        "records_request",
        Count(45, DAYS),
        "34 CFR 300.613(a)",
        _(
            "Without unnecessary delay, before any IEP meeting, hearing or resolution session, and never "
            "more than 45 days after the request."
        ),
    ),
    Rule(
        "ferpa_records_request",
        _("School must let you see the records (FERPA)"),
        "ferpa_records_request",
        Count(45, DAYS),
        "34 CFR 99.10(b)",
        _("Within a reasonable time, at most 45 days after the request."),
    ),
    Rule(
        "state_complaint_filing_limit",
        _("Last day to file a state complaint"),
        "violation",
        Count(1, YEARS),
        "34 CFR 300.153(c)",
        _("A state complaint can raise a violation that happened not more than 1 year before it is received."),
        whose="parent",
    ),
    Rule(
        "state_complaint_decision",
        _("State complaint decision due"),
        "state_complaint_filed",
        Count(60, DAYS),
        "34 CFR 300.152(a)",
        _(
            "The state decides within 60 days after the complaint is filed, unless extended on the grounds of 300.152(b)."
        ),
    ),
    Rule(
        "due_process_filing_limit",
        _("Last day to file for due process"),
        "knew_or_should_have_known",
        Count(2, YEARS),
        "34 CFR 300.507(a)(2), 300.511(e); 20 USC 1415(f)(3)(C)",
        _(
            "2 years from when you knew or should have known, unless the state sets its own limit. "
            "Exceptions in 300.511(f)."
        ),
        whose="parent",
    ),
    Rule(
        "sufficiency_challenge",
        _("Last day for the district to challenge the complaint's sufficiency"),
        "due_process_complaint_received",
        Count(15, DAYS),
        "34 CFR 300.508(d)(1)",
        _("An objection that the complaint is not sufficient must come within 15 days of receiving it."),
    ),
    Rule(
        "sufficiency_ruling",
        _("Hearing officer rules on sufficiency"),
        "sufficiency_challenge_received",
        Count(5, DAYS),
        "34 CFR 300.508(d)(2)",
        _("The hearing officer decides within 5 days of receiving the challenge."),
    ),
    Rule(
        "resolution_meeting",
        _("Resolution meeting must be held"),
        "due_process_complaint_received",
        Count(15, DAYS),
        "34 CFR 300.510(a)",
        _("Within 15 days of the district receiving your complaint, unless both waive it in writing or use mediation."),
    ),
    Rule(
        "resolution_period_end",
        _("Resolution period ends"),
        "due_process_complaint_received",
        Count(30, DAYS),
        "34 CFR 300.510(b)",
        _("30 days after the district receives the complaint."),
    ),
    Rule(
        "hearing_decision",
        _("Hearing decision due"),
        "due_process_complaint_received",
        Count(75, DAYS),
        "34 CFR 300.515(a), 300.510(b)-(c)",
        _(
            "45 days after the 30-day resolution period ends (receipt + 30 + 45 days); after a written "
            "waiver of the resolution meeting, 45 days after the waiver."
        ),
    ),
    Rule(
        "annual_review",
        _("Annual IEP review due"),
        "last_iep_meeting",
        Count(1, YEARS),
        "34 CFR 300.324(b)(1)",
        _("The IEP team reviews the IEP at least once a year."),
        latest_event_only=True,
    ),
    Rule(
        "reevaluation",
        _("Reevaluation due"),
        "last_evaluation",
        Count(3, YEARS),
        "34 CFR 300.303(b)",
        _("Not more than once a year and at least every 3 years, unless you and the school agree otherwise."),
        earliest=Count(1, YEARS),
        latest_event_only=True,
    ),
    Rule(
        "initial_evaluation",
        _("Initial evaluation due"),
        "evaluation_consent",
        Count(60, DAYS),
        "34 CFR 300.301(c)",
        _("Within 60 days of the school receiving consent, or the state's own timeframe (exceptions 300.301(d)-(e))."),
    ),
    Rule(
        "initial_iep_meeting",
        _("First IEP meeting due"),
        "eligibility_determined",
        Count(30, DAYS),
        "34 CFR 300.323(c)(1)",
        _("Within 30 days of the child being found eligible."),
    ),
    Rule(
        "ocr_complaint",
        _("Last day to file an OCR complaint (Section 504)"),
        "ocr_last_act",
        Count(180, DAYS),
        "ED OCR complaint rules (Case Processing Manual)",
        _("Within 180 days of the last act of discrimination."),
        whose="parent",
    ),
    Rule(
        "ocr_complaint_after_grievance",
        _("Last day to file with OCR after a school grievance"),
        "grievance_ended",
        Count(60, DAYS),
        "ED OCR complaint rules (Case Processing Manual)",
        _("Within 60 days after the school's grievance process ends (when the grievance was filed in time)."),
        whose="parent",
    ),
    Rule(
        "private_placement_notice",
        _("Last day to give notice of a private placement"),
        "private_placement_removal",
        Count(10, WEEKDAYS_BEFORE),
        "34 CFR 300.148(d)(1)(ii)",
        _(
            "Written notice at least 10 business days (holidays on business days counted) before removing "
            "the child, or notice at the last IEP meeting you attended."
        ),
        whose="parent",
    ),
    Rule(
        "iep_meeting_on_request",
        _("School answers your request for an IEP meeting"),
        "iep_meeting_requested",
        Count(30, DAYS),  # never used federally: see federal_flag; states give their own count
        "not stated in IDEA",
        _(
            "IDEA sets no number of days: the school holds the meeting within a reasonable time or refuses "
            "by prior written notice. Some states set a limit."
        ),
        federal_flag="UNVERIFIED",
    ),
]
