"""Offline app benchmark: the Today page's bytes, time to interactive offline, syncing 50 saves.

    .venv/bin/python bench/offline_bench.py [--port 8025]

In a throw-away data directory: migrate, collect static files, make one family (a child with an IEP
of 2 items and a school calendar, through the services so the ledger verifies), then serve it with
gunicorn (2 workers, whitenoise: what production runs) on 127.0.0.1 and drive Chromium at 390x844:

- bytes: the response bodies gunicorn sent (its access log's %(B)s) for the first visit of the Today
  page in a fresh browser, and for a repeat visit once the service worker controls the page;
- time to interactive offline: the network cut, a new tab opens the day page (from the service
  worker's copy): navigation timing's domInteractive and the time until the queue is ready;
- sync: 50 entry saves queued offline (25 school days x 2 items), then the network comes back: the
  time until "entries waiting to sync" is gone, and the count of entries the server then has.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "bench-offline-2026"

SETUP = """
from datetime import timedelta
from django.utils import timezone
from accounts.models import Household, Membership, Role, User
from plans import services
from plans.models import Child, Iep, Provision, SchoolCalendar
user = User.objects.create_user(email="bench@example.com", password=PASSWORD_HERE, display_name="Bench Parent")
from allauth.account.models import EmailAddress
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
home = Household.objects.create(name="Bench household")
Membership.objects.create(user=user, household=home, role=Role.OWNER)
child = Child.objects.create(household=home, name="Maya Bench", state="CA")
today = timezone.localdate()
services.save_calendar(SchoolCalendar(child=child, name="This year", first_day=today - timedelta(days=120), last_day=today + timedelta(days=120)), user=user)
iep = services.create_iep(Iep(child=child, effective_from=today - timedelta(days=100)), user=user)
services.save_provision(Provision(iep=iep, position=1, kind="accommodation", label="Extended time", wording="Extended time (1.5x) on tests."), user=user)
services.save_provision(Provision(iep=iep, position=2, kind="service", label="Speech therapy", wording="Speech therapy, 30 minutes daily.", minutes=150, period="week", session_minutes=30), user=user)
services.activate_iep(iep, user=user)
print(child.pk, *Provision.objects.filter(iep=iep).order_by("position").values_list("pk", flat=True))
""".replace("PASSWORD_HERE", repr(PASSWORD))


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def log_bytes(log: Path, start: int) -> tuple[int, list[str]]:
    lines = log.read_text().splitlines()[start:]
    return sum(int(line.split()[-1]) for line in lines if line.split()[-1].isdigit()), lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="iepright-offline-bench-"))
    env = {**os.environ, "IEPRIGHT_DATA_DIR": str(scratch), "STATIC_ROOT": str(scratch / "static"), "DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    child_id, *_provisions = manage(env, "shell", "-c", SETUP).strip().splitlines()[-1].split()
    log = scratch / "access.log"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "iepright.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{args.port}",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %({content-length}o)s",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                import urllib.request

                urllib.request.urlopen(base + "/account/login/", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        run(base, int(child_id), log)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def run(base: str, child_id: int, log: Path) -> None:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    from tests.browser.chromium import launch

    today_path = f"/children/{child_id}/today/"
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(base + "/account/login/")
        page.get_by_label("Email").fill("bench@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        cookies = context.cookies()
        context.close()
        # A fresh browser (empty caches, no service worker) that is signed in.
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies(cookies)
        page = context.new_page()
        time.sleep(1)

        mark = len(log.read_text().splitlines())
        page.goto(base + today_path)
        page.wait_for_load_state("networkidle")
        page.evaluate("() => navigator.serviceWorker.ready")
        time.sleep(1.5)
        first, first_lines = log_bytes(log, mark)
        page.evaluate(
            "() => navigator.serviceWorker.controller ? 1 : new Promise(r => navigator.serviceWorker.addEventListener('controllerchange', r))"
        )
        mark = len(log.read_text().splitlines())
        page.goto(base + today_path)
        page.wait_for_load_state("networkidle")
        time.sleep(1.5)
        repeat, repeat_lines = log_bytes(log, mark)
        html = next((int(line.split()[-1]) for line in first_lines if today_path in line), 0)
        print(f"Today page, first visit: {first} bytes in {len(first_lines)} responses (its HTML {html} bytes)")
        for line in first_lines:
            print("   ", line)
        print(f"Today page, repeat visit: {repeat} bytes in {len(repeat_lines)} responses")
        for line in repeat_lines:
            print("   ", line)

        days = page.evaluate(
            """() => { const out = []; const d = new Date(); d.setDate(d.getDate() - 1);
                while (out.length < 25) { if (d.getDay() > 0 && d.getDay() < 6) out.push(d.toISOString().slice(0, 10)); d.setDate(d.getDate() - 1); }
                return out; }"""
        )
        day_path = f"/children/{child_id}/day/{days[0]}/"
        page.goto(base + day_path)
        page.wait_for_load_state("networkidle")
        time.sleep(1)

        context.set_offline(True)
        cold = context.new_page()
        started = time.monotonic()
        cold.goto(base + day_path)
        cold.wait_for_function("() => !!window.IEPQueue")
        ready = (time.monotonic() - started) * 1000
        timing = cold.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0]; return [n.domInteractive, n.domContentLoadedEventEnd]; }"
        )
        print(
            f"Offline, cold tab: domInteractive {timing[0]:.0f} ms, DOMContentLoaded {timing[1]:.0f} ms, queue ready {ready:.0f} ms"
        )

        provisions = cold.evaluate(
            "() => Array.from(document.querySelectorAll('article.entry')).map(a => parseInt(a.getAttribute('data-provision'), 10))"
        )
        url = cold.evaluate("() => document.getElementById('logbook').getAttribute('data-entries-url')")
        items = [(day, provision) for day in days for provision in provisions[:2]]
        cold.evaluate(
            """([items, url]) => Promise.all(items.map(([day, p]) => window.IEPQueue.add({kind: 'entry', day: day, url: url,
                  body: {date: day, provision: p, is_makeup: false, status: 'delivered', client_id: crypto.randomUUID(), device_time: new Date().toISOString()}})))""",
            [items, url],
        )
        cold.wait_for_function(
            "() => document.getElementById('sync-count').textContent.startsWith('50 ')", timeout=30000
        )
        started = time.monotonic()
        context.set_offline(False)
        cold.evaluate("() => window.IEPQueue.flush()")
        cold.wait_for_function("() => document.getElementById('sync-count').hidden", timeout=300000)
        synced = time.monotonic() - started
        count = cold.evaluate(
            f"() => fetch('/api/v1/children/{child_id}/entries?start={days[-1]}&end={days[0]}').then(r => r.json()).then(d => d.length)"
        )
        print(
            f"Sync of {len(items)} queued saves: {synced:.1f} s ({synced / len(items) * 1000:.0f} ms each); the server has {count} entries"
        )
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
