"""Realistic demo logs, recorded through the same services the app uses (so the ledger verifies).

``add_demo_logs(child, user, start, end, rng)`` walks the school days of the range and logs them
the way a busy parent would: most days in one tap ("Everything delivered"), the exceptions item by
item. With ``patterns=True`` the misses are not random noise but show the patterns the insights look
for: misses clustered on days tagged "substitute" and on Fridays, and one service whose provider
cancels often. Some days are partly delivered, some sessions made up later, a few days never logged,
and most days logged the same evening (some 1 to 3 days later).

Each write happens under a simulated clock (``simulated_clock``) set to when the parent would have
recorded it, so ledger timestamps and recording lags tell one consistent story. Everything runs in
one transaction: a school year takes about a second.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from logbook import services
from logbook.days import LogWindow, is_service
from logbook.models import MissReason, Source, Status
from plans.demo import DemoFamily, simulated_clock
from plans.models import Child, Provision
from plans.schooldays import days_between

SCHOOL_REASONS = [
    MissReason.STAFF_SHORTAGE,
    MissReason.SCHEDULING,
    MissReason.UNKNOWN,
    MissReason.PROVIDER_ABSENT,
]
OTHER_REASONS = [MissReason.STUDENT_ABSENT, MissReason.PARENT_REQUEST]
SOURCES = [
    (Source.CHILD_SAID, 50),
    (Source.TEACHER_SAID, 22),
    (Source.SCHOOL_RECORD, 15),
    (Source.SAW_IT, 6),
    (Source.WORK_SAMPLE, 7),
]
REPORTERS = {
    Source.CHILD_SAID: ["{child}"],
    Source.TEACHER_SAID: ["Ms. Alvarez (classroom teacher)", "Mr. Chen (aide)", "front office"],
    # "Who said so": a person, with the record or sample they said it in.
    Source.SCHOOL_RECORD: [
        "the speech therapist (service log)",
        "Laura Chen, case manager (email)",
        "Ms. Alvarez (weekly progress note)",
    ],
    Source.SAW_IT: ["me, at pick-up"],
    Source.WORK_SAMPLE: [
        "Ms. Alvarez (graded math test)",
        "Ms. Alvarez (spelling quiz)",
        "Mr. Chen, aide (homework folder)",
    ],
}
NOTES = {
    MissReason.SUBSTITUTE: [
        "Substitute did not have the IEP accommodations list.",
        "Sub said she didn't know about the extended time.",
        "No one told the substitute about the plan.",
    ],
    MissReason.PROVIDER_ABSENT: ["Therapist was out again.", "Provider absent, no replacement.", ""],
    MissReason.CANCELLED_BY_SCHOOL: ["Session cancelled for an assembly.", "Cancelled: testing schedule.", ""],
    MissReason.STAFF_SHORTAGE: ["Aide was pulled to cover another class."],
    MissReason.SCHEDULING: ["Session overlapped with PE.", "Moved and then dropped."],
}
EXTRA_TAGS = [("test day", 0.03), ("field trip", 0.012), ("early release", 0.02), ("aide absent", 0.02)]


@dataclass
class DemoSummary:
    days_logged: int = 0
    days_skipped: int = 0
    entries: int = 0
    misses: int = 0
    makeups: int = 0
    day_notes: int = 0
    lags: dict[int, int] = field(default_factory=dict)


@dataclass
class _Item:
    provision: Provision
    status: str
    minutes: int | None = None
    reason: str = ""
    source: str = ""
    reported_by: str = ""
    note: str = ""
    is_makeup: bool = False


@dataclass
class _Session:
    """What the parent records in one sitting about one school day."""

    at: datetime
    day: date
    expected: list[Provision]
    items: list[_Item]
    tags: list[str]
    note: str = ""


def _weighted(rng: random.Random, choices: list[tuple[Any, int]]) -> Any:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _lag(rng: random.Random) -> int:
    return _weighted(rng, [(0, 80), (1, 12), (2, 6), (3, 2)])


def _recorded_at(rng: random.Random, day: date, lag: int) -> datetime:
    clock = time(hour=rng.randint(15, 21), minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return timezone.make_aware(datetime.combine(day + timedelta(days=lag), clock))


def _source(rng: random.Random, child: Child) -> tuple[str, str]:
    source = _weighted(rng, SOURCES)
    reporter = rng.choice(REPORTERS[source]).format(child=child.name.split()[0])
    return source, reporter


def add_demo_logs(
    child: Child, user: Any, start: date, end: date, rng: random.Random, *, patterns: bool = True
) -> DemoSummary:
    """Log ``child``'s school days from ``start`` to ``end`` (never past today) as ``user``."""
    today = timezone.localdate()
    end = min(end, today)
    summary = DemoSummary()
    if end < start:
        return summary
    window = LogWindow(child, start, end)
    services_ = sorted(
        {p.pk: p for iep in window.ieps for p in iep.provisions.all() if is_service(p)}.values(), key=lambda p: p.pk
    )
    # The service whose provider cancels often: the first one (by lineage, so it survives amendments).
    flaky_lineage = services_[0].lineage if services_ and patterns else None
    sessions: list[_Session] = []
    owed_makeups: list[tuple[Provision, int]] = []  # (service, school days until it is made up)

    for day in days_between(start, end):
        # Flexible services (the provider picks the days): the demo's providers come on Tuesdays.
        expected = window.expected(day) + [p for p in window.flexible(day) if day.weekday() == 1]
        if not expected:
            continue
        tags = []
        substitute = rng.random() < (0.09 if patterns else 0.05)
        if substitute:
            tags.append("substitute")
        tags += [tag for tag, chance in EXTRA_TAGS if rng.random() < chance]
        friday = day.weekday() == 4
        items: list[_Item] = []
        for provision in expected:
            item = _decide(
                rng,
                child,
                provision,
                substitute=substitute and patterns,
                friday=friday and patterns,
                flaky=provision.lineage == flaky_lineage,
            )
            if item is not None:
                items.append(item)
                if item.provision.lineage == flaky_lineage and item.status == Status.MISSED and rng.random() < 0.35:
                    owed_makeups.append((provision, rng.randint(1, 6)))
        still_owed = []
        made_up: set[int] = set()
        for service, wait in owed_makeups:
            if wait <= 0 and service.iep.is_in_force_on(day) and service.pk not in made_up:
                made_up.add(service.pk)
                minutes = service.session_minutes or 30
                items.append(
                    _Item(
                        service,
                        Status.DELIVERED,
                        minutes,
                        is_makeup=True,
                        source=Source.SCHOOL_RECORD,
                        reported_by="the speech therapist (service log)",
                        note="Make-up session.",
                    )
                )
            else:
                still_owed.append((service, wait - 1))
        owed_makeups = still_owed
        lag = _lag(rng)
        at = _recorded_at(rng, day, lag)
        # A record is never dated after the moment it is written (verification checks time order).
        skipped = rng.random() < 0.03 or at.date() > today or at > timezone.now()
        if skipped:
            summary.days_skipped += 1
            continue
        note = ""
        if substitute and rng.random() < 0.5:
            note = rng.choice(["Substitute today.", "Sub in the classroom all day.", "Regular teacher out."])
        sessions.append(_Session(at=at, day=day, expected=expected, items=items, tags=tags, note=note))

    sessions.sort(key=lambda s: s.at)
    with transaction.atomic():
        for session in sessions:
            _record(child, user, session, summary)
    return summary


def _decide(
    rng: random.Random, child: Child, provision: Provision, *, substitute: bool, friday: bool, flaky: bool
) -> _Item | None:
    """What happened with one provision on one day (None: delivered, left to the one-tap save)."""
    service = is_service(provision)
    miss_chance = 0.04
    reason = rng.choice(SCHOOL_REASONS) if rng.random() < 0.8 else rng.choice(OTHER_REASONS)
    if substitute and not service:
        miss_chance, reason = 0.55, MissReason.SUBSTITUTE
    elif flaky:
        miss_chance = 0.32
        reason = MissReason.PROVIDER_ABSENT if rng.random() < 0.6 else MissReason.CANCELLED_BY_SCHOOL
    if friday:
        miss_chance = max(miss_chance, 0.22)
    roll = rng.random()
    if roll < 0.01:
        return _Item(provision, Status.NOT_APPLICABLE, note="No tests or quizzes today." if not service else "")
    if roll < 0.02:
        return _Item(provision, Status.UNKNOWN)
    if roll >= 0.02 + miss_chance:
        return None
    source, reporter = _source(rng, child)
    note = rng.choice(NOTES.get(reason, [""])) if rng.random() < 0.6 else ""
    if rng.random() < 0.25:  # partly delivered
        minutes = None
        if service:
            minutes = rng.choice([10, 15, 20]) if (provision.session_minutes or 30) > 20 else 10
        return _Item(provision, Status.PARTIAL, minutes, reason, source, reporter, note)
    return _Item(provision, Status.MISSED, None, reason, source, reporter, note)


def _record(child: Child, user: Any, session: _Session, summary: DemoSummary) -> None:
    """One sitting: the exceptions as told, everything else delivered (as one tap would)."""
    told = {item.provision.pk for item in session.items if not item.is_makeup}
    batch = [
        services.NewEntry(
            item.provision,
            item.status,
            item.minutes,
            item.is_makeup,
            item.reason,
            item.source,
            item.reported_by,
            item.note,
        )
        for item in session.items
    ]
    batch += [services.NewEntry(provision) for provision in session.expected if provision.pk not in told]
    with simulated_clock(session.at):
        created = services.record_new_entries(child, session.day, batch, user=user, client_id=uuid.uuid4())
        summary.entries += len(created)
        summary.misses += sum(item.status in (Status.MISSED, Status.PARTIAL) for item in session.items)
        summary.makeups += sum(item.is_makeup for item in session.items)
        if session.tags or session.note:
            services.save_day_note(
                child, session.day, tags=session.tags, note=session.note, user=user, client_id=uuid.uuid4()
            )
            summary.day_notes += 1
    summary.days_logged += 1
    lag = (session.at.astimezone(timezone.get_current_timezone()).date() - session.day).days
    summary.lags[lag] = summary.lags.get(lag, 0) + 1


def extend_demo(family: DemoFamily) -> None:
    """seed_demo's hook: every school day since last August for the first child, four weeks for the second.

    The first child's log shows the patterns the insights look for; the second's is plain.
    """
    first, second = family.children[0], family.children[1]
    first_day = min(calendar.first_day for calendar in first.calendars.all())
    add_demo_logs(first, family.owner, first_day, family.today, random.Random(2026))
    add_demo_logs(
        second, family.coparent, family.today - timedelta(days=28), family.today, random.Random(7), patterns=False
    )
