"""In a real browser at phone size (390x844): sign up, verify the email, add a child, an IEP and a calendar.

``test_a_parent_signs_up_and_adds_a_child`` is the short path with assertions. ``test_screenshot_tour``
walks further and saves a screenshot of each page to ``$SCREENSHOT_DIR`` (default
``data/screenshots/``), to look at after a change of the look and feel.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.chromium import CHROMIUM, launch

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium")]

PASSWORD = "a calm long password 2026"
SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "data" / "screenshots")


@pytest.fixture
def page(live_server: Any) -> Iterator[Page]:
    cache.clear()  # allauth's rate limits (one confirmation email per address per 3 minutes) live there
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(10_000)
        # A page that breaks the Content-Security-Policy (inline style or script) logs an error. The 422
        # of a form sent back with its messages is logged too, and is expected.
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" and "status of 422" not in message.text
                else None
            ),
        )
        yield page
        browser.close()
    assert problems == [], f"the browser reported errors: {problems}"


def sign_up_and_verify(
    page: Page, mailbox: list[Any], name: str = "Dana Okafor", email: str = "dana@example.com"
) -> None:
    page.goto("/account/signup/")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    match = re.search(r"https?://\S+/account/confirm-email/\S+", str(mailbox[-1].body))
    assert match, mailbox[-1].body
    page.goto(match.group(0))
    expect(page.get_by_text(email)).to_be_visible()
    page.get_by_role("button", name="Yes, confirm").click()
    expect(page.get_by_role("heading", name="Your children")).to_be_visible()


def add_child(page: Page) -> None:
    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("Child's name").fill("Ella Okafor")
    page.get_by_label("Grade").fill("3")
    page.get_by_label("School (optional)", exact=True).fill("Lincoln Elementary School")
    page.get_by_label("State").select_option("CA")
    page.get_by_role("button", name="Add child").click()
    expect(page.get_by_role("heading", name="Ella Okafor", level=1)).to_be_visible()


def test_a_parent_signs_up_and_adds_a_child(page: Page, mailoutbox: list[Any]) -> None:
    sign_up_and_verify(page, mailoutbox)
    expect(page.get_by_text("Dana Okafor's household").first).to_be_visible()
    add_child(page)
    expect(page.get_by_text("Grade 3 · Lincoln Elementary School, California")).to_be_visible()
    expect(page.get_by_role("link", name="Add the IEP")).to_be_visible()
    expect(page.get_by_role("link", name="Add the school calendar")).to_be_visible()
    # Every tap target of the page is at least 44 px tall.
    heights = page.eval_on_selector_all(
        "main a.button, main button, .mainnav a, .subnav a", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44, heights


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def add_provision(page: Page, kind: str, label: str, wording: str, **service: str) -> None:
    page.get_by_role("link", name="Add an item").click()
    page.get_by_label("Type").select_option(kind)
    page.get_by_label("Short label").fill(label)
    page.get_by_label("Exact IEP wording").fill(wording)
    if service:
        page.get_by_label("Only on chosen weekdays").check()
        page.get_by_label(service["day"]).check()
        page.get_by_label("Minutes (optional)", exact=True).fill(service["minutes"])
        page.get_by_label("Per (optional)", exact=True).select_option(service["period"])
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"“{label}” added.")).to_be_visible()


def test_screenshot_tour(page: Page, mailoutbox: list[Any]) -> None:
    page.goto("/account/signup/")
    shot(page, "01-sign-up")
    sign_up_and_verify(page, mailoutbox)
    shot(page, "02-home-empty")
    add_child(page)

    page.get_by_role("link", name="Add the IEP").click()
    page.get_by_label("In effect from").fill("2026-09-08")
    page.get_by_label("In effect until").fill("2027-09-07")
    page.get_by_label("Annual review due").fill("2027-08-26")
    page.get_by_label("Case manager's name").fill("Laura Chen")
    shot(page, "03-iep-form")
    page.get_by_role("button", name="Save and add items").click()
    expect(page.get_by_text("Draft.", exact=True)).to_be_visible()

    add_provision(page, "accommodation", "Extended time", "Extended time (1.5x) on tests and quizzes.")
    add_provision(page, "accommodation", "Visual schedule", "Visual schedule posted at the desk and reviewed daily.")
    page.get_by_role("link", name="Add an item").click()
    page.get_by_label("Type").select_option("service")
    page.get_by_label("Minutes (optional)", exact=True).fill("120")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Choose per week or per month for these minutes.")).to_be_visible()
    shot(page, "04-provision-errors")
    page.get_by_role("link", name="Cancel").click()
    add_provision(
        page,
        "service",
        "Speech-language therapy",
        "Speech-language therapy, 120 minutes per month, small group, in the speech room.",
        day="Tuesday",
        minutes="120",
        period="month",
    )
    page.get_by_role("button", name="This IEP is in effect").click()
    expect(page.get_by_text("This IEP is now in effect.")).to_be_visible()
    shot(page, "05-iep-with-provisions")

    page.get_by_role("navigation", name="Ella Okafor's records").get_by_role("link", name="Calendar").click()
    page.get_by_role("link", name="Add a school year").click()
    page.get_by_label("Name").fill("2026-27 school year")
    page.get_by_label("First day of school").fill("2026-08-19")
    page.get_by_label("Last day of school").fill("2027-06-04")
    for day in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]:
        page.get_by_label(day).check()
    page.get_by_role("button", name="Save").click()
    for name, start, end in [
        ("Labor Day", "2026-09-07", ""),
        ("Thanksgiving break", "2026-11-23", "2026-11-27"),
        ("Winter break", "2026-12-21", "2027-01-01"),
    ]:
        page.get_by_label("What is it?").fill(name)
        page.get_by_label("From").fill(start)
        page.get_by_label("Until").fill(end)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text(f"“{name}” added.")).to_be_visible()
    shot(page, "06-calendar")

    page.get_by_role("navigation", name="Ella Okafor's records").get_by_role("link", name="Absences").click()
    page.get_by_label("Day absent").fill("2026-11-10")
    page.get_by_label("Reason").fill("Sick")
    page.get_by_role("button", name="Add absence").click()
    expect(page.get_by_text("Tuesday, November 10, 2026")).to_be_visible()
    shot(page, "07-absences")

    page.get_by_role("navigation", name="Ella Okafor's records").get_by_role("link", name="Overview").click()
    expect(page.get_by_text("3 items: 2 accommodations, 1 service.")).to_be_visible()
    shot(page, "08-child-overview")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Household").click()
    page.get_by_label("Their email address").fill("sam@example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("We emailed an invitation to sam@example.com.")).to_be_visible()
    shot(page, "09-household")
