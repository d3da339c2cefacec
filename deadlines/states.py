"""Per-state deadline settings for all 50 states, the District of Columbia and Puerto Rico.

Data, not code branches (legal-facts.md section 4). A state's entry maps a rule id to either
``Override`` (the state's own count and citation) or ``Flag`` (UNVERIFIED or CONFLICTING: the rule is
shown flagged and asserts no date; it never falls back to the federal rule). A state with no entry for
a rule uses the federal rule, and every deadline says so ("federal default: no state variation
recorded"). Add a state's rule here with its citation once it is checked against the state's law.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from deadlines.rules import (
    BUSINESS_DAYS,
    DAYS,
    DAYS_SKIPPING_BREAKS,
    DAYS_SKIPPING_SUMMER,
    SCHOOL_DAYS,
    YEARS,
    Count,
    Text,
)
from plans.models import US_STATES

UNVERIFIED = "UNVERIFIED"
CONFLICTING = "CONFLICTING"


@dataclass(frozen=True)
class Override:
    count: Count
    citation: str
    note: Text = ""
    disability: str = ""  # applies only to a child with this disability ("" = every child)
    since: date | None = None  # applies to events on or after this date; earlier ones are flagged


@dataclass(frozen=True)
class Flag:
    status: str  # UNVERIFIED or CONFLICTING
    citation: str
    note: Text


StateRule = Override | Flag

# The 50 states, DC and Puerto Rico: the same list the child's form offers.
STATE_NAMES: dict[str, str | Promise] = dict(US_STATES)  # names translated when shown

# Every jurisdiction is listed; an empty mapping means "federal default: no state variation recorded".
STATE_RULES: dict[str, dict[str, StateRule]] = {code: {} for code in STATE_NAMES}

STATE_RULES["AK"] = {
    "due_process_filing_limit": Flag(
        CONFLICTING,
        "AS 14.30.193(a)",
        _(
            "Alaska: 12 months after written notice, but sources conflict; check the state's procedural safeguards notice."
        ),
    ),
}
STATE_RULES["AZ"] = {
    "iep_meeting_on_request": Override(Count(45, SCHOOL_DAYS), "A.A.C. R7-2-401(G)(7)", _("Arizona: 45 school days.")),
}
STATE_RULES["CA"] = {
    "records_request": Override(Count(5, BUSINESS_DAYS), "Cal. Ed. Code 56504", _("California: 5 business days.")),
    "initial_evaluation": Override(
        Count(60, DAYS_SKIPPING_BREAKS),
        "Cal. Ed. Code 56344(a)",
        _("California: the IEP within 60 days of consent, not counting breaks of more than 5 school days."),
    ),
    "iep_meeting_on_request": Override(
        Count(30, DAYS_SKIPPING_BREAKS),
        "Cal. Ed. Code 56343.5",
        _("California: 30 days, not counting breaks of more than 5 school days."),
    ),
}
STATE_RULES["IL"] = {
    "initial_evaluation": Flag(
        UNVERIFIED,
        "Illinois rule (citation not yet recorded)",
        _("Illinois: 60 school days is reported but only partly verified; ask the district or ISBE."),
    ),
}
STATE_RULES["MA"] = {
    "initial_evaluation": Flag(
        UNVERIFIED,
        "603 CMR 28.05(1)",
        _(
            "Massachusetts: 30 school working days for assessments and 45 for the team meeting. School working "
            "days are not the school days of the child's calendar, so no date is computed."
        ),
    ),
}
STATE_RULES["NC"] = {
    "due_process_filing_limit": Override(Count(1, YEARS), "NC Policy 1504-1.8", _("North Carolina: 1 year.")),
}
STATE_RULES["PA"] = {
    "initial_evaluation": Override(
        Count(60, DAYS_SKIPPING_SUMMER), "22 Pa. Code 14.123", _("Pennsylvania: 60 calendar days, not counting summer.")
    ),
    "reevaluation": Override(
        Count(2, YEARS),
        "22 Pa. Code 14.124(c)",
        _("Pennsylvania: every 2 years for a child with an intellectual disability."),
        disability="intellectual_disability",
    ),
}
STATE_RULES["TX"] = {
    "initial_evaluation": Override(Count(45, SCHOOL_DAYS), "Tex. Educ. Code 29.004", _("Texas: 45 school days.")),
    "due_process_filing_limit": Override(
        Count(2, YEARS),
        "19 TAC 89.1151(c)",
        _("Texas: 2 years for events since 1 September 2022."),
        since=date(2022, 9, 1),
    ),
}
STATE_RULES["WA"] = {
    "records_request": Override(
        Count(45, DAYS),
        "Washington state rule (citation to be checked)",
        _("Washington: promptly, and at most 45 calendar days."),
    ),
}
STATE_RULES["WI"] = {
    "due_process_filing_limit": Override(Count(1, YEARS), "Wis. Stat. 115.80(1)(a)1", _("Wisconsin: 1 year.")),
}


def state_rule(state: str | None, rule_id: str, disability: str | None = None) -> StateRule | None:
    """The state's setting for ``rule_id`` (None: the federal rule applies, marked as the default)."""
    if not state:
        return None
    setting = STATE_RULES.get(state.upper(), {}).get(rule_id)
    if isinstance(setting, Override) and setting.disability and setting.disability != (disability or ""):
        return None
    return setting
