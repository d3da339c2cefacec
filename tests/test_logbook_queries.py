"""The Today page and the one-tap save cost the same number of queries with 5 or 500 entries."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from logbook.models import LogEntry, Status
from tests.logbook_base import TODAY, LogbookTestCase, new_id


class QueryCountTests(LogbookTestCase):
    def add_entries(self, count: int) -> None:
        """``count`` entries on days before the last two weeks (two provisions a day)."""
        start = LogEntry.objects.count()
        day = TODAY - timedelta(days=20 + start // 2)
        entries: list[LogEntry] = []
        while len(entries) < count:
            provision = self.extended_time if (start + len(entries)) % 2 == 0 else self.speech
            entries.append(
                LogEntry(
                    child=self.child, date=day, provision=provision, status=Status.DELIVERED, client_id=uuid.uuid4()
                )
            )
            if provision == self.speech:
                day -= timedelta(days=1)
        LogEntry.objects.bulk_create(entries)

    def queries(self, action: Callable[[], object]) -> int:
        """How many queries ``action`` makes; its writes are rolled back."""
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                action()
            transaction.set_rollback(True)
        return len(captured)

    def today_page(self) -> None:
        assert self.client.get(reverse("logbook:today", args=[self.child.pk])).status_code == 200

    def all_delivered(self) -> None:
        url = reverse("logbook:all_delivered", args=[self.child.pk, TODAY])
        assert self.client.post(url, {"client_id": new_id()}).status_code == 302

    def api_all_delivered(self) -> None:
        url = reverse("api:all_delivered", kwargs={"child_id": self.child.pk, "day": TODAY})
        response = self.client.post(url, {"client_id": new_id()}, content_type="application/json")
        assert response.status_code == 200

    def test_the_today_page_and_everything_delivered_do_not_grow_with_the_log(self) -> None:
        self.client.force_login(self.alice)
        self.add_entries(5)
        small = [self.queries(self.today_page), self.queries(self.all_delivered), self.queries(self.api_all_delivered)]
        self.add_entries(495)
        assert LogEntry.objects.count() == 500
        large = [self.queries(self.today_page), self.queries(self.all_delivered), self.queries(self.api_all_delivered)]
        assert small == large
        today_page, all_delivered, _ = large
        # About 14 reads, plus two queries and a savepoint pair per ledger record (two items today). The
        # Today page is counted as a person's first view in 10 minutes (the writes are rolled back): the
        # access log's read and its insert; a repeat view is one query less (tests/test_access_log.py).
        # The role comes with the child (plans.access.may): no membership query.
        assert today_page <= 16, today_page
        assert all_delivered <= 30, all_delivered
        with self.assertNumQueries(today_page):
            self.today_page()

    def test_a_past_day_page_costs_a_fixed_number_of_queries_too(self) -> None:
        self.client.force_login(self.alice)
        self.add_entries(5)
        url = reverse("logbook:day", args=[self.child.pk, TODAY - timedelta(days=21)])  # logged in both cases
        small = self.queries(lambda: self.client.get(url))
        self.add_entries(495)
        assert self.queries(lambda: self.client.get(url)) == small
