"""The method, in plain words: printed on the insights page and in every report.

``METHOD_SECTIONS`` is the text as (heading, paragraphs) so pages and PDFs can lay it out;
``METHOD_TEXT`` is the same as one plain string. Both are the English; ``method_sections()`` is the
text in the language active when it is called (the messages are marked with ``gettext_noop``, their
numbers filled in after translation), and pages and reports print that. docs/method.md carries the
same paragraphs (a test keeps them in step). Change the arithmetic and this text together, and raise ``METHOD_VERSION``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from insights.patterns import MIN_MISSES, MIN_RATIO
from insights.results import METHOD_VERSION

# Translated where it is shown (insights.views), in the language active then.
DISCLAIMER = gettext_noop(
    "Logged minutes missed do not prove a violation. They do not set the amount of compensatory education. "
    "This is general information, not legal advice. For your own case, ask a lawyer or an advocate."
)

# The numbers the method's sentences name, filled in after translation.
_VALUES = {"ratio": MIN_RATIO, "misses": MIN_MISSES}

_MESSAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        gettext_noop("School days"),
        (
            gettext_noop(
                "An attended school day is a weekday that the school calendar counts as a school day. It falls "
                "between the first and last day of school. It is not a holiday or a break, and the child was not "
                "marked absent."
            ),
            gettext_noop(
                "On each day, the IEP in force is the latest version whose dates cover that day. Draft versions "
                "never count. When an IEP is amended, each provision keeps its history. The numbers of the old "
                "and the new version are shown as parts of one line."
            ),
        ),
    ),
    (
        gettext_noop("Days and delivery rate"),
        (
            gettext_noop(
                "For each provision, the expected days are the attended school days that match its schedule while "
                "its IEP is in force. The schedule is every school day, or the chosen weekdays. Each expected day "
                "is counted once as one of these: delivered, partly delivered, missed, not applicable, don't know, "
                "or not logged (no entry at all). Some entries are not in these counts: entries on days that are "
                "not expected, make-up sessions, and withdrawn (retracted) entries."
            ),
            gettext_noop(
                "Entries dated outside a provision's IEP dates are ignored everywhere, minutes included. These are "
                "entries from before its IEP starts or after it ends. They are listed on the IEP's page as outside "
                "the IEP's dates."
            ),
            gettext_noop(
                "A flexible service has no expected days: the provider picks the days, for example 120 minutes per "
                "month. No day is ever not logged for it, and Everything delivered never marks it. Its counts are "
                "the sessions logged (delivered, partly delivered, missed), and its delivery rate is over those. "
                "Its logging coverage is per period, as for minutes below."
            ),
            gettext_noop(
                "Delivery rate = delivered days / (delivered + partly delivered + missed days). Partly delivered "
                "days are shown, not weighted. Not applicable, don't know and not logged days are left out of the "
                "rate. They are shown beside it as logging coverage = logged expected days / expected days. Rates "
                "are exact fractions. They are shown to one decimal place, rounded half up."
            ),
            gettext_noop(
                "Each miss has a reason. Some reasons put the miss on the school: provider or staff absent, "
                "cancelled by the school, staff shortage, scheduling conflict, no transport, substitute, and "
                "reason not known. These misses are shown apart from the others: child absent or left early, "
                "school closed, and parent asked to skip it. A miss logged without a reason counts as reason not "
                "known."
            ),
        ),
    ),
    (
        gettext_noop("Service minutes"),
        (
            gettext_noop(
                "For services with minutes, each period is a week (an ISO week, Monday to Sunday) or a calendar "
                "month, as the IEP states. Required minutes = the IEP's minutes for the period x attended school "
                "days in the period while the IEP is in force / regular school weekdays in the whole period. A "
                "normal week has 5. The result is rounded to the nearest whole minute, halves up. Required minutes "
                "follow attended school days, not the session schedule. So an absence on a day without a session "
                "still lowers that week's need by one day's share. When the IEP changes the minutes during a "
                "period, each version's share is added before rounding."
            ),
            gettext_noop(
                "Delivered minutes = every minute logged for the service in the period, on any day. Make-up "
                "sessions are included. A make-up on a day that also had its regular session adds its minutes to "
                "that day. Withdrawn entries never count. Documented shortfall = required minus delivered, never "
                "below zero. More minutes in one period do not fill another."
            ),
            gettext_noop(
                "A period with no entry at all for the service is not logged. It is left out of required, "
                "delivered and shortfall. It is listed as a gap in the record, and never presumed missed. A period "
                "with no attended school day (a break week) requires nothing and is never a gap. Any entry in the "
                "period, of any status, makes it logged. The totals add up the logged periods. A period cut by the "
                "start or end of the chosen dates, or of the IEP, is prorated by the same rule."
            ),
            gettext_noop(
                "Some IEPs state a number of sessions per period. Then required sessions = that number x the same "
                "fraction of attended school days, rounded half up. Sessions held = entries delivered or partly "
                "delivered in the period, make-up sessions included. Both are shown beside the minutes. A partly "
                "delivered session records the minutes that really happened, as the parent gives them."
            ),
        ),
    ),
    (
        gettext_noop("Patterns"),
        (
            gettext_noop(
                "Patterns compare how often a provision was missed in one group of days with all its other logged "
                "days. A group is a weekday, a month, days with a tag such as substitute, or the staff responsible. "
                "Delivered, partly delivered and missed days are counted, and only missed counts as a miss. Only "
                "what is known for every one of those days is compared. So the staff responsible is left out where "
                "a provision names none. A pattern is shown when the group's miss rate is at least %(ratio)s "
                "times the rest's, and the group has at least %(misses)s misses. Its strength is the p-value of "
                "a one-sided Fisher exact test. That is the chance that misses would gather in the group at least "
                "this much if they fell at random. The smaller it is, the stronger the pattern."
            ),
            gettext_noop(
                "The reason and how the parent learned of it are asked only for misses. So they are never compared "
                "as groups: a group that only misses have would always stand out. They are shown as breakdowns of "
                "the misses: the share of misses giving each reason, and each way of knowing."
            ),
        ),
    ),
    (
        gettext_noop("What these numbers are not"),
        (
            gettext_noop(
                "These numbers describe what was logged. They do not prove a violation. They do not set the amount "
                "of compensatory education, so the words used are documented shortfall. This is general "
                "information, not legal advice."
            ),
        ),
    ),
)

METHOD_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (heading, tuple(paragraph % _VALUES for paragraph in paragraphs)) for heading, paragraphs in _MESSAGES
)


def method_sections() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The method as (heading, paragraphs) in the active language (pages and reports print this)."""
    return tuple(
        (_(heading), tuple(_(paragraph) % _VALUES for paragraph in paragraphs)) for heading, paragraphs in _MESSAGES
    )


METHOD_TEXT = (
    f"How these numbers are computed (method version {METHOD_VERSION})\n\n"
    + "\n\n".join(f"{heading}\n\n" + "\n\n".join(paragraphs) for heading, paragraphs in METHOD_SECTIONS)
    + "\n"
)
