"""SIGKILL gunicorn during a burst of writes, restart it: every acknowledged entry is there and the
ledger verifies (SQLite and PostgreSQL; a real server on a free loopback port; bounded to seconds).

"Acknowledged" means the browser got the answer (the redirect after a save). Writes in flight when
the server dies may or may not have landed, but never half: an entry and its ledger record commit
together, so the chain verifies whatever the moment of the kill.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.test import Client, TransactionTestCase
from django.utils import timezone

from evidence.verify import verify_child
from logbook.models import LogEntry
from plans.models import Child, Iep, Provision, SchoolCalendar
from tests.base import make_family, make_user, record_fixture_in_ledger
from tests.gunicorn_server import Server, csrf_secret

THREADS = 4
KILL_AFTER = 12  # acknowledged writes before the kill
AFTER_RESTART = 6


class CrashRecoveryTests(TransactionTestCase):
    def setUp(self) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="iepright-crash-"))
        self.alice = make_user("alice@example.com", "Alice Rivera")
        household = make_family(self.alice)
        today = timezone.localdate()
        self.child = Child.objects.create(household=household, name="Maya Rivera")
        first = today - timedelta(days=200)
        calendar = SchoolCalendar.objects.create(
            child=self.child, name="This year", first_day=first, last_day=today + timedelta(days=30)
        )
        iep = Iep.objects.create(child=self.child, effective_from=first)
        self.provision = Provision.objects.create(
            iep=iep, position=1, kind=Provision.Kind.ACCOMMODATION, label="Extended time", wording="Extended time."
        )
        record_fixture_in_ledger(self.alice, calendar, iep, [self.provision])
        self.days = [first + timedelta(days=n) for n in range(200) if (first + timedelta(days=n)).weekday() < 5]
        client = Client()
        client.force_login(self.alice)
        self.cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf_secret()}
        self.server = Server(self.data_dir)

    def tearDown(self) -> None:
        self.server.kill()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def save(self, day: date) -> bool:
        """Log ``day`` through the page's form; True when the server acknowledged it."""
        status, _headers, _ = self.server.request(
            "POST",
            f"/children/{self.child.pk}/day/{day.isoformat()}/entry/",
            {"provision": self.provision.pk, "is_makeup": "0", "status": "delivered", "client_id": str(uuid.uuid4())},
            self.cookies,
        )
        assert status in (302, 303), f"{day}: {status}"
        return True

    def burst(self, days: list[date], stop_after: int | None) -> list[date]:
        """THREADS writers take days from ``days``; the server is SIGKILLed after ``stop_after`` acks."""
        acknowledged: list[date] = []
        pending = list(days)
        lock = threading.Lock()
        failures: list[BaseException] = []

        def writer() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    day = pending.pop(0)
                try:
                    self.save(day)
                except OSError:
                    return  # the server died under us: this write was never acknowledged
                except BaseException as exc:
                    failures.append(exc)
                    return
                with lock:
                    acknowledged.append(day)

        threads = [threading.Thread(target=writer) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        if stop_after is not None:
            deadline = time.monotonic() + 60
            while len(acknowledged) < stop_after and time.monotonic() < deadline and not failures:
                time.sleep(0.005)
            self.server.kill()
        for thread in threads:
            thread.join(timeout=60)
        assert failures == []
        return acknowledged

    def test_sigkill_during_a_burst_of_writes_loses_no_acknowledged_entry(self) -> None:
        self.server.start()
        first_batch = self.days[:60]
        acknowledged = self.burst(first_batch, stop_after=KILL_AFTER)
        assert len(acknowledged) >= KILL_AFTER
        assert len(acknowledged) < len(first_batch), "the kill came after the burst: nothing was tested"

        self.server.start()  # a new server on the same database, as after a crash and a restart
        later = self.burst(self.days[60 : 60 + AFTER_RESTART], stop_after=None)
        assert len(later) == AFTER_RESTART

        logged = set(LogEntry.objects.filter(child=self.child).values_list("date", flat=True))
        missing = sorted(set(acknowledged + later) - logged)
        assert missing == [], f"acknowledged but lost: {missing}"
        report = verify_child(self.child.pk)
        assert report.ok, report
        # In-flight writes either landed whole or not at all: nothing beyond what was sent.
        assert logged <= set(first_batch) | set(later)

    def test_lockout_holds_across_gunicorn_workers(self) -> None:
        """Five wrong passwords lock the account on a two-worker server (the shared database cache)."""
        self.server.start()
        cookies = {"csrftoken": csrf_secret()}
        locked = []
        for n in range(7):
            _, _, body = self.server.request(
                "POST", "/account/login/", {"login": "alice@example.com", "password": f"wrong {n}"}, cookies
            )
            locked.append(b"Too many failed login attempts" in body)
        assert locked == [False] * 5 + [True, True]
