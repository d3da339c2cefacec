"""The access log: page views coalesced to one row per person and child every 10 minutes, the rest always.

A page view costs a write on every request otherwise (an fsync on SQLite); the owner still learns who
looked, when, and at what first, and every export, download, verification and deletion has its own row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import VIEW_WINDOW, log_access
from accounts.models import AccessLog
from tests.base import ViewerTestCase

# A Monday of the fixture's school year, at pick-up time.
MONDAY = datetime(2026, 11, 30, 15, 0, tzinfo=ZoneInfo("America/New_York"))


class CoalescedViewTests(ViewerTestCase):
    def setUp(self) -> None:
        travel = time_machine.travel(MONDAY, tick=False)
        self.traveller = travel.start()
        self.addCleanup(travel.stop)

    def later(self, minutes: int) -> None:
        self.traveller.shift(timedelta(minutes=minutes))

    def today(self) -> str:
        return reverse("logbook:today", args=[self.child.pk])

    def rows(self) -> list[tuple[int | None, str, str]]:
        return list(AccessLog.objects.order_by("pk").values_list("user_id", "action", "path"))

    def test_the_window_is_ten_minutes(self) -> None:
        assert timedelta(minutes=10) == VIEW_WINDOW

    def test_two_views_within_five_minutes_write_one_row(self) -> None:
        """Given Dave opens Today, then 5 minutes later the IEP page, then one row: the first page."""
        self.client.force_login(self.dave)
        assert self.client.get(self.today()).status_code == 200
        self.later(5)
        assert self.client.get(reverse("plans:iep", args=[self.child.pk, self.iep.pk])).status_code == 200
        assert self.rows() == [(self.dave.pk, "view", self.today())]
        assert AccessLog.objects.get().at == MONDAY

    def test_a_view_eleven_minutes_later_writes_a_second_row(self) -> None:
        self.client.force_login(self.dave)
        self.client.get(self.today())
        self.later(11)
        self.client.get(self.today())
        assert self.rows() == [(self.dave.pk, "view", self.today())] * 2
        assert [row.at for row in AccessLog.objects.order_by("pk")] == [MONDAY, MONDAY + timedelta(minutes=11)]

    def test_the_window_runs_from_the_row_not_from_the_last_view(self) -> None:
        """Given views every 4 minutes for 12 minutes, then a row at 0 and one at 12: browsing on keeps
        showing up in the log every 10 minutes."""
        self.client.force_login(self.dave)
        for _ in range(4):
            self.client.get(self.today())
            self.later(4)
        assert [row.at for row in AccessLog.objects.order_by("pk")] == [MONDAY, MONDAY + timedelta(minutes=12)]

    def test_another_persons_view_has_its_own_row(self) -> None:
        self.client.force_login(self.dave)
        self.client.get(self.today())
        self.later(1)
        self.client.force_login(self.bob)
        self.client.get(self.today())
        assert [user for user, _action, _path in self.rows()] == [self.dave.pk, self.bob.pk]

    def test_a_view_of_another_child_has_its_own_row(self) -> None:
        from plans.models import Child

        sister = Child.objects.create(household=self.household, name="Lena Rivera", state="CA")
        log_access(self.dave, self.household, "view", child_id=self.child.pk, path="/a/")
        log_access(self.dave, self.household, "view", child_id=sister.pk, path="/b/")
        log_access(self.dave, self.household, "view", child_id=None, path="/c/")
        log_access(self.dave, self.household, "view", child_id=None, path="/d/")
        assert [path for _u, _a, path in self.rows()] == ["/a/", "/b/", "/c/"]

    def test_an_export_right_after_a_view_is_written(self) -> None:
        self.client.force_login(self.dave)
        self.client.get(self.today())
        csv = reverse("reports:entries_csv", args=[self.child.pk])
        assert self.client.get(csv).status_code == 200
        assert self.client.get(csv).status_code == 200
        assert self.rows() == [
            (self.dave.pk, "view", self.today()),
            (self.dave.pk, "export", csv),
            (self.dave.pk, "export", csv),
        ]

    def test_every_action_other_than_view_is_always_written(self) -> None:
        for action in ["export", "attachment", "verify", "delete", "api", "report"]:
            log_access(self.dave, self.household, action, child_id=self.child.pk, path="/x/")
            log_access(self.dave, self.household, action, child_id=self.child.pk, path="/x/")
        assert AccessLog.objects.count() == 12

    def test_a_repeat_view_reads_instead_of_writing(self) -> None:
        self.client.force_login(self.dave)
        self.client.get(self.today())
        self.later(2)
        with CaptureQueriesContext(connection) as first_repeat:
            assert self.client.get(self.today()).status_code == 200
        writes = [q["sql"] for q in first_repeat.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
        assert writes == []
        looked = [q["sql"] for q in first_repeat.captured_queries if "accounts_accesslog" in q["sql"]]
        assert len(looked) == 1 and looked[0].lstrip().upper().startswith("SELECT")
        assert AccessLog.objects.count() == 1

    def test_the_owner_is_told_that_repeated_views_are_shown_once(self) -> None:
        self.client.force_login(self.dave)
        self.client.get(self.today())
        self.later(3)
        self.client.get(reverse("plans:iep", args=[self.child.pk, self.iep.pk]))
        self.client.force_login(self.alice)
        html = self.client.get(reverse("accounts:household", args=[self.household.pk])).content.decode()
        assert html.count("<strong>Dave Advocate</strong> viewed") == 1
        assert "within 10 minutes are shown once" in html
