"""Print deadlines as JSON: a child's (``--child ID``) or those a file of events gives rise to (``--events``).

``--events FILE.json`` touches no database; see docs/deadlines.md for the input and output shapes.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from deadlines.compute import Event, Facts, compute
from deadlines.counting import SchoolCalendar, SchoolYear
from deadlines.rules import EVENT_KIND_IDS
from deadlines.states import STATE_NAMES


def _day(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CommandError(f"{where}: {value!r} is not a date (YYYY-MM-DD).") from None


def facts_from_json(data: dict[str, Any]) -> Facts:
    """The calculator's input from the JSON shape of docs/deadlines.md; CommandError on a bad value."""
    if not isinstance(data, dict):
        raise CommandError("The file must hold one JSON object.")
    state = data.get("state")
    if state is not None and str(state).upper() not in STATE_NAMES:
        raise CommandError(f"state: {state!r} is not a two-letter state code.")
    years = tuple(
        SchoolYear(
            name=str(year.get("name", "")),
            first_day=_day(year.get("first_day"), "school_calendar first_day"),
            last_day=_day(year.get("last_day"), "school_calendar last_day"),
            non_school_days=frozenset(_day(d, "non_school_days") for d in year.get("non_school_days", [])),
        )
        for year in data.get("school_calendar") or []
    )
    events = []
    for item in data.get("events") or []:
        kind = item.get("kind")
        if kind not in EVENT_KIND_IDS:
            raise CommandError(f"events: unknown kind {kind!r}. Known kinds: {', '.join(sorted(EVENT_KIND_IDS))}.")
        events.append(Event(kind=kind, date=_day(item.get("date"), f"events {kind}")))
    return Facts(
        state=str(state).upper() if state else None,
        holidays=frozenset(_day(d, "holidays") for d in data.get("holidays") or []),
        calendar=SchoolCalendar(years),
        disability=data.get("disability") or None,
        events=tuple(events),
    )


class Command(BaseCommand):
    help = "Print deadlines as JSON, for a child (--child ID) or from a file of events (--events FILE.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--child", type=int, help="The id of a child in the database.")
        source.add_argument("--events", type=Path, help="A JSON file of events; the database is not touched.")
        parser.add_argument("--today", help="Mark deadlines before this date (YYYY-MM-DD) as past; default today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"], "--today") if options["today"] else timezone.localdate()
        if options["events"]:
            try:
                data = json.loads(options["events"].read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read {options['events']}: {error}") from None
            facts = facts_from_json(data)
            output: dict[str, Any] = {"state": facts.state, "today": today.isoformat()}
        else:
            from deadlines.facts import facts_for
            from plans.models import Child

            child = Child.objects.filter(pk=options["child"]).first()
            if child is None:
                raise CommandError(f"No child with id {options['child']}.")
            facts = facts_for(child)
            output = {"child": child.pk, "state": facts.state, "today": today.isoformat()}
        output["deadlines"] = [deadline.as_json() for deadline in compute(facts, today)]
        self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))
