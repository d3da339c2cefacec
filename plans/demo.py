"""The demo family: two parents, an advocate, two children with real-looking IEPs and a school year.

Everything is created through the services, so the evidence ledger holds the same records a real
family's would. ``build_family(today)`` places the school year around ``today`` (or, in summer, the
year just ended), so the demo looks lived-in whenever it is loaded. Other apps add their part
(a year of logs, ...) through an ``extend_demo(family)`` function in their own ``demo`` module:
see ``plans/management/commands/seed_demo.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import Household, Membership, Role, User
from accounts.services import create_household_for
from plans import services
from plans.models import Absence, Child, Iep, NonSchoolDay, Provision, SchoolCalendar, weekday_mask

MON, TUE, WED, THU, FRI = range(5)

# Who signs in to the demo. The passwords are public: never reuse them on a real server.
DEMO_PEOPLE = [
    ("parent@demo.iepright.org", "demo-parent-2026", "Dana Okafor", Role.OWNER, "parent, owner"),
    ("coparent@demo.iepright.org", "demo-coparent-2026", "Sam Okafor", Role.EDITOR, "co-parent, can edit"),
    ("advocate@demo.iepright.org", "demo-advocate-2026", "Renee Walker", Role.VIEWER, "advocate, read only"),
]


@contextmanager
def simulated_clock(moment: datetime) -> Iterator[None]:
    """Make ``timezone.now()`` (and so the ledger's ``recorded_at``) return ``moment``.

    For demo data only: it lets the demo be recorded "as it happened", so that the ledger's times run
    forward along the chain as they would for a real family.
    """
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def setup_moment(start_year: int) -> datetime:
    """When the demo family typed in their plans: the evening a week before last school year began.

    The demo records the whole plan (IEP versions, calendars, absences) at this one moment, before its
    first log entry, so the chain's times never run backwards. A real family's records are simply
    written when they happen.
    """
    first_day = nth_weekday(start_year - 1, 8, WED, 3) - timedelta(days=7)
    return timezone.make_aware(datetime.combine(first_day, time(19, 30)))


@dataclass
class DemoFamily:
    """What ``build_family`` made, for the apps that add to the demo."""

    today: date
    household: Household
    owner: User
    coparent: User
    advocate: User
    children: list[Child] = field(default_factory=list)
    calendars: dict[int, SchoolCalendar] = field(default_factory=dict)  # child id -> this school year


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (0 = Monday) of a month; n = -1 is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def school_year_start(today: date) -> int:
    """The calendar year in which the school year around ``today`` began (August)."""
    return today.year if today.month >= 8 else today.year - 1


def holidays(start_year: int) -> list[tuple[str, date, date]]:
    """US school holidays and breaks of the school year that begins in August ``start_year``."""
    y, n = start_year, start_year + 1
    thanksgiving = nth_weekday(y, 11, THU, 4)
    winter_start = nth_weekday(y, 12, MON, 3)
    spring_start = nth_weekday(n, 3, MON, -1)
    return [
        ("Labor Day", nth_weekday(y, 9, MON, 1), nth_weekday(y, 9, MON, 1)),
        ("Professional development day (no school)", nth_weekday(y, 10, FRI, 2), nth_weekday(y, 10, FRI, 2)),
        ("Indigenous Peoples' Day", nth_weekday(y, 10, MON, 2), nth_weekday(y, 10, MON, 2)),
        ("Veterans Day", date(y, 11, 11), date(y, 11, 11)),
        ("Thanksgiving break", thanksgiving - timedelta(days=3), thanksgiving + timedelta(days=1)),
        ("Winter break", winter_start, winter_start + timedelta(days=11)),
        ("Martin Luther King Jr. Day", nth_weekday(n, 1, MON, 3), nth_weekday(n, 1, MON, 3)),
        ("Presidents' Day", nth_weekday(n, 2, MON, 3), nth_weekday(n, 2, MON, 3)),
        ("Spring break", spring_start, spring_start + timedelta(days=4)),
        ("Memorial Day", nth_weekday(n, 5, MON, -1), nth_weekday(n, 5, MON, -1)),
    ]


# (kind, label, wording, setting, responsible staff, extra fields)
Row = tuple[str, str, str, str, str, dict[str, Any]]

ELLA_PROVISIONS: list[Row] = [
    (
        "accommodation",
        "Visual schedule",
        "Visual schedule of the day's activities posted at the student's desk and reviewed with the student "
        "at arrival and before each transition.",
        "General education classroom",
        "Classroom teacher",
        {"purpose": "Predictability reduces anxiety and helps Ella start tasks on her own."},
    ),
    (
        "accommodation",
        "Preferential seating",
        "Preferential seating near the point of instruction and away from high-traffic areas and distractions.",
        "All classes",
        "Classroom teacher",
        {},
    ),
    (
        "accommodation",
        "Breaks as needed",
        "Sensory or movement breaks of up to 5 minutes as needed, requested with a break card, in the "
        "classroom calm corner.",
        "All settings",
        "Classroom teacher, paraprofessional",
        {},
    ),
    (
        "accommodation",
        "Extended time",
        "Extended time (1.5x) on tests, quizzes and in-class written assignments.",
        "All classes",
        "Classroom teacher",
        {},
    ),
    (
        "accommodation",
        "Directions in steps",
        "Directions given orally and in writing, broken into steps, with a check for understanding before "
        "independent work.",
        "All classes",
        "Classroom teacher",
        {},
    ),
    (
        "accommodation",
        "Transition warnings",
        "Verbal and visual warnings 5 minutes and 1 minute before transitions between activities.",
        "All settings",
        "Classroom teacher, paraprofessional",
        {},
    ),
    (
        "assistive_technology",
        "Noise-reducing headphones",
        "Access to noise-reducing headphones during independent work, testing and assemblies.",
        "All settings",
        "Classroom teacher",
        {},
    ),
    (
        "modification",
        "Shortened assignments",
        "Reduced number of written items on assignments where mastery can be shown with fewer items "
        "(for example, half of the math practice problems).",
        "General education classroom",
        "Classroom teacher",
        {},
    ),
    (
        "supplementary_aid",
        "Social narratives",
        "Social narratives reviewed with the student before new or unexpected events (field trips, "
        "assemblies, substitute teachers).",
        "General education classroom",
        "Special education teacher",
        {},
    ),
    (
        "service",
        "Speech-language therapy",
        "Speech-language therapy, 120 minutes per month in 4 sessions of 30 minutes, small group, in the "
        "speech room (pull-out), targeting expressive language and social communication.",
        "Speech room",
        "Speech-language pathologist",
        # "per month": the pathologist picks the days (flexible); the demo log has her on Tuesdays.
        {"schedule": "flexible", "minutes": 120, "period": "month", "sessions": 4, "session_minutes": 30},
    ),
    (
        "service",
        "Occupational therapy",
        "Occupational therapy, 30 minutes per week, individual, in the OT room (pull-out), addressing fine "
        "motor skills and sensory regulation.",
        "OT room",
        "Occupational therapist",
        {"schedule": "weekdays", "days": [WED], "minutes": 30, "period": "week", "session_minutes": 30},
    ),
]

ELLA_CHECK_IN: Row = (
    "behavior_support",
    "Check-in/check-out",
    "Check-in with the special education teacher at arrival and check-out before dismissal, using a "
    "visual feelings scale.",
    "Special education classroom",
    "Special education teacher",
    {},
)

MARCUS_PROVISIONS: list[Row] = [
    (
        "accommodation",
        "Extended time",
        "Extended time (1.5x) on tests and quizzes, including district assessments.",
        "All classes",
        "Subject teachers",
        {},
    ),
    (
        "accommodation",
        "Preferential seating",
        "Preferential seating near instruction and away from doors and windows.",
        "All classes",
        "Subject teachers",
        {},
    ),
    (
        "assistive_technology",
        "Text-to-speech",
        "Text-to-speech software for reading assignments and tests, except where decoding is the skill being measured.",
        "All classes",
        "Subject teachers, case manager",
        {"purpose": "Marcus understands grade-level text when he hears it; decoding slows him down."},
    ),
    (
        "accommodation",
        "Copy of class notes",
        "Copy of teacher or peer notes for lectures, provided by the end of each class.",
        "Core classes",
        "Subject teachers",
        {},
    ),
    (
        "accommodation",
        "Chunked assignments",
        "Long-term assignments broken into smaller parts with separate due dates, written in the student's planner.",
        "Core classes",
        "Subject teachers",
        {},
    ),
    (
        "accommodation",
        "Small-group testing",
        "Tests and quizzes given in a small-group setting with reduced distractions (resource room).",
        "Resource room",
        "Special education teacher",
        {},
    ),
    (
        "accommodation",
        "Breaks as needed",
        "Breaks as needed: up to 5 minutes, signaled with a break pass, no more than 3 per class period.",
        "All classes",
        "Subject teachers",
        {},
    ),
    (
        "accommodation",
        "Graphic organizers",
        "Graphic organizers and sentence starters for written assignments.",
        "English, social studies, science",
        "Subject teachers",
        {},
    ),
    (
        "supplementary_aid",
        "Daily planner check",
        "Daily planner check by the case manager at the end of the day to confirm assignments are recorded.",
        "Resource room",
        "Case manager",
        {},
    ),
    (
        "behavior_support",
        "Check-in/check-out",
        "Check-in with a trusted adult at arrival and before lunch, with a daily point sheet sent home.",
        "Counseling office",
        "School counselor",
        {},
    ),
    (
        "service",
        "Specialized academic instruction",
        "Specialized academic instruction in written expression, 150 minutes per week, in the resource room.",
        "Resource room",
        "Special education teacher",
        {"minutes": 150, "period": "week", "session_minutes": 30},
    ),
    (
        "service",
        "Counseling",
        "Social-emotional counseling, 30 minutes per week, individual, with the school counselor.",
        "Counseling office",
        "School counselor",
        {"schedule": "weekdays", "days": [FRI], "minutes": 30, "period": "week", "session_minutes": 30},
    ),
]


def _person(email: str, password: str, name: str) -> User:
    user = User.objects.create_user(email=email, password=password, display_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def _add_provisions(iep: Iep, rows: list[Row], user: User) -> None:
    for kind, label, wording, setting, staff, extra in rows:
        extra = dict(extra)
        days = extra.pop("days", None)
        provision = Provision(
            iep=iep, kind=kind, label=label, wording=wording, setting=setting, responsible_staff=staff, **extra
        )
        if days is not None:
            provision.weekdays = weekday_mask(days)
        services.save_provision(provision, user=user)


def _calendar(child: Child, start_year: int, user: User) -> SchoolCalendar:
    calendar = services.save_calendar(
        SchoolCalendar(
            child=child,
            name=f"{start_year}-{str(start_year + 1)[-2:]} school year",
            first_day=nth_weekday(start_year, 8, WED, 3),
            last_day=nth_weekday(start_year + 1, 6, FRI, 1),
        ),
        user=user,
    )
    for name, start, end in holidays(start_year):
        services.add_non_school_day(NonSchoolDay(calendar=calendar, name=name, start=start, end=end), user=user)
    return calendar


def _absences(child: Child, calendar: SchoolCalendar, wanted: list[tuple[date, str]], today: date, user: User) -> None:
    """Absences on the given days (moved to the next school day if needed), only up to ``today``."""
    off = {
        start + timedelta(days=i)
        for _, start, end in holidays(calendar.first_day.year)
        for i in range((end - start).days + 1)
    }
    for day, reason in wanted:
        while day.weekday() > FRI or day in off:
            day += timedelta(days=1)
        if calendar.first_day <= day <= min(today, calendar.last_day):
            services.add_absence(Absence(child=child, date=day, reason=reason), user=user)


def _child_with_iep(
    family: DemoFamily, child: dict[str, Any], iep: dict[str, Any], rows: list[Row], user: User
) -> tuple[Child, Iep]:
    """A child with this school year's calendar and an IEP in effect, entered by ``user``."""
    made = Child.objects.create(household=family.household, state="CA", **child)
    family.children.append(made)
    family.calendars[made.pk] = _calendar(made, school_year_start(family.today), user)
    version = services.create_iep(Iep(child=made, **iep), user=user)
    _add_provisions(version, rows, user)
    services.activate_iep(version, user=user)
    return made, version


def _ella(family: DemoFamily, y: int) -> None:
    """Third grade, with a year and a half of history: an IEP from March of last school year, its
    annual renewal in March, and an amendment in October (more OT, a check-in added)."""
    dana = family.owner
    ella, first = _child_with_iep(
        family,
        {
            "name": "Ella Okafor",
            "date_of_birth": date(y - 8, 5, 2),
            "school": "Lincoln Elementary School",
            "grade": "3",
            "district": "Oakdale Unified School District",
        },
        {
            "effective_from": date(y - 1, 3, 17),
            "meeting_date": date(y - 1, 3, 11),
            "annual_review_due": date(y, 3, 10),
            "reevaluation_due": date(y + 2, 2, 22),
            "case_manager_name": "Laura Chen",
            "case_manager_email": "lchen@oakdale-usd.example",
        },
        ELLA_PROVISIONS,
        dana,
    )
    # Last school year's calendar, so the log can cover a full year.
    last_year = _calendar(ella, y - 1, dana)
    _absences(ella, last_year, [(date(y - 1, 11, 4), "Sick"), (date(y, 2, 9), "Sick (flu)")], family.today, dana)
    iep = services.amend_iep(first, date(y, 3, 16), dana, "Annual IEP meeting of March 10: IEP renewed.")
    iep.meeting_date = date(y, 3, 10)
    iep.annual_review_due = date(y + 1, 3, 9)
    iep.effective_to = date(y + 1, 3, 15)
    services.update_iep(iep, user=dana)
    amendment = services.amend_iep(
        iep,
        date(y, 10, 19),
        dana,
        "Occupational therapy raised to 60 minutes a week; check-in/check-out added (meeting of October 14).",
    )
    amendment.meeting_date = date(y, 10, 14)
    services.update_iep(amendment, user=dana)
    ot = amendment.provisions.get(label="Occupational therapy")
    ot.wording = ot.wording.replace("30 minutes per week", "60 minutes per week")
    ot.minutes = 60
    ot.weekdays = weekday_mask([MON, WED])
    services.save_provision(ot, user=dana)
    _add_provisions(amendment, [ELLA_CHECK_IN], dana)
    wanted = [(date(y, 9, 15), "Sick (fever)"), (date(y, 10, 22), "Doctor's appointment"), (date(y + 1, 2, 3), "Sick")]
    _absences(ella, family.calendars[ella.pk], wanted, family.today, family.coparent)


def _marcus(family: DemoFamily, y: int) -> None:
    """Seventh grade; his IEP was written at the start of the school year, entered by the co-parent."""
    marcus, _ = _child_with_iep(
        family,
        {
            "name": "Marcus Okafor",
            "date_of_birth": date(y - 12, 11, 19),
            "school": "Roosevelt Middle School",
            "grade": "7",
            "district": "Oakdale Unified School District",
        },
        {
            "effective_from": date(y, 9, 8),
            "effective_to": date(y + 1, 9, 7),
            "meeting_date": date(y, 8, 27),
            "annual_review_due": date(y + 1, 8, 26),
            "reevaluation_due": date(y + 1, 5, 14),
            "case_manager_name": "David Ortiz",
            "case_manager_email": "dortiz@oakdale-usd.example",
        },
        MARCUS_PROVISIONS,
        family.coparent,
    )
    wanted = [(date(y, 10, 2), "Sick"), (date(y, 11, 16), "Family emergency"), (date(y + 1, 1, 26), "Sick")]
    _absences(marcus, family.calendars[marcus.pk], wanted, family.today, family.owner)


def build_family(today: date) -> DemoFamily:
    """Create the demo family (in one transaction) and return what was made."""
    with transaction.atomic(), simulated_clock(setup_moment(school_year_start(today))):
        people = {role: _person(email, password, name) for email, password, name, role, _ in DEMO_PEOPLE}
        owner = people[Role.OWNER]
        household = create_household_for(owner, "Okafor family")
        Membership.objects.create(user=people[Role.EDITOR], household=household, role=Role.EDITOR)
        Membership.objects.create(user=people[Role.VIEWER], household=household, role=Role.VIEWER)
        family = DemoFamily(
            today=today,
            household=household,
            owner=owner,
            coparent=people[Role.EDITOR],
            advocate=people[Role.VIEWER],
        )
        year = school_year_start(today)
        _ella(family, year)
        _marcus(family, year)
    return family
