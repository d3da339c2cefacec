"""The app with no signal: installable, opens from cold offline, queues a day with a miss and a photo
in IndexedDB across closing the tab, and sends it once when the connection returns."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from evidence.models import Attachment
from evidence.verify import verify_child
from logbook.models import LogEntry, MissReason, Status
from plans.models import Iep, SchoolCalendar
from tests.base import record_fixture_in_ledger
from tests.test_logbook_browser import browser, family, school_days_back  # noqa: F401 (fixtures)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/work/shots/offline"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201"
    "a5d3b1e50000000049454e44ae426082"
)


@pytest.fixture
def attachment_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="iepright-offline-"))
    with override_settings(ATTACHMENT_ROOT=root):
        yield root
    shutil.rmtree(root, ignore_errors=True)


def signed_in_context(browser: Any, live_server: Any, user: Any) -> Any:  # noqa: F811
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def plan_in_ledger(family: dict[str, Any]) -> tuple[Any, Any]:  # noqa: F811
    """Record the family's calendar, IEP and two provisions in the ledger, as the app would have."""
    child, alice = family["child"], family["alice"]
    record_fixture_in_ledger(
        alice,
        SchoolCalendar.objects.get(child=child),
        Iep.objects.get(child=child),
        [family["extended"], family["speech"]],
    )
    return child, alice


def waiting_text(page: Any) -> str:
    return page.evaluate(
        "() => { const b = document.getElementById('sync-count'); return b.hidden ? '' : b.textContent; }"
    )


def test_installable_then_a_day_logged_offline_reaches_the_server_once(
    browser: Any,  # noqa: F811
    live_server: Any,
    family: dict[str, Any],  # noqa: F811
    attachment_root: Path,
) -> None:
    child, alice = plan_in_ledger(family)
    today_path = f"/children/{child.pk}/today/"
    context = signed_in_context(browser, live_server, alice)
    page = context.new_page()
    page.set_default_timeout(15000)

    # Online once: the home page installs the worker, which keeps the app shell and the Today page.
    page.goto(live_server.url + "/")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.wait_for_function(f"() => caches.match({today_path!r}).then(r => !!r)")
    page.wait_for_function("() => caches.keys().then(k => k.some(n => n.startsWith('iepr-shell-')))")
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    # A school day's page (today may be a weekend), visited once online, is kept too.
    day_path = f"/children/{child.pk}/day/{school_days_back(1)[0].isoformat()}/"
    page.goto(live_server.url + day_path)
    page.wait_for_function(f"() => caches.match({day_path!r}).then(r => !!r)")
    page.close()

    # No signal from here: open the app from cold, log a day with a miss and a photo.
    context.set_offline(True)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + day_path)
    assert page.locator("h1").inner_text().startswith(child.name)
    page.screenshot(path=f"{SHOTS}/offline-cold.png", full_page=True)
    extended = page.locator("article.entry").filter(has_text="Extended time")
    extended.get_by_role("button", name="Missed", exact=True).click()
    extended.get_by_label("Provider or staff absent").check()  # a reason chip saves on its tap (issue 11)
    speech = page.locator("article.entry").filter(has_text="Speech therapy")
    speech.locator("input[type=file]").set_input_files({"name": "log.png", "mimeType": "image/png", "buffer": PNG})
    speech.get_by_role("button", name="Delivered", exact=True).click()
    page.wait_for_function("() => !document.getElementById('sync-count').hidden")
    page.wait_for_function("() => document.getElementById('sync-count').textContent.startsWith('4 ')")
    assert waiting_text(page) == "4 entries waiting to sync"
    page.screenshot(path=f"{SHOTS}/offline-waiting.png", full_page=False)
    assert LogEntry.objects.count() == 0

    # Close the tab and open the app again, still offline: nothing was lost.
    page.close()
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + day_path)
    page.wait_for_function("() => document.getElementById('sync-count').textContent.startsWith('4 ')")

    # Back online: everything is sent, in order, once.
    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('sync-count').hidden", timeout=30000)
    logged = {e.provision.label: e for e in LogEntry.objects.filter(child=child).select_related("provision")}
    assert sorted(logged) == ["Extended time", "Speech therapy"]
    assert LogEntry.objects.filter(child=child).count() == 2
    miss = logged["Extended time"]
    assert (miss.status, miss.miss_reason) == (Status.MISSED, MissReason.PROVIDER_ABSENT)
    assert miss.device_time is not None and logged["Speech therapy"].status == Status.DELIVERED
    photos = Attachment.objects.filter(child=child, object_type="log_entry", object_id=str(logged["Speech therapy"].pk))
    assert [(a.content_type, a.size) for a in photos] == [("image/png", len(PNG))]
    assert (attachment_root / photos[0].sha256[:2]).exists() or any(attachment_root.rglob(photos[0].sha256))
    report = verify_child(child.pk)
    assert report.ok, str(report.problem)
    context.close()


def on_a_day_page(browser: Any, live_server: Any, family: dict[str, Any]) -> tuple[Any, Any]:  # noqa: F811
    """A signed-in phone on a school day's page of the family's child, its plan in the ledger."""
    child, alice = plan_in_ledger(family)
    context = signed_in_context(browser, live_server, alice)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(live_server.url + f"/children/{child.pk}/day/{school_days_back(1)[0].isoformat()}/")
    return context, page


def photos_of(entry: LogEntry) -> list[Attachment]:
    return list(Attachment.objects.filter(object_type="log_entry", object_id=str(entry.pk)).order_by("pk"))


def test_twelve_photos_taken_offline_all_reach_the_server(
    browser: Any,  # noqa: F811
    live_server: Any,
    family: dict[str, Any],  # noqa: F811
    attachment_root: Path,
) -> None:
    """Given a parent offline who picks 12 photos for one entry (more than one save takes), when the
    connection returns, then the queue sends them in saves the server accepts and all 12 are kept."""
    context, page = on_a_day_page(browser, live_server, family)
    context.set_offline(True)
    speech = page.locator("article.entry").filter(has_text="Speech therapy")
    speech.locator("input[type=file]").set_input_files(
        [{"name": f"page-{n}.png", "mimeType": "image/png", "buffer": PNG + bytes([n])} for n in range(12)]
    )
    speech.get_by_role("button", name="Delivered", exact=True).click()
    # The entry, then the photos as two saves of six (logbook.services.MAX_FILES_PER_SAVE).
    page.wait_for_function("() => document.getElementById('sync-count').textContent.startsWith('3 ')")
    assert waiting_text(page) == "3 entries waiting to sync"

    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('sync-count').hidden", timeout=30000)
    entry = LogEntry.objects.get(child=family["child"])
    kept = photos_of(entry)
    assert [(a.original_name, a.size) for a in kept] == [(f"page-{n}.png", len(PNG) + 1) for n in range(12)]
    assert page.locator("#save-status").inner_text() == "Saved: files 7\N{EN DASH}12 of 12."
    report = verify_child(family["child"].pk)
    assert report.ok, str(report.problem)
    context.close()


def test_photos_queued_by_the_earlier_app_are_sent_one_by_one(
    browser: Any,  # noqa: F811
    live_server: Any,
    family: dict[str, Any],  # noqa: F811
    attachment_root: Path,
) -> None:
    """Given 8 photos that the earlier app queued as one save (no batch size on the item), when the
    connection returns, then they are sent one per save instead of being refused, and all 8 are kept."""
    context, page = on_a_day_page(browser, live_server, family)
    context.set_offline(True)
    page.locator("article.entry").filter(has_text="Extended time").get_by_role(
        "button", name="Delivered", exact=True
    ).click()
    page.wait_for_function("() => document.getElementById('sync-count').textContent.startsWith('1 ')")
    page.evaluate(
        """async ([png, child]) => {
          const db = await new Promise(ok => { const r = indexedDB.open("iepright", 1); r.onsuccess = () => ok(r.result); });
          const store = mode => db.transaction("queue", mode).objectStore("queue");
          const items = await new Promise(ok => { const r = store("readonly").getAll(); r.onsuccess = () => ok(r.result); });
          const entry = items.find(i => i.kind === "entry");
          const files = [...Array(8).keys()].map(n => ({
            name: `old-${n}.png`, type: "image/png",
            blob: new Blob([new Uint8Array(png), new Uint8Array([n])], { type: "image/png" }),
          }));
          await new Promise(ok => {
            const r = store("readwrite").add({ kind: "files", user: entry.user, day: entry.day, child: String(child),
              entryClientId: entry.body.client_id, clientId: crypto.randomUUID(), files, label: "8 files" });
            r.onsuccess = ok;
          });
        }""",
        [list(PNG), family["child"].pk],
    )

    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('sync-count').hidden", timeout=30000)
    kept = photos_of(LogEntry.objects.get(child=family["child"]))
    assert [(a.original_name, a.size) for a in kept] == [(f"old-{n}.png", len(PNG) + 1) for n in range(8)]
    context.close()


def test_a_token_is_made_shown_once_and_revoked_on_a_phone(
    browser: Any,  # noqa: F811
    live_server: Any,
    family: dict[str, Any],  # noqa: F811
) -> None:
    context = signed_in_context(browser, live_server, family["alice"])
    page = context.new_page()
    page.goto(live_server.url + "/settings/")
    page.get_by_role("link", name="Access tokens for apps").click()
    page.get_by_label("Name").fill("Phone app")
    page.get_by_label("Read and write: may also log entries and notes").check()
    page.get_by_role("button", name="Make token").click()
    raw = page.get_by_role("textbox", name="Token").input_value()
    assert raw.startswith("iepr_")
    page.screenshot(path=f"{SHOTS}/token-made.png", full_page=True)
    page.goto(live_server.url + "/settings/tokens/")
    assert raw not in page.content() and "never used" in page.content()
    page.get_by_role("button", name="Revoke Phone app").click()
    assert "no longer works" in page.content()
    page.screenshot(path=f"{SHOTS}/token-revoked.png", full_page=True)
    context.close()
