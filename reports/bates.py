"""Bates numbers: one counter per household, each report taking the next range.

Rendering takes seconds and its page count is known only afterwards, so a range is taken in two
steps: ``peek`` reads the next free number before rendering, and ``take`` (inside the transaction
that saves the report) locks the counter, checks that nobody took that number in the meantime and
moves it past the report's last page. If another report of the household got there first, ``take``
answers ``False`` and the caller renders again from the new number, so two reports never share a
number.

The counter is the one place the next number is read from. A household restored from an archive
brings its reports (and their numbers) but no counter: its counter is created by its first report
here, starting one past the last page of those reports, and from then on every report moves it, so
the household's reports are read that one time only.
"""

from __future__ import annotations

from accounts.models import Household
from reports.models import BatesCounter, GeneratedReport


def _after_reports(household: Household) -> int:
    """One past the last number of the household's stored reports (an imported archive brings its own).

    Read only while the household has no counter yet: every report made here moves the counter past
    its own pages, and reports arrive otherwise only with a restored household, which has no counter.
    """
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
    return counter if counter is not None else _after_reports(household)


def take(household: Household, first: int, pages: int) -> bool:
    """Take ``first`` .. ``first + pages - 1`` if ``first`` is still the next free number (in a transaction)."""
    counter = BatesCounter.objects.select_for_update().filter(household=household).first()
    if counter is None:
        # The household's first report: the row is created with INSERT .. ON CONFLICT DO NOTHING, so two
        # first reports at the same instant never meet a duplicate key (no IntegrityError, no aborted
        # statement on PostgreSQL); the row lock (PostgreSQL) or the IMMEDIATE transaction (SQLite) then
        # lets one report at a time take a range.
        start = _after_reports(household)
        BatesCounter.objects.bulk_create([BatesCounter(household=household, next_number=start)], ignore_conflicts=True)
        counter = BatesCounter.objects.select_for_update().get(household=household)
    if counter.next_number != first:
        return False
    counter.next_number = first + pages
    counter.save(update_fields=["next_number"])
    return True


def label(prefix: str, number: int) -> str:
    return f"{prefix}{number:06d}"
