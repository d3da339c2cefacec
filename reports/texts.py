"""Fixed words of the reports: disclaimers, how to verify, and the method (design.md section 6).

The disclaimers are legal-facts.md section 5, word for word in substance. The method comes from
``insights.method`` when it is there (the insights own its words); the paragraphs below say the same
until then.
"""

from __future__ import annotations

DISCLAIMERS = [
    "This report gives general information, not legal advice, and creates no attorney-client relationship.",
    "Laws and state rules change and differ from state to state: check your state's procedural safeguards "
    "notice and your State Education Agency.",
    "Deadlines and dates shown are estimates computed from the dates entered. Filing limits can be lost: "
    "contact a lawyer, your state's Parent Training and Information Center, or your Protection and Advocacy "
    "agency before a deadline.",
    "Logged minutes missed do not prove a violation and do not set the amount of compensatory education; "
    "they are a documented shortfall that supports a request.",
    "Mediation discussions are confidential: check your state's rules before writing about them.",
    "The software files nothing for you: keep copies of everything you send, and proof of delivery.",
]

HOW_TO_VERIFY = [
    "This PDF carries the ledger records it relies on as an attached file, ledger-records.json. Open the "
    "attachments panel of a PDF reader, or run: pdfdetach -saveall report.pdf",
    "Run the standalone script tools/verify_ledger_export.py from IEP Right's source (docs/verification.md; "
    "Python 3, standard library only): python3 verify_ledger_export.py ledger-records.json --expect-head "
    "followed by the head hash printed on this page.",
    "The script recomputes every record's SHA-256 from the previous hash and the record's exact content, and "
    "prints the record count and the head hash. They must equal the count and head hash printed on this page. "
    "A change to any record, or a removed or reordered record, changes every hash after it.",
    "The numbers in this report can be recomputed from the records by the method described in the section "
    "'How the numbers are computed'.",
]

# (heading, paragraphs), like insights.method.METHOD_SECTIONS, which wins when it is there.
_METHOD: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Attended school days",
        (
            "A day counts as an attended school day when it is one of the school calendar's regular weekdays, "
            "falls between the calendar's first and last day, is not a listed non-school day (holiday, break, "
            "closure), and the child was not recorded as absent.",
        ),
    ),
    (
        "Expected days and the delivery rate",
        (
            "For each provision, the expected days are the attended school days on which the IEP version "
            "containing the provision was in force and which match the provision's schedule. On each expected "
            "day the log says delivered, partly delivered, missed, not applicable or not known; an expected day "
            "with no entry is 'not logged'. Entries on days that were not expected, make-up sessions and "
            "retracted entries are left out of these counts.",
            "Delivery rate = delivered days / (delivered + partly delivered + missed days). Partly delivered "
            "days are shown, not weighted; not applicable, not known and not logged days are outside the rate, "
            "and logging coverage = logged expected days / expected days. Rates are exact fractions shown to "
            "one decimal place, rounded half up.",
        ),
    ),
    (
        "Service minutes",
        (
            "For a service with minutes per week (Monday to Sunday) or per month, the minutes required in a "
            "period are the IEP's minutes times the attended school days in the period while the IEP was in "
            "force, divided by the regular school weekdays of the whole period, rounded to the nearest minute. "
            "A period with no attended school day requires nothing.",
            "A period with no entry at all for the service is 'not logged': it is left out of required, "
            "delivered and shortfall, and listed as a gap, never presumed missed. Delivered minutes include "
            "make-up sessions. The documented shortfall of a logged period is required minus delivered, or "
            "zero; it is not an amount of compensatory education.",
        ),
    ),
    (
        "Reasons and patterns",
        (
            "Reasons that are the school's doing (provider or staff absent, cancelled by the school, staff "
            "shortage, scheduling conflict, no transport, substitute, reason not known) are shown apart from "
            "the others (child absent, school closed, parent asked to skip it).",
            "A pattern is stated only when a group's miss rate (by weekday, month, source, day tag or provider) "
            "is at least twice the rest's with at least 3 misses, with the one-sided Fisher exact test's p-value.",
        ),
    ),
)

RECORDING = (
    "Recording",
    (
        "Every entry, edit and retraction is recorded in a hash-chained ledger when it is made, with the "
        "server's clock. Recording lag is the number of days between the school day and the first record of "
        "it; entries recorded the same day are counted separately.",
    ),
)


def method_sections() -> list[dict[str, object]]:
    """The method in plain words: a heading and its paragraphs per part, then how records are kept."""
    try:
        from insights.method import METHOD_SECTIONS  # type: ignore[attr-defined,unused-ignore]

        sections = tuple(METHOD_SECTIONS)
    except ImportError:  # until the insights' own text is on main
        sections = _METHOD
    return [{"heading": h, "paragraphs": list(p)} for h, p in (*sections, RECORDING)]
