"""The method, in plain words: printed on the insights page and in every report.

``METHOD_SECTIONS`` is the text as (heading, paragraphs) so pages and PDFs can lay it out;
``METHOD_TEXT`` is the same as one plain string. docs/method.md carries the same paragraphs (a test
keeps them in step). Change the arithmetic and this text together, and raise ``METHOD_VERSION``.
"""

from __future__ import annotations

from insights.patterns import MIN_MISSES, MIN_RATIO
from insights.results import METHOD_VERSION

DISCLAIMER = (
    "Logged minutes missed do not prove a violation and do not set the amount of compensatory education. "
    "This is general information, not legal advice."
)

METHOD_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "School days",
        (
            "An attended school day is a day of the school calendar's regular weekdays, between its first "
            "and last day, that is not a holiday or break, and on which the child was not marked absent.",
            "On each day, the IEP in force is the latest version whose dates cover that day; draft versions "
            "never count. When an IEP is amended, each provision keeps its history: the numbers of the old "
            "and the new version are shown as parts of one line.",
        ),
    ),
    (
        "Days and delivery rate",
        (
            "For each provision, the expected days are the attended school days, while its IEP is in force, "
            "that match its schedule (every school day, or the chosen weekdays). Each expected day is counted "
            "once as delivered, partly delivered, missed, not applicable, don't know, or not logged (no entry "
            "at all). Entries on days that are not expected, make-up sessions and withdrawn (retracted) "
            "entries are not in these counts.",
            "Entries dated outside a provision's IEP dates (before its IEP starts or after it ends) are ignored "
            "everywhere, minutes included, and listed on the IEP's page as outside the IEP's dates.",
            "A flexible service (the provider picks the days, for example 120 minutes per month) has no "
            "expected days: no day is ever not logged for it, and Everything delivered never marks it. Its "
            "counts are the sessions logged (delivered, partly delivered, missed) and its delivery rate is over "
            "those; its logging coverage is per period, as for minutes below.",
            "Delivery rate = delivered days / (delivered + partly delivered + missed days). Partly delivered "
            "days are shown, not weighted. Not applicable, don't know and not logged days are outside the "
            "rate and shown beside it as logging coverage = logged expected days / expected days. Rates are "
            "exact fractions, shown to one decimal place, rounded half up.",
            "Each miss carries a reason. Misses the school caused (provider or staff absent, cancelled by the "
            "school, staff shortage, scheduling conflict, no transport, substitute, reason not known) are "
            "shown apart from the others (child absent or left early, school closed, parent asked to skip "
            "it). A miss logged without a reason counts as reason not known.",
        ),
    ),
    (
        "Service minutes",
        (
            "For services with minutes, each period is an ISO week (Monday to Sunday) or a calendar month, as "
            "the IEP states. Required minutes = the IEP's minutes for the period x attended school days in the "
            "period while the IEP is in force / regular school weekdays in the whole period (5 in a normal "
            "week), rounded to the nearest whole minute, halves rounded up. Required minutes follow attended "
            "school days, not the session schedule: an absence on a day without a session still lowers that "
            "week's requirement by one day's share. When the IEP changes the minutes during a period, each "
            "version's share is added before rounding.",
            "Delivered minutes = every minute logged for the service in the period, on any day, make-up "
            "sessions included (a make-up on a day that also had its regular session adds its minutes to that "
            "day); withdrawn entries never count. Documented shortfall = required minus delivered, never "
            "below zero. More minutes in one period do not fill another.",
            "A period with no entry at all for the service is not logged: it is left out of required, "
            "delivered and shortfall, and listed as a gap in the record, never presumed missed. A period with "
            "no attended school day (a break week) requires nothing and is never a gap. Any entry in the "
            "period, of any status, makes it logged. The totals add up the logged periods; periods cut by the "
            "start or end of the chosen dates, or of the IEP, are prorated by the same rule.",
            "Where the IEP states a number of sessions per period, required sessions = that number x the same "
            "fraction of attended school days, rounded half up, and sessions held = entries delivered or partly "
            "delivered in the period (make-up sessions included); both are shown beside the minutes. A partly "
            "delivered session records the minutes that actually happened, as the parent gives them.",
        ),
    ),
    (
        "Patterns",
        (
            "Patterns compare how often a provision was missed in one group of days (a weekday, a month, days "
            "with a tag such as substitute, or the staff responsible) with all its other logged days, counting "
            "delivered, partly delivered and missed days; only missed counts as a miss. Only what is known for "
            "every one of those days is compared: the staff responsible is left out where a provision names "
            f"none. A pattern is shown when the group's miss rate is at least {MIN_RATIO} times the rest's "
            f"and the group has at least {MIN_MISSES} misses. Its strength is the one-sided Fisher exact "
            "test's p-value: the chance of misses gathering in the group at least this much if they fell at "
            "random; the smaller, the stronger.",
            "The reason and how the parent learned of it are asked only for misses, so they are never compared "
            "as groups (a group only misses have would always stand out). They are shown as breakdowns of the "
            "misses: the share of misses giving each reason, and each way of knowing.",
        ),
    ),
    (
        "What these numbers are not",
        (
            "These numbers describe what was logged. They do not prove a violation and do not set the amount "
            "of compensatory education; the words used are documented shortfall. This is general "
            "information, not legal advice.",
        ),
    ),
)

METHOD_TEXT = (
    f"How these numbers are computed (method version {METHOD_VERSION})\n\n"
    + "\n\n".join(f"{heading}\n\n" + "\n\n".join(paragraphs) for heading, paragraphs in METHOD_SECTIONS)
    + "\n"
)
