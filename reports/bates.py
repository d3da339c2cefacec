"""Bates numbers: one counter per household, each report taking the next range.

Rendering takes seconds and its page count is known only afterwards, so a range is taken in two
steps: ``peek`` reads the next free number before rendering, and ``take`` (inside the transaction
that saves the report) locks the counter, checks that nobody took that number in the meantime and
moves it past the report's last page. If another report of the household got there first, ``take``
answers ``False`` and the caller renders again from the new number, so two reports never share a
number.
"""

from __future__ import annotations

from accounts.models import Household
from reports.models import BatesCounter, GeneratedReport


def _after_reports(household: Household) -> int:
    """One past the last number of the household's stored reports (an imported archive brings its own)."""
    last = 0
    for parameters, pages in GeneratedReport.objects.filter(child__household=household).values_list(
        "parameters", "pages"
    ):
        start = parameters.get("bates_start")
        if isinstance(start, int) and pages:
            last = max(last, start + pages - 1)
    return last + 1


def peek(household: Household) -> int:
    """The first number the household's next report would take."""
    counter = BatesCounter.objects.filter(household=household).values_list("next_number", flat=True).first()
    return max(counter or 1, _after_reports(household))


def take(household: Household, first: int, pages: int) -> bool:
    """Take ``first`` .. ``first + pages - 1`` if ``first`` is still the next free number (in a transaction)."""
    # The row is created with INSERT .. ON CONFLICT DO NOTHING, so two first reports at the same instant
    # never meet a duplicate key (no IntegrityError, no aborted statement on PostgreSQL); the row lock
    # (PostgreSQL) or the IMMEDIATE transaction (SQLite) then lets one report at a time take a range.
    BatesCounter.objects.bulk_create([BatesCounter(household=household)], ignore_conflicts=True)
    counter = BatesCounter.objects.select_for_update().get(household=household)
    if max(counter.next_number, _after_reports(household)) != first:
        return False
    counter.next_number = first + pages
    counter.save(update_fields=["next_number"])
    return True


def label(prefix: str, number: int) -> str:
    return f"{prefix}{number:06d}"
