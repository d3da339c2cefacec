"""Shared set-up of the daily log tests: the base family plus a viewer, on a frozen Thursday.

"Today" is Thursday 5 November 2026, 4 pm in New York (school pick-up time): Maya's extended time
is expected every school day, speech therapy on Tuesdays and Thursdays (30-minute sessions).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from accounts.models import Membership, Role, User
from logbook import services
from logbook.models import LogEntry, Status
from tests.base import BaseTestCase, make_user

TODAY = date(2026, 11, 5)  # a Thursday
TUESDAY = date(2026, 11, 3)
NOW = datetime(2026, 11, 5, 16, 0, tzinfo=ZoneInfo("America/New_York"))


def new_id() -> str:
    return str(uuid.uuid4())


@time_machine.travel(NOW, tick=False)
class LogbookTestCase(BaseTestCase):
    """Alice (owner), Bob (editor), Dana (viewer), Charlie (outsider)."""

    dana: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dana = make_user("dana@example.com", "Dana Advocate")
        Membership.objects.create(user=cls.dana, household=cls.household, role=Role.VIEWER)

    def log(self, day: date, provision: Any = None, status: str = Status.DELIVERED, **kwargs: Any) -> LogEntry:
        kwargs.setdefault("user", self.alice)
        kwargs.setdefault("client_id", new_id())
        return services.record_entry(self.child, day, provision or self.extended_time, status=status, **kwargs)

    def log_on_tuesday_evening(self, **kwargs: Any) -> LogEntry:
        """Log Tuesday as it happened on Tuesday evening (so that changing it today needs a reason)."""
        with time_machine.travel(NOW - timedelta(days=2), tick=False):
            return self.log(TUESDAY, **kwargs)
