"""Load test: simulated parents against a real gunicorn, on SQLite or PostgreSQL.

    .venv/bin/python bench/load.py --rate 20 --seconds 120            # open loop: 20 arrivals a second
    .venv/bin/python bench/load.py --closed 50 --closed-seconds 60    # closed loop: 50 parents, no pause
    .venv/bin/python bench/load.py --steps 10,20,30 --seconds 30      # open loop, one rate after another
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iepright .venv/bin/python bench/load.py ...

It builds a throw-away database (a SQLite file in a scratch folder, or a PostgreSQL database named
``iepright_load``, dropped at the end): ``--families`` households, each with a child, an IEP of six
items for the school year around today and four weeks of daily logs (written through the services
and the ledger, as parents would have). Then it starts gunicorn on a free loopback port with
production settings (``iepright.settings``, DEBUG off, ``--workers``) and drives it with what a
parent does, each request from a random family, signed in by a session cookie:

- Today: GET the Today page (half of the requests);
- log a day: POST "Everything delivered" for a past school day not logged yet (a quarter);
- dashboard: GET the insights page (a quarter).

Open loop (``--rate``): requests arrive on a fixed schedule whatever the answers do, and each
latency is counted from the moment the request was due, so a slow server cannot hide its queue
(no coordinated omission). Closed loop (``--closed N``): N parents, each sending its next request
as soon as the last one is answered. It prints the count, errors, throughput, p50/p95/p99/max
latency per kind and overall, and the machine's load average before and after.

Why a small asyncio script and not locust: the standard library is enough for three kinds of
request, it adds no dependency, and it measures open-loop arrivals exactly, which locust's user
model (closed loop with wait times) does not do without extra plugins. One asyncio process easily
generates a few hundred requests a second, well above what the server here can answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.mkdtemp(prefix="iepright-load-"))
PG_NAME = "iepright_load"


def target_database_url() -> str:
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith("postgres"):
        base, _, _name = configured.rpartition("/")
        return f"{base}/{PG_NAME}"
    return f"sqlite:///{SCRATCH / 'load.sqlite3'}"


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "HTTPS", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="iepright.settings",
        DATABASE_URL=database_url,
        IEPRIGHT_DATA_DIR=str(SCRATCH),
        SECRET_KEY="load-test-only-" + "k" * 40,
        LOG_LEVEL="WARNING",
    )
    return env


def create_postgres_database(database_url: str) -> None:
    import psycopg

    admin = database_url.rpartition("/")[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_NAME}")


def drop_postgres_database(database_url: str) -> None:
    import psycopg

    admin = database_url.rpartition("/")[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


@dataclass
class Family:
    child_id: int
    session: str
    free_days: list[date]  # past school days not logged yet, for "log a day"


def seed(families: int, env: dict[str, str]) -> list[Family]:
    """Build the families in the target database (in this process, with the server's settings)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Household, Membership, Role, User
    from logbook.demo import add_demo_logs
    from plans.demo import school_year_start
    from plans.models import Child, Iep, NonSchoolDay, Provision, SchoolCalendar
    from plans.schooldays import SchoolDays

    today = timezone.localdate()
    year = school_year_start(today)
    first_day, last_day = date(year, 8, 24), date(year + 1, 6, 11)
    rng = random.Random(2026)
    out = []
    for n in range(families):
        user = User.objects.create_user(email=f"parent{n}@load.example", password=None, display_name=f"Parent {n}")
        household = Household.objects.create(name=f"Household {n}")
        Membership.objects.create(user=user, household=household, role=Role.OWNER)
        child = Child.objects.create(household=household, name=f"Child {n}", state="CA")
        calendar = SchoolCalendar.objects.create(child=child, name="This year", first_day=first_day, last_day=last_day)
        NonSchoolDay.objects.create(
            calendar=calendar, name="Thanksgiving break", start=date(year, 11, 25), end=date(year, 11, 27)
        )
        iep = Iep.objects.create(child=child, effective_from=first_day, status=Iep.Status.ACTIVE)
        for position, (kind, label, weekdays, minutes) in enumerate(
            [
                ("accommodation", "Extended time", 0b11111, None),
                ("accommodation", "Preferential seating", 0b11111, None),
                ("accommodation", "Copy of class notes", 0b11111, None),
                ("supplementary_aid", "Graphic organizer", 0b11111, None),
                ("service", "Speech therapy", 0b01010, 60),
                ("service", "Occupational therapy", 0b10000, 30),
            ]
        ):
            Provision.objects.create(
                iep=iep,
                position=position,
                kind=kind,
                label=label,
                wording=f"{label}, as the IEP says.",
                schedule="every_day" if weekdays == 0b11111 else "weekdays",
                weekdays=weekdays,
                minutes=minutes,
                period="week" if minutes else "",
                session_minutes=30 if minutes else None,
            )
        logged_from = today - timedelta(days=28)
        add_demo_logs(child, user, logged_from, today - timedelta(days=1), rng)
        free = SchoolDays.load(child, first_day, today).attended_days(first_day, logged_from - timedelta(days=1))
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out.append(Family(child.pk, str(session.session_key), list(free)))
    connection.close()
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "iepright.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--backlog",
            "2048",
        ],
        cwd=ROOT,
        env=env,
        stdout=(SCRATCH / "gunicorn.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


# --- The load ------------------------------------------------------------------------------

CSRF = "loadtestcsrfsecret00000000000000"  # 32 letters and digits: accepted back in X-CSRFToken


async def http(port: int, method: str, path: str, cookie: str, body: bytes = b"") -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        head = [
            f"{method} {path} HTTP/1.1",
            "Host: 127.0.0.1",
            f"Cookie: sessionid={cookie}; csrftoken={CSRF}",
            "Connection: close",
        ]
        if method == "POST":
            head += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"X-CSRFToken: {CSRF}",
            ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # the server closes after the answer
        return int(status_line.split()[1])
    finally:
        writer.close()


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, ms: float, ok: bool) -> None:
        self.latencies.setdefault(kind, []).append(ms)
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def pick(rng: random.Random, families: list[Family]) -> tuple[str, str, str, bytes, int]:
    """One parent action: (kind, method, path, cookie, body, expected status)."""
    family = rng.choice(families)
    roll = rng.random()
    if roll < 0.25 and family.free_days:
        day = family.free_days.pop()
        body = urlencode({"client_id": str(uuid.uuid4())}).encode()
        path = f"/children/{family.child_id}/day/{day.isoformat()}/all-delivered/"
        return ("log a day", "POST", path, family.session, body, 302)  # type: ignore[return-value]
    if roll < 0.5:
        return ("dashboard", "GET", f"/children/{family.child_id}/insights/", family.session, b"", 200)  # type: ignore[return-value]
    return ("today", "GET", f"/children/{family.child_id}/today/", family.session, b"", 200)  # type: ignore[return-value]


async def one(port: int, action: Any, due: float, results: Results) -> None:
    kind, method, path, cookie, body, expected = action
    try:
        status = await http(port, method, path, cookie, body)
        ok = status == expected
    except OSError:
        ok = False
    results.add(kind, (time.perf_counter() - due) * 1000, ok)


async def open_loop(port: int, families: list[Family], rate: float, seconds: float, seed_: int) -> Results:
    rng = random.Random(seed_)
    results = Results()
    tasks = []
    start = time.perf_counter()
    n = 0
    while n < rate * seconds:
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(port, pick(rng, families), due, results)))
        n += 1
    await asyncio.gather(*tasks)
    return results


async def closed_loop(port: int, families: list[Family], users: int, seconds: float, seed_: int) -> Results:
    results = Results()
    end = time.perf_counter() + seconds

    async def parent(n: int) -> None:
        rng = random.Random(seed_ * 1000 + n)
        while time.perf_counter() < end:
            await one(port, pick(rng, families), time.perf_counter(), results)

    await asyncio.gather(*(parent(n) for n in range(users)))
    return results


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def report(title: str, results: Results, seconds: float) -> dict[str, float]:
    every = [ms for values in results.latencies.values() for ms in values]
    errors = sum(results.errors.values())
    print(f"\n{title}: {len(every)} requests in {seconds:.0f} s = {len(every) / seconds:.1f}/s, {errors} errors")
    print("| kind | requests | errors | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind, values in [*sorted(results.latencies.items()), ("all", every)]:
        errs = errors if kind == "all" else results.errors.get(kind, 0)
        print(
            f"| {kind} | {len(values)} | {errs} | {statistics.median(values):.0f} | {percentile(values, 95):.0f} "
            f"| {percentile(values, 99):.0f} | {max(values):.0f} |"
        )
    return {"p99": percentile(every, 99), "errors": errors, "rate": len(every) / seconds}


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rate", type=float, help="open loop: arrivals per second")
    parser.add_argument("--steps", help="open loop: comma-separated rates, one after another")
    parser.add_argument("--closed", type=int, help="closed loop: this many parents")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--closed-seconds", type=float, default=60)
    args = parser.parse_args()

    database_url = target_database_url()
    env = server_env(database_url)
    if database_url.startswith("postgres"):
        create_postgres_database(database_url)
    process = None
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        # Production settings serve content-hashed static names: pages need the manifest (issue 17).
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        started = time.perf_counter()
        families = seed(args.families, env)
        vendor = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"{vendor}: {len(families)} families seeded in {time.perf_counter() - started:.0f} s")
        port = free_port()
        process = start_gunicorn(env, port, args.workers)
        print(f"gunicorn --workers {args.workers} on 127.0.0.1:{port}; {os.cpu_count()} CPUs")
        asyncio.run(closed_loop(port, families, 4, 5, 0))  # warm up every worker
        runs: list[tuple[str, Any]] = []
        if args.steps:
            runs += [(f"open loop at {float(r):g}/s", ("open", float(r))) for r in args.steps.split(",")]
        if args.rate:
            runs.append((f"open loop at {args.rate:g}/s", ("open", args.rate)))
        if args.closed:
            runs.append((f"closed loop, {args.closed} parents", ("closed", args.closed)))
        for n, (title, (mode, value)) in enumerate(runs):
            before = load_average()
            started = time.perf_counter()
            if mode == "open":
                results = asyncio.run(open_loop(port, families, value, args.seconds, n + 1))
            else:
                results = asyncio.run(closed_loop(port, families, int(value), args.closed_seconds, n + 1))
            elapsed = time.perf_counter() - started
            report(f"{vendor}, {title}", results, args.seconds if mode == "open" else elapsed)
            print(f"load average before {before}, after {load_average()}")
    finally:
        if process is not None:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
        if database_url.startswith("postgres"):
            drop_postgres_database(database_url)
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
