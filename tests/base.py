"""The base test case: three people and one household with a child, an IEP and a calendar.

- alice owns the household,
- bob is a member (co-parent, editor),
- charlie is an outsider who must get 404 everywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import time_machine
from django.db.models import QuerySet
from django.test import TestCase

from accounts.models import Household, Membership, Role, User
from evidence.ledger import append
from evidence.models import EvidenceRecord
from plans.models import Child, Iep, NonSchoolDay, Provision, SchoolCalendar
from plans.payloads import calendar_payload, iep_payload, provision_payload

FIXTURE_RECORDED_AT = datetime(2026, 8, 1, 12, 0, tzinfo=UTC)


def make_user(email: str, name: str = "") -> User:
    return User.objects.create_user(email=email, password="correct horse battery", display_name=name)


def make_family(owner: User, name: str = "Rivera household") -> Household:
    household = Household.objects.create(name=name)
    Membership.objects.create(user=owner, household=household, role=Role.OWNER)
    return household


def record_fixture_in_ledger(
    user: User, calendar: SchoolCalendar, iep: Iep, provisions: list[Provision]
) -> list[EvidenceRecord]:
    """Give fixture plan records their ledger records, as the plans services would have written them.

    The fixture is made with the ORM for brevity; verification compares current plan tables with the
    latest ledger payloads, so each object gets its "created" record.
    """
    rows = [("calendar", calendar, calendar_payload(calendar)), ("iep", iep, iep_payload(iep))]
    rows += [("provision", provision, provision_payload(provision)) for provision in provisions]
    # Recorded before the school year, as a parent would have typed the plan in: a chain's clock never
    # runs backwards (evidence.verify), so records a test writes "in the past" still come after these.
    with time_machine.travel(FIXTURE_RECORDED_AT, tick=False):
        return _append_rows(user, iep, rows)


def _append_rows(user: User, iep: Iep, rows: list[tuple[str, Any, dict[str, Any]]]) -> list[EvidenceRecord]:
    return [
        append(
            child_id=iep.child_id,
            kind=f"{object_type}.created",
            object_type=object_type,
            object_id=obj.pk,
            payload=payload,
            user=user,
        )
        for object_type, obj, payload in rows
    ]


class BaseTestCase(TestCase):
    """Alice (owner), Bob (editor) and Charlie (outsider); Maya with an IEP for 2026-27.

    Maya's plan records are in her ledger chain as the plans services would have written them, so
    her chain starts with ``fixture_seq`` records. ``new_records()`` gives the records a test wrote.
    """

    alice: User
    bob: User
    charlie: User
    household: Household
    child: Child
    calendar: SchoolCalendar
    iep: Iep
    extended_time: Provision
    speech: Provision
    fixture_seq: int  # the number of records in Maya's chain after the fixture: the last one's seq
    fixture_last_record_pk: int  # the pk of the last record the fixture appended

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
        last = record_fixture_in_ledger(cls.alice, cls.calendar, cls.iep, [cls.extended_time, cls.speech])[-1]
        cls.fixture_seq, cls.fixture_last_record_pk = last.seq, last.pk

    def new_records(self) -> QuerySet[EvidenceRecord]:
        """The ledger records appended after the fixture's (for any child), in the order they were written."""
        return EvidenceRecord.objects.filter(pk__gt=self.fixture_last_record_pk).order_by("pk")


class ViewerTestCase(BaseTestCase):
    """BaseTestCase plus dave, an advocate with read-only access (a viewer): he reads, never edits."""

    dave: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dave = make_user("dave@example.com", "Dave Advocate")
        Membership.objects.create(user=cls.dave, household=cls.household, role=Role.VIEWER)
