# ruff: noqa: F811  (pytest fixtures imported from test_logbook_browser are parameters here)
"""Issue 11 in the browser at 390x844: taps counted for a normal day, a day with two misses and a
flexible service session; "Partly" asks the minutes; the unlogged-days box, focus, the fold, 320 px,
and a stale page's 409.

A tap is a click, a choice or focusing a text field; typing is not a tap (as in test_logbook_browser).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from logbook import services
from logbook.models import LogEntry, MissReason, Source, Status
from plans.models import Provision
from tests.test_logbook_browser import (  # noqa: F401  (fixtures)
    Taps,
    browser,
    day_url,
    entries,
    family,
    saved_message,
    school_days_back,
    signed_in_page,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan(family: dict[str, Any]) -> dict[str, Any]:
    """The base family plus preferential seating (every day) and a flexible OT, 120 minutes a month."""
    iep = family["extended"].iep
    family["seating"] = Provision.objects.create(
        iep=iep, position=3, kind="accommodation", label="Preferential seating", wording="Seat near instruction."
    )
    family["ot"] = Provision.objects.create(
        iep=iep,
        position=4,
        kind="service",
        label="Occupational therapy",
        wording="OT, 120 minutes per month, 4 sessions of 30 minutes.",
        schedule="flexible",
        minutes=120,
        period="month",
        sessions=4,
        session_minutes=30,
    )
    return family


def test_a_normal_day_is_one_tap_and_never_logs_the_flexible_service(browser: Any, live_server: Any, plan: Any) -> None:
    child, day = plan["child"], school_days_back(1)[0]
    page = signed_in_page(browser, live_server, plan["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    taps = Taps()
    taps.tap(page.get_by_role("button", name="Everything delivered"))
    saved_message(page, "Saved: 3 items delivered.")
    assert taps.count == 1
    assert sorted(entries(child, day)) == ["Extended time", "Preferential seating", "Speech therapy"]
    # Focus went to a card, not to <body>, when the button went away, and the floating "Saved" note
    # does not cover it.
    assert page.evaluate("document.activeElement.tagName") == "ARTICLE"
    overlap = page.evaluate(
        """() => {
          const a = document.activeElement.getBoundingClientRect();
          const s = document.getElementById('save-status').getBoundingClientRect();
          return {covers: s.height > 0 && a.top >= s.top - 1, firstLineClear: a.top + 40 <= s.top};
        }"""
    )
    assert overlap == {"covers": False, "firstLineClear": True}


def test_a_day_with_two_misses_takes_7_taps(browser: Any, live_server: Any, plan: Any) -> None:
    """Given a "who told you" written before (Ms. Lee), when two items are missed and the rest is
    delivered, then: Missed, reason chip, source chip, twice, then Everything delivered = 7 taps."""
    child, day = plan["child"], school_days_back(2)[1]
    earlier = school_days_back(3)[2]
    services.record_entry(
        child,
        earlier,
        plan["extended"],
        status=Status.MISSED,
        user=plan["alice"],
        client_id=uuid.uuid4(),
        miss_reason=MissReason.SUBSTITUTE,
        reported_by="Ms. Lee",
    )
    page = signed_in_page(browser, live_server, plan["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    taps = Taps()
    for label, reason, source in [
        ("Extended time", "Substitute did not know or did not follow the IEP", "My child told me"),
        ("Speech therapy", "Provider or staff absent", "A teacher or staff member told me"),
    ]:
        card = page.locator("article.entry").filter(has_text=label)
        taps.tap(card.get_by_role("button", name="Missed", exact=True))
        saved_message(page, f"Saved: {label}, missed.")
        taps.choose(card.get_by_label(reason))
        taps.choose(card.get_by_label(source))
        page.wait_for_function(
            "label => document.getElementById('save-status').textContent.includes('Saved: ' + label)", arg=label
        )
        page.wait_for_function("() => !document.querySelector('#save-status').textContent.includes('Saving')")
    taps.tap(page.get_by_role("button", name="Everything delivered"))
    saved_message(page, "Saved: 1 item delivered.")
    assert taps.count == 7
    page.wait_for_timeout(300)
    logged = entries(child, day)
    assert {k: (e.status, e.miss_reason, e.source, e.reported_by) for k, e in logged.items()} == {
        "Extended time": (Status.MISSED, MissReason.SUBSTITUTE, Source.CHILD_SAID, "Ms. Lee"),
        "Speech therapy": (Status.MISSED, MissReason.PROVIDER_ABSENT, Source.TEACHER_SAID, "Ms. Lee"),
        "Preferential seating": (Status.DELIVERED, "", "", ""),
    }


def test_a_flexible_session_is_one_tap(browser: Any, live_server: Any, plan: Any) -> None:
    child, day = plan["child"], school_days_back(1)[0]
    page = signed_in_page(browser, live_server, plan["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    card = page.locator("article.entry").filter(has_text="Occupational therapy")
    assert "Did it happen today?" in card.inner_text()
    taps = Taps()
    taps.tap(card.get_by_role("button", name="Delivered", exact=True))
    saved_message(page, "Saved: Occupational therapy, delivered.")
    assert taps.count == 1
    entry = LogEntry.objects.get(provision=plan["ot"])
    assert (entry.status, entry.minutes_delivered) == (Status.DELIVERED, 30)
    # The day still waits for its 3 expected items: the button is there, for 3.
    assert page.get_by_text("Marks the 3 items not yet logged as delivered.").is_visible()


def test_partly_asks_for_the_minutes_instead_of_saving_the_full_session(
    browser: Any, live_server: Any, plan: Any
) -> None:
    child, day = plan["child"], school_days_back(1)[0]
    page = signed_in_page(browser, live_server, plan["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    card = page.locator("article.entry").filter(has_text="Speech therapy")
    card.get_by_role("button", name="Partly", exact=True).click()
    saved_message(page, "How many minutes actually happened?")
    assert page.evaluate("document.activeElement.name") == "minutes_delivered"
    assert not LogEntry.objects.filter(child=child).exists()
    card.get_by_label("Minutes actually delivered").fill("20")
    card.get_by_role("button", name="Save as partly").click()
    saved_message(page, "Saved: Speech therapy, partly.")
    assert page.evaluate("document.activeElement.tagName") != "BODY"
    entry = LogEntry.objects.get(child=child)
    assert (entry.status, entry.minutes_delivered) == (Status.PARTIAL, 20)
    assert "◐" in card.locator("[data-state]").inner_text()


def test_the_unlogged_days_box_drops_a_day_as_soon_as_it_is_saved(browser: Any, live_server: Any, plan: Any) -> None:
    child = plan["child"]
    yesterday = school_days_back(2)[1] if school_days_back(1)[0] == timezone.localdate() else school_days_back(1)[0]
    page = signed_in_page(browser, live_server, plan["alice"], javascript=True)
    page.goto(day_url(live_server, child, yesterday))
    box = page.locator("[data-reminder]")
    before = box.locator("li[data-day]").count()
    assert box.locator(f"li[data-day='{yesterday.isoformat()}']").count() == 1
    # Above the fold at 390x844 even with the box showing.
    button = page.get_by_role("button", name="Everything delivered")
    assert button.bounding_box()["y"] + button.bounding_box()["height"] <= 844
    button.click()
    saved_message(page, "Saved: 3 items delivered.")
    assert box.locator(f"li[data-day='{yesterday.isoformat()}']").count() == 0
    if before > 1:
        assert box.locator("li[data-day]").count() == before - 1
        assert box.locator("h2").inner_text().startswith(f"{before - 1} school day")


def test_at_320_px_the_day_page_does_not_scroll_sideways(browser: Any, live_server: Any, plan: Any) -> None:
    page = signed_in_page(browser, live_server, plan["alice"], javascript=True)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(day_url(live_server, plan["child"], school_days_back(1)[0]))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_first_tab_stops_offer_a_skip_to_the_days_items(browser: Any, live_server: Any, plan: Any) -> None:
    page = signed_in_page(browser, live_server, plan["alice"], javascript=True)
    page.goto(day_url(live_server, plan["child"], school_days_back(1)[0]))
    link = page.get_by_role("link", name="Skip to the day\u2019s items")
    link.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Everything delivered"


def test_a_stale_page_gets_409_with_both_versions_on_the_card(browser: Any, live_server: Any, plan: Any) -> None:
    child, day = plan["child"], school_days_back(1)[0]
    page = signed_in_page(browser, live_server, plan["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    services.record_entry(
        child,
        day,
        plan["extended"],
        status=Status.MISSED,
        user=plan["alice"],
        client_id=uuid.uuid4(),
        miss_reason=MissReason.PROVIDER_ABSENT,
    )
    card = page.locator("article.entry").filter(has_text="Extended time")
    card.get_by_role("button", name="Delivered", exact=True).click()
    saved_message(page, "Not saved: someone else changed this entry.")
    text = card.locator(".conflict").inner_text()
    assert "Now: Missed · Provider or staff absent" in text and "Yours, not saved: Delivered" in text
    assert LogEntry.objects.get(provision=plan["extended"]).status == Status.MISSED
    card.get_by_role("button", name="Delivered", exact=True).click()  # chosen again, knowingly
    saved_message(page, "Saved: Extended time, delivered.")
    assert LogEntry.objects.get(provision=plan["extended"]).status == Status.DELIVERED


def test_three_quick_taps_on_one_card_are_never_taken_for_a_stale_page(
    browser: Any,
    live_server: Any,
    plan: Any,
) -> None:
    """Missed, a reason and a source tapped before any answer: each save follows our own previous one."""
    child, day = plan["child"], school_days_back(1)[0]
    page = signed_in_page(browser, live_server, plan["alice"], javascript=True)
    page.goto(day_url(live_server, child, day))
    card = page.locator("article.entry").filter(has_text="Extended time")
    card.get_by_role("button", name="Missed", exact=True).click()
    card.get_by_label("Staff shortage").check()
    card.get_by_label("I saw it myself").check()
    # The saves go through the offline queue (IndexedDB): wait until the third one has reached the server.
    for _ in range(100):
        entry = LogEntry.objects.filter(provision=plan["extended"]).first()
        if entry is not None and entry.source:
            break
        page.wait_for_timeout(100)
    page.wait_for_function("() => document.getElementById('sync-count').hidden")
    page.wait_for_function("() => !document.querySelector('#save-status').textContent.includes('Saving')")
    entry = LogEntry.objects.get(provision=plan["extended"])
    assert (entry.status, entry.miss_reason, entry.source) == (Status.MISSED, MissReason.STAFF_SHORTAGE, Source.SAW_IT)
    assert card.locator(".conflict").count() == 0
