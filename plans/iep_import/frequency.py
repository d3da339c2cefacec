"""Reading an IEP's frequency and duration text into a schedule and minutes.

``parse_frequency("2 x 30 min weekly")`` answers a plain dict::

    {"schedule": "flexible", "weekdays": [], "minutes": 60, "period": "week",
     "sessions": 2, "session_minutes": 30}

- schedule: "every_day" (daily, each school day), "weekdays" (named days: "Mondays and Thursdays"),
  "flexible" (the provider picks the days: "120 minutes per month", "3x/week", "as needed"), or ""
  when the text says nothing about when;
- minutes and period: the minutes required per week or month (a daily 30 minutes is 150 a week, for
  the five-day week the arithmetic prorates from); sessions and session_minutes where the text
  states them. Anything not stated is None or "". Nothing is guessed beyond the words.
"""

from __future__ import annotations

import re
from typing import Any

WEEKDAY_WORDS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "once": 1, "twice": 2}
SCHOOL_DAYS_PER_WEEK = 5

_NUM = r"(\d+(?:\.\d+)?|one|two|three|four|five|six)"
_COUNT = r"(\d+|one|two|three|four|five|six)"  # a whole number of sessions, never "1.5x" (time and a half)
_MIN = r"(?:minutes?|mins?\.?|m\b)"
_HOUR = r"(?:hours?|hrs?\.?)"
_WEEK = r"(?:week|wk\.?|weekly)"
_MONTH = r"(?:month|mo\.?|monthly)"
_PER = r"(?:per|a|each|every|/|x|times|in a|in each)"

_AMOUNT = re.compile(rf"{_NUM}\s*(?:-\s*)?({_MIN}|{_HOUR})", re.IGNORECASE)
_TIMES = re.compile(
    rf"(?:(?<![\d.]){_COUNT}(?![.\d])\s*(?:x|times|sessions?|visits?|periods?)\b|\b(once|twice)\b)\s*(?:(?:per|a|each|every|/|in a)\s*)?"
    rf"({_WEEK}|{_MONTH}|day|daily)?",
    re.IGNORECASE,
)
_PERIOD_WORD = re.compile(
    rf"\b(?:per|a|each|every|/|in a)\s*({_WEEK}|{_MONTH}|day|school day)\b|\b(weekly|monthly|daily)\b", re.I
)
_AS_NEEDED = re.compile(r"\b(as needed|as necessary|when needed|upon request|on request|as appropriate|prn)\b", re.I)
_EVERY_DAY = re.compile(
    r"\b(daily|every (?:school )?day|each (?:school )?day|per day|a day|/day|all day|throughout)\b", re.I
)
_WEEKDAY = re.compile(r"\b(" + "|".join(sorted(WEEKDAY_WORDS, key=len, reverse=True)) + r")s?\b\.?", re.I)
_MWF = re.compile(r"\b([MTWRF](?:\s*/\s*[MTWRF])+)\b")
_MWF_LETTERS = {"M": 0, "T": 1, "W": 2, "R": 3, "F": 4}


def _number(text: str) -> float:
    text = text.lower()
    return float(NUMBER_WORDS[text]) if text in NUMBER_WORDS else float(text)


def _period(word: str | None) -> str:
    if not word:
        return ""
    word = word.lower()
    if word.startswith(("week", "wk")):
        return "week"
    if word.startswith(("month", "mo")):
        return "month"
    if word in {"day", "daily", "school day"}:
        return "day"
    return ""


def _named_weekdays(text: str) -> list[int]:
    days = {WEEKDAY_WORDS[m.group(1).lower()] for m in _WEEKDAY.finditer(text)}
    for match in _MWF.finditer(text):
        days |= {_MWF_LETTERS[letter] for letter in re.findall(r"[MTWRF]", match.group(1))}
    return sorted(days)


def _amount_minutes(text: str) -> tuple[int | None, int]:
    """The first stated amount in minutes (hours converted) and where it ends in the text."""
    match = _AMOUNT.search(text)
    if not match:
        return None, -1
    value = _number(match.group(1))
    if re.match(_HOUR, match.group(2), re.I):
        value *= 60
    return round(value), match.end()


def parse_frequency(text: str) -> dict[str, Any]:
    """Schedule, minutes per period, sessions and session length read from a frequency text."""
    result: dict[str, Any] = {
        "schedule": "",
        "weekdays": [],
        "minutes": None,
        "period": "",
        "sessions": None,
        "session_minutes": None,
    }
    text = " ".join((text or "").split())
    if not text:
        return result
    weekdays = _named_weekdays(text)
    amount, _ = _amount_minutes(text)
    times = _TIMES.search(text)
    sessions = None
    times_period = ""
    if times:
        sessions = round(_number(times.group(1) or times.group(2)))
        times_period = _period(times.group(3))
    period_match = _PERIOD_WORD.search(text)
    stated_period = _period(period_match.group(1) or period_match.group(2)) if period_match else ""
    period = times_period or stated_period
    # "30 minutes per session" / "each session" marks the amount as per session.
    per_session = bool(re.search(r"(?:per|each|a)\s+session|sessions? of|session length|each\b", text, re.I))

    if sessions and amount is not None:
        # "2 x 30 min weekly", "3x/week for 20 minutes": sessions times the session length.
        result["sessions"], result["session_minutes"] = sessions, amount
        if period in {"week", "month"}:
            result["minutes"], result["period"] = sessions * amount, period
        elif period == "day":
            result["minutes"], result["period"] = sessions * amount * SCHOOL_DAYS_PER_WEEK, "week"
    elif sessions:
        result["sessions"] = sessions
        result["period"] = period if period in {"week", "month"} else ""
    elif amount is not None:
        if period in {"week", "month"} and not per_session:
            result["minutes"], result["period"] = amount, period  # "120 minutes per month"
        elif period == "day" or _EVERY_DAY.search(text):
            result["session_minutes"] = amount  # "30 minutes daily": 150 a week
            result["minutes"], result["period"] = amount * SCHOOL_DAYS_PER_WEEK, "week"
        elif weekdays:
            result["session_minutes"] = amount
            result["minutes"], result["period"] = amount * len(weekdays), "week"
        else:
            result["session_minutes"] = amount

    if weekdays and not _EVERY_DAY.search(text):
        result["schedule"], result["weekdays"] = "weekdays", weekdays
        if result["sessions"] is None and result["session_minutes"] is not None and result["minutes"]:
            result["sessions"] = len(weekdays) if result["period"] == "week" else None
    elif _EVERY_DAY.search(text) or period == "day":
        result["schedule"] = "every_day"
    elif _AS_NEEDED.search(text) or result["minutes"] or result["sessions"]:
        result["schedule"] = "flexible"
    return result
