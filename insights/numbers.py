"""Small exact-arithmetic helpers for the insights (design.md section 6).

Everything here is exact: rates are ``Fraction``s, minutes are rounded half up with integer
arithmetic (Python's ``round()`` rounds half to even, which the method does not allow), and
percentages are shown to one decimal place, also rounded half up.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction

from django.utils.translation import gettext as _

WEEK = "week"
MONTH = "month"
# English names without strftime (locale-free, and fast in loops over many days).
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBR = tuple(name[:3] for name in MONTH_NAMES)
WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def short_date(day: date) -> str:
    """7 Sep 2026."""
    return f"{day.day} {MONTH_ABBR[day.month - 1]} {day.year}"


def month_label(day: date) -> str:
    """September 2026."""
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def round_half_up(value: Fraction) -> int:
    """``value`` rounded to the nearest whole number, halves upward (2.5 -> 3, 3.5 -> 4)."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def rate(numerator: int, denominator: int) -> Fraction | None:
    """``numerator / denominator`` as an exact fraction, or None when there is nothing to divide by."""
    return Fraction(numerator, denominator) if denominator else None


def percent(numerator: int, denominator: int) -> str | None:
    """The percentage with one decimal, rounded half up: ``percent(1, 8)`` is ``"12.5"``; None for 0/0."""
    if not denominator:
        return None
    tenths = round_half_up(Fraction(numerator * 1000, denominator))
    return f"{tenths // 10}.{tenths % 10}"


def rate_json(numerator: int, denominator: int) -> dict[str, object] | None:
    """The JSON form of a rate: the raw counts and the percentage string (None when 0/0)."""
    if not denominator:
        return None
    return {"numerator": numerator, "denominator": denominator, "percent": percent(numerator, denominator)}


def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """The whole period of ``kind`` ("week": ISO week Monday-Sunday, "month": calendar month) around ``day``."""
    if kind == WEEK:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if kind == MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    raise ValueError(f"Unknown period {kind!r}")


def period_label(kind: str, start: date) -> str:
    """How a period is named on pages and in reports: "Week of 7 Sep 2026" or "September 2026"."""
    if kind == WEEK:
        return _("Week of %(day)s") % {"day": short_date(start)}
    return month_label(start)


def format_p_value(p: float) -> str:
    """A p-value as people read it: two significant digits, "< 0.0001" below that."""
    if p < 0.0001:
        return "< 0.0001"
    return f"{p:.2g}" if p < 0.01 else f"{p:.2f}"
