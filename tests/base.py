"""The base test case: three people and one household with a child, an IEP and a calendar.

- alice owns the household,
- bob is a member (co-parent, editor),
- charlie is an outsider who must get 404 everywhere.
"""

from __future__ import annotations

from datetime import date

from django.test import TestCase

from accounts.models import Household, Membership, Role, User
from plans.models import Child, Iep, NonSchoolDay, Provision, SchoolCalendar


def make_user(email: str, name: str = "") -> User:
    return User.objects.create_user(email=email, password="correct horse battery", display_name=name)


def make_family(owner: User, name: str = "Rivera household") -> Household:
    household = Household.objects.create(name=name)
    Membership.objects.create(user=owner, household=household, role=Role.OWNER)
    return household


class BaseTestCase(TestCase):
    """Alice (owner), Bob (editor) and Charlie (outsider); Maya with an IEP for 2026-27."""

    alice: User
    bob: User
    charlie: User
    household: Household
    child: Child
    calendar: SchoolCalendar
    iep: Iep
    extended_time: Provision
    speech: Provision

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = make_user("alice@example.com", "Alice Rivera")
        cls.bob = make_user("bob@example.com", "Bob Rivera")
        cls.charlie = make_user("charlie@example.com", "Charlie Outsider")
        cls.household = make_family(cls.alice)
        Membership.objects.create(user=cls.bob, household=cls.household, role=Role.EDITOR)
        cls.child = Child.objects.create(
            household=cls.household,
            name="Maya Rivera",
            date_of_birth=date(2015, 3, 14),
            school="Lincoln Elementary",
            grade="5",
            district="Springfield USD",
            state="CA",
        )
        cls.calendar = SchoolCalendar.objects.create(
            child=cls.child, name="2026-27", first_day=date(2026, 8, 24), last_day=date(2027, 6, 11)
        )
        NonSchoolDay.objects.create(
            calendar=cls.calendar, name="Thanksgiving break", start=date(2026, 11, 25), end=date(2026, 11, 27)
        )
        cls.iep = Iep.objects.create(
            child=cls.child,
            effective_from=date(2026, 9, 1),
            annual_review_due=date(2027, 8, 31),
            case_manager_name="Ms. Patel",
            case_manager_email="patel@school.example",
        )
        cls.extended_time = Provision.objects.create(
            iep=cls.iep,
            position=1,
            kind=Provision.Kind.ACCOMMODATION,
            label="Extended time",
            wording="Extended time (1.5x) on tests and quizzes.",
            setting="General education classroom",
            responsible_staff="Classroom teacher",
        )
        cls.speech = Provision.objects.create(
            iep=cls.iep,
            position=2,
            kind=Provision.Kind.SERVICE,
            label="Speech therapy",
            wording="Speech-language therapy, 60 minutes per week, small group, in the therapy room.",
            responsible_staff="Speech-language pathologist",
            schedule=Provision.Schedule.WEEKDAYS,
            weekdays=0b0001010,
            minutes=60,
            period=Provision.Period.WEEK,
            session_minutes=30,
        )


class ViewerTestCase(BaseTestCase):
    """BaseTestCase plus dave, an advocate with read-only access (a viewer): he reads, never edits."""

    dave: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dave = make_user("dave@example.com", "Dave Advocate")
        Membership.objects.create(user=cls.dave, household=cls.household, role=Role.VIEWER)
