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
    child, alice = family["child"], family["alice"]
    record_fixture_in_ledger(
        alice,
        SchoolCalendar.objects.get(child=child),
        Iep.objects.get(child=child),
        [family["extended"], family["speech"]],
    )
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
