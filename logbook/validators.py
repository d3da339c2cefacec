"""The rules a log entry must follow: one rule, one name, one message (each has its test).

Each function returns the message when the rule is broken and None otherwise, so that the service
can collect every problem at once and show them next to the fields.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from logbook.days import MISSED_STATUSES, is_service
from logbook.models import MissReason, Source, Status
from plans.models import Child, Provision

MAX_MINUTES = 600
MAX_TAGS = 12
MAX_TAG_LENGTH = 40


def not_in_future(day: date, today: date) -> str | None:
    if day > today:
        return "This day has not happened yet. You can log it on the day or later."
    return None


def belongs_to_child(provision: Provision, child: Child) -> str | None:
    if provision.iep.child_id != child.pk:
        return "This item is not part of this child's IEP."
    return None


def within_iep(provision: Provision, day: date) -> str | None:
    iep = provision.iep
    if iep.is_in_force_on(day):
        return None
    until = f" until {iep.effective_to:%B %-d, %Y}" if iep.effective_to else ""
    return f"This IEP was not in force on {day:%B %-d, %Y}. It is in force from {iep.effective_from:%B %-d, %Y}{until}."


def known_status(status: str) -> str | None:
    if status not in Status.values:
        return "Choose delivered, partly, missed, not applicable or don't know."
    return None


def minutes_only_for_services(provision: Provision, minutes: int | None) -> str | None:
    if minutes is not None and not is_service(provision):
        return f"Only services have minutes. “{provision.label}” is not a service."
    return None


def minutes_in_range(minutes: int | None) -> str | None:
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES:
        return f"Minutes must be between 0 and {MAX_MINUTES}."
    return None


def minutes_fit_status(status: str, minutes: int | None) -> str | None:
    if status == Status.MISSED and minutes:
        return "A missed session has no minutes delivered. If part of it happened, choose Partly."
    if status in (Status.NOT_APPLICABLE, Status.UNKNOWN) and minutes:
        return "Minutes are only for a delivered or partly delivered session."
    return None


def minutes_given_for_partial(provision: Provision, status: str, minutes: int | None) -> str | None:
    """A partly delivered session records the minutes that actually happened: asked, never assumed."""
    if status == Status.PARTIAL and minutes is None and is_service(provision):
        return _("Write how many minutes were actually delivered, e.g. 20.")
    return None


def reason_only_for_misses(status: str, reason: str) -> str | None:
    if reason and status not in MISSED_STATUSES:
        return "A reason is only for something missed or partly delivered."
    return None


def known_reason(reason: str) -> str | None:
    if reason and reason not in MissReason.values:
        return "Choose one of the reasons in the list."
    return None


def known_source(source: str) -> str | None:
    if source and source not in Source.values:
        return "Choose how you know from the list."
    return None


def makeup_only_for_services(provision: Provision, is_makeup: bool) -> str | None:
    if is_makeup and not is_service(provision):
        return f"Only services have make-up sessions. “{provision.label}” is not a service."
    return None


def short_enough(text: str, limit: int) -> str | None:
    if len(text) > limit:
        return f"Please keep this under {limit} characters (it has {len(text)})."
    return None


def reason_given_for_past_edit(day: date, first_recorded_on: date, today: date, edit_reason: str) -> str | None:
    """Changing what was recorded about a past day needs a reason, once that record is settled.

    An entry first recorded today may still be corrected freely today (tapping "Missed" and then
    adding its details is one sitting, also when catching up on last week); from the next day on,
    any change to a past day's entry asks why. The ledger keeps every version either way.
    """
    if day < today and first_recorded_on < today and not edit_reason:
        return "This day is in the past, so a change needs a short reason. It is kept with the record."
    return None


def retraction_reason_given(reason: str) -> str | None:
    if not reason:
        return "Say briefly why this entry should be withdrawn. The reason is kept with the record."
    return None


def tags_fit(tags: list[str]) -> str | None:
    if len(tags) > MAX_TAGS:
        return f"Please use at most {MAX_TAGS} tags for a day."
    long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
    if long:
        return f"A tag must be under {MAX_TAG_LENGTH} characters: “{long[0][:20]}…” is too long."
    return None
