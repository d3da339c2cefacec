"""A parent logs at a phone viewport: a normal day in one tap, a day with a miss in a handful.

Each tap is counted (clicks, choices, focusing a text field); typing is not a tap. The same flows
run with JavaScript (saves without page loads) and without it (plain forms).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connections
from django.test import Client
from django.utils import timezone

from accounts.models import Household, Membership, Role, User
from logbook import services
from logbook.days import lag_text
from logbook.models import LogEntry, MissReason, Source, Status
from plans.models import Child, Iep, Provision, SchoolCalendar
from tests.browser.chromium import CHROMIUM, launch

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "/work/shots/logbook"


def school_days_back(count: int) -> list[date]:
    """The last ``count`` weekdays up to today, newest first."""
    days: list[date] = []
    day = timezone.localdate()
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days


@pytest.fixture
def family(transactional_db: Any) -> dict[str, Any]:
    alice = User.objects.create_user(email="alice@example.com", password="correct horse battery", display_name="Alice")
    household = Household.objects.create(name="Rivera household")
    Membership.objects.create(user=alice, household=household, role=Role.OWNER)
    child = Child.objects.create(household=household, name="Maya Rivera", state="CA")
    today = timezone.localdate()
    SchoolCalendar.objects.create(
        child=child, name="This year", first_day=today - timedelta(days=120), last_day=today + timedelta(days=120)
    )
    iep = Iep.objects.create(child=child, effective_from=today - timedelta(days=100))
    extended = Provision.objects.create(
        iep=iep, position=1, kind="accommodation", label="Extended time", wording="Extended time (1.5x) on tests."
    )
    speech = Provision.objects.create(
        iep=iep,
        position=2,
        kind="service",
        label="Speech therapy",
        wording="Speech therapy, 30 minutes daily.",
        minutes=150,
        period="week",
        session_minutes=30,
    )
    return {"alice": alice, "child": child, "extended": extended, "speech": speech}


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed")
    with playwright_api.sync_playwright() as p:
        instance = launch(p)
        yield instance
        instance.close()
        # Queries made while Playwright runs use their own connection (another async context):
        # close it here, or PostgreSQL refuses to drop the test database at the end.
        connections.close_all()


def signed_in_page(browser: Any, live_server: Any, user: User, *, javascript: bool) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10000)
    return page


class Taps:
    def __init__(self) -> None:
        self.count = 0

    def tap(self, locator: Any) -> None:
        locator.click()
        self.count += 1

    def choose(self, locator: Any) -> None:
        locator.check()
        self.count += 1

    def type_into(self, locator: Any, text: str) -> None:
        locator.click()  # the tap that focuses the field; typing is not counted
        locator.fill(text)
        self.count += 1


def day_url(live_server: Any, child: Child, day: date) -> str:
    return f"{live_server.url}/children/{child.pk}/day/{day.isoformat()}/"


def saved_message(page: Any, text: str) -> None:
    page.wait_for_function(
        "text => document.getElementById('save-status').textContent.includes(text)", arg=text, timeout=10000
    )


def entries(child: Child, day: date) -> dict[str, LogEntry]:
    return {e.provision.label: e for e in LogEntry.objects.filter(child=child, date=day).select_related("provision")}


def test_a_normal_day_takes_one_tap_with_javascript(browser: Any, live_server: Any, family: dict[str, Any]) -> None:
    child, day = family["child"], school_days_back(1)[0]
    page = signed_in_page(browser, live_server, family["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    page.evaluate("window.stillTheSamePage = true")
    taps = Taps()
    taps.tap(page.get_by_role("button", name="Everything delivered"))
    saved_message(page, "Saved: 2 items delivered.")
    assert taps.count == 1
    assert page.evaluate("window.stillTheSamePage") is True  # no page load
    lag = lag_text((timezone.localdate() - day).days)
    # Issue 11: the icon goes with the word (three states, never colour alone).
    assert [text.strip() for text in page.locator("article.entry [data-state]").all_text_contents()] == [
        f"✓ Delivered · {lag}",
        f"✓ Delivered · 30 min · {lag}",
    ]
    page.screenshot(path=f"{SHOTS}/browser-normal-day.png", full_page=True)
    logged = entries(child, day)
    assert {label: (e.status, e.minutes_delivered) for label, e in logged.items()} == {
        "Extended time": (Status.DELIVERED, None),
        "Speech therapy": (Status.DELIVERED, 30),
    }


def test_a_day_with_a_miss_takes_a_handful_of_taps_with_javascript(
    browser: Any, live_server: Any, family: dict[str, Any]
) -> None:
    child, day = family["child"], school_days_back(2)[1]
    page = signed_in_page(browser, live_server, family["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    page.evaluate("window.stillTheSamePage = true")
    started = time.monotonic()
    taps = Taps()
    card = page.locator("article.entry").filter(has_text="Extended time")
    taps.tap(card.get_by_role("button", name="Missed", exact=True))
    saved_message(page, "Saved: Extended time, missed.")
    taps.choose(card.get_by_label("Substitute did not know or did not follow the IEP"))
    taps.choose(card.get_by_label("My child told me"))
    taps.type_into(card.get_by_label("Who said so or was involved? (name or role)"), "Maya")
    taps.tap(card.get_by_role("button", name="Save as missed"))
    saved_message(page, "Saved: Extended time, missed.")
    page.wait_for_function("() => !document.querySelector('#save-status').textContent.includes('Saving')")
    taps.tap(page.get_by_role("button", name="Everything delivered"))
    saved_message(page, "Saved: 1 item delivered.")
    elapsed = time.monotonic() - started
    assert taps.count <= 6, taps.count
    assert elapsed < 30
    assert page.evaluate("window.stillTheSamePage") is True
    page.screenshot(path=f"{SHOTS}/browser-miss-day.png", full_page=True)
    logged = entries(child, day)
    miss = logged["Extended time"]
    assert (miss.status, miss.miss_reason, miss.source, miss.reported_by) == (
        Status.MISSED,
        MissReason.SUBSTITUTE,
        Source.CHILD_SAID,
        "Maya",
    )
    assert (logged["Speech therapy"].status, logged["Speech therapy"].minutes_delivered) == (Status.DELIVERED, 30)


def test_a_day_with_a_miss_works_without_javascript(browser: Any, live_server: Any, family: dict[str, Any]) -> None:
    child, day = family["child"], school_days_back(3)[2]
    page = signed_in_page(browser, live_server, family["alice"], javascript=False)
    page.goto(day_url(live_server, child, day))
    taps = Taps()
    card = page.locator("article.entry").filter(has_text="Speech therapy")
    taps.tap(card.locator("summary", has_text="Missed or partly? Add details"))
    taps.choose(card.get_by_label("Provider or staff absent"))
    taps.choose(card.get_by_label("A teacher or staff member told me"))
    taps.type_into(card.get_by_label("Who said so or was involved? (name or role)"), "Ms. Lee")
    taps.tap(card.get_by_role("button", name="Save as missed"))
    page.wait_for_load_state()
    assert "Saved: Speech therapy, missed." in page.content()
    taps.tap(page.get_by_role("button", name="Everything delivered"))
    page.wait_for_load_state()
    assert "Saved: 1 item delivered." in page.content()
    assert taps.count <= 6, taps.count
    page.screenshot(path=f"{SHOTS}/browser-miss-day-nojs.png", full_page=True)
    logged = entries(child, day)
    miss = logged["Speech therapy"]
    assert (miss.status, miss.minutes_delivered, miss.miss_reason, miss.source, miss.reported_by) == (
        Status.MISSED,
        0,
        MissReason.PROVIDER_ABSENT,
        Source.TEACHER_SAID,
        "Ms. Lee",
    )
    assert logged["Extended time"].status == Status.DELIVERED


def test_a_normal_day_takes_one_tap_without_javascript(browser: Any, live_server: Any, family: dict[str, Any]) -> None:
    child, day = family["child"], school_days_back(1)[0]
    page = signed_in_page(browser, live_server, family["alice"], javascript=False)
    page.goto(day_url(live_server, child, day))
    taps = Taps()
    taps.tap(page.get_by_role("button", name="Everything delivered"))
    page.wait_for_load_state()
    assert "Saved: 2 items delivered." in page.content()
    assert taps.count == 1
    assert len(entries(child, day)) == 2


def test_a_tap_made_offline_is_kept_on_the_phone_and_sent_once_back_online(
    browser: Any, live_server: Any, family: dict[str, Any]
) -> None:
    child, day = family["child"], school_days_back(1)[0]
    page = signed_in_page(browser, live_server, family["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    card = page.locator("article.entry").filter(has_text="Speech therapy")
    page.context.set_offline(True)
    card.get_by_role("button", name="Delivered", exact=True).click()
    saved_message(page, "Saved on this phone")
    assert page.evaluate("window.IEPQueue.count()") == 1  # kept in IndexedDB (static/js/offline-queue.js)
    assert not LogEntry.objects.filter(child=child).exists()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    saved_message(page, "Saved: Speech therapy, delivered.")
    assert page.evaluate("window.IEPQueue.count()") == 0
    entry = LogEntry.objects.get(child=child)
    assert (entry.provision, entry.status, entry.minutes_delivered) == (family["speech"], Status.DELIVERED, 30)


def test_enter_in_a_text_field_without_javascript_saves_nothing_by_accident(
    browser: Any, live_server: Any, family: dict[str, Any]
) -> None:
    child, day = family["child"], school_days_back(1)[0]
    page = signed_in_page(browser, live_server, family["alice"], javascript=False)
    page.goto(day_url(live_server, child, day))
    card = page.locator("article.entry").filter(has_text="Extended time")
    card.locator("summary", has_text="Missed or partly? Add details").click()
    card.get_by_label("Who said so or was involved? (name or role)").fill("Maya")
    card.get_by_label("Who said so or was involved? (name or role)").press("Enter")
    page.wait_for_load_state()
    assert "Choose what happened" in page.content()
    assert (
        page.locator("article.entry")
        .filter(has_text="Extended time")
        .get_by_label("Who said so or was involved? (name or role)")
        .input_value()
        == "Maya"
    )
    assert not LogEntry.objects.filter(child=child).exists()


def test_changing_a_settled_past_entry_asks_for_the_reason_in_place(
    browser: Any, live_server: Any, family: dict[str, Any]
) -> None:
    child, day = family["child"], school_days_back(3)[2]
    with time_machine.travel(timezone.now() - timedelta(days=(timezone.localdate() - day).days), tick=True):
        services.record_entry(
            child, day, family["extended"], status=Status.DELIVERED, user=family["alice"], client_id=uuid.uuid4()
        )
    page = signed_in_page(browser, live_server, family["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    card = page.locator("article.entry").filter(has_text="Extended time")
    reason = card.get_by_label("Reason for changing a past day")
    assert not reason.is_visible()
    card.get_by_role("button", name="Missed", exact=True).click()
    saved_message(page, "Not saved: This day is in the past, so a change needs a short reason.")
    assert reason.is_visible()
    assert page.evaluate("document.activeElement.name") == "edit_reason"
    assert card.get_attribute("data-status") == "delivered"
    reason.fill("Maya told me the next day")
    card.get_by_role("button", name="Missed", exact=True).click()
    saved_message(page, "Saved: Extended time, missed.")
    entry = LogEntry.objects.get(child=child, date=day)
    assert (entry.status, entry.edit_reason) == (Status.MISSED, "Maya told me the next day")
