"""Every main page, at phone size (390x844), passes a set of automatic accessibility checks.

The demo family (``seed_demo``: a year and a half of logs for Ella, four weeks for Marcus) is loaded
with the clock set to Thursday, November 19, 2026, and each page is opened as the owner, as the
read-only advocate and signed out. On each page, once as it loads and once with every disclosure
(``<details>``) opened, ``AUDIT`` below checks:

- ``<html lang>`` is set; there is exactly one ``h1``; heading levels never skip (h2 to h4);
- every form field has an accessible name (a label, ``aria-label`` or ``aria-labelledby``);
- every ``img`` has an ``alt`` (empty for decoration) and every ``svg role=img`` a name;
- no ``id`` is used twice; every link, button and disclosure has text for a screen reader;
- nothing is wider than the screen (``document.documentElement.scrollWidth <= 390``);
- every button, field, disclosure and stand-alone link is at least 44 px tall (links inside a
  sentence are exempt, as in WCAG 2.5.8), and every radio or checkbox label is a 44 px tall target;
- the browser reports no error (a Content-Security-Policy violation is one).

The keyboard tests walk the tab order: the skip link comes first and moves focus to the content,
every stop shows a visible focus ring, and a day can be logged (a status button, the miss details)
with the keyboard alone.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, datetime
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from playwright.sync_api import Browser, Page, sync_playwright

from accounts.models import Household, Membership, Role, User
from accounts.services import invite
from logbook.models import LogEntry, Status
from plans.models import Absence, Child, Iep, Provision, SchoolCalendar
from plans.schooldays import SchoolDays
from tests.browser.chromium import CHROMIUM, launch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
    pytest.mark.django_db(transaction=True),
]

TODAY = date(2026, 11, 19)  # a Thursday, a school day
NOW = datetime(2026, 11, 19, 19, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
WIDTH = 390

# Returns a list of problems, each a short sentence naming the element.
AUDIT = r"""() => {
  const problems = [];
  const describe = (el) => {
    const text = (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}> "${text}"`;
  };
  const inert = (el) => !!el.closest('[hidden], [aria-hidden="true"]');
  const textOf = (el) => {
    let out = '';
    for (const node of el.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) { out += node.textContent; continue; }
      if (node.nodeType !== Node.ELEMENT_NODE || node.getAttribute('aria-hidden') === 'true') continue;
      if (node.tagName === 'IMG') out += node.getAttribute('alt') || '';
      else if (node.getAttribute('aria-label')) out += node.getAttribute('aria-label');
      else out += textOf(node);
    }
    return out.trim();
  };
  const labelledBy = (el) => (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)).filter(Boolean).map(textOf).join(' ').trim();
  const nameOf = (el) => labelledBy(el) || (el.getAttribute('aria-label') || '').trim()
    || (el.labels ? [...el.labels].map(textOf).join(' ').trim() : '') || (el.getAttribute('title') || '').trim();

  if (!document.documentElement.lang) problems.push('<html> has no lang');

  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter((h) => !inert(h));
  const h1s = headings.filter((h) => h.tagName === 'H1').length;
  if (h1s !== 1) problems.push(`${h1s} h1 headings (want exactly one)`);
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`heading skips from h${level} to h${next}: ${describe(h)}`);
    level = next;
    if (!textOf(h)) problems.push(`empty heading ${describe(h)}`);
  }

  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || inert(el)) continue;
    if (['submit', 'button', 'reset'].includes(el.type) ? !el.value.trim() : !nameOf(el)) problems.push(`form field without a name: ${describe(el)}`);
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push(`img without alt: ${img.getAttribute('src')}`);
  }
  for (const svg of document.querySelectorAll('svg[role="img"]')) {
    if (!labelledBy(svg) && !(svg.getAttribute('aria-label') || '').trim() && !svg.querySelector(':scope > title')) problems.push(`svg role=img without a name: ${describe(svg)}`);
  }
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  for (const [id, count] of seen) if (count > 1) problems.push(`id "${id}" used ${count} times`);

  for (const el of document.querySelectorAll('a[href], button, summary, [role="button"]')) {
    if (inert(el)) continue;
    if (!labelledBy(el) && !(el.getAttribute('aria-label') || '').trim() && !textOf(el)) problems.push(`no text for a screen reader: ${describe(el)}`);
  }

  if (document.documentElement.scrollWidth > window.innerWidth) {
    const wide = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 3).map(describe).join(', ');
    problems.push(`page is ${document.documentElement.scrollWidth}px wide (screen ${window.innerWidth}px): ${wide}`);
  }

  const targets = 'a[href], button, summary, select, textarea, input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"])';
  for (const el of document.querySelectorAll(targets)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || inert(el) || el.closest('.skip-link')) continue;
    if (el.tagName === 'A' && getComputedStyle(el).display === 'inline') continue;  // a link inside a sentence
    if (box.height < 43.5 || box.width < 43.5) problems.push(`tap target ${Math.round(box.width)}x${Math.round(box.height)}px: ${describe(el)}`);
  }
  for (const el of document.querySelectorAll('input[type="checkbox"], input[type="radio"]')) {
    const label = el.labels && el.labels[0];
    const box = label ? label.getBoundingClientRect() : el.getBoundingClientRect();
    if (box.height && box.height < 43.5) problems.push(`choice target ${Math.round(box.height)}px tall: ${describe(label || el)}`);
  }
  return problems;
}"""

OPEN_EVERY_DISCLOSURE = "() => document.querySelectorAll('details').forEach((d) => { d.open = true; })"


@pytest.fixture
def demo(transactional_db: Any) -> Iterator[dict[str, Any]]:
    """The demo family on Thursday, November 19, 2026 (the clock stays there, ticking)."""
    with time_machine.travel(NOW, tick=True):
        call_command("seed_demo", today=TODAY, stdout=StringIO())
        yield demo_pages()
    connections.close_all()  # Playwright's thread has its own connection; PostgreSQL must drop the test DB


def demo_pages() -> dict[str, Any]:
    ella = Child.objects.get(name="Ella Okafor")
    iep = Iep.objects.get(child=ella, status="active")
    service = Provision.objects.filter(iep=iep, kind="service").order_by("position").first()
    assert service is not None
    calendar = SchoolCalendar.objects.filter(child=ella).order_by("-first_day").first()
    assert calendar is not None
    household = Household.objects.get(pk=ella.household_id)
    miss = LogEntry.objects.filter(child=ella, status=Status.MISSED, date__lt=TODAY).order_by("-date").first()
    assert miss is not None
    days = SchoolDays.load(ella, date(2026, 9, 1), TODAY)
    logged = set(LogEntry.objects.filter(child=ella).values_list("date", flat=True))
    unlogged = [d for d in days.attended_days(date(2026, 9, 1), TODAY) if d not in logged]
    c = ella.pk
    child_pages = {
        "child overview": reverse("plans:child", args=[c]),
        "Today": reverse("logbook:today", args=[c]),
        "a day with a miss": reverse("logbook:day", args=[c, miss.date]),
        "a day with no school": reverse("logbook:day", args=[c, date(2026, 11, 15)]),
        "entry history": reverse("logbook:entry_history", args=[c, miss.pk]),
        "week": reverse("logbook:week", args=[c, TODAY]),
        "month": reverse("logbook:month", args=[c, TODAY]),
        "insights": reverse("insights:dashboard", args=[c]),
        "verify": reverse("evidence:verify", args=[c]),
        "reports": reverse("reports:report_list", args=[c]),
        "IEP list": reverse("plans:ieps", args=[c]),
        "IEP": reverse("plans:iep", args=[c, iep.pk]),
        "calendars": reverse("plans:calendars", args=[c]),
        "calendar": reverse("plans:calendar", args=[c, calendar.pk]),
        "absences": reverse("plans:absences", args=[c]),
        "household": reverse("accounts:household", args=[household.pk]),
        "home": reverse("accounts:home"),
        "account": reverse("accounts:profile"),
    }
    if unlogged:
        child_pages["a day not logged"] = reverse("logbook:day", args=[c, unlogged[-1]])
    owner_only = {
        "IEP edit": reverse("plans:iep_edit", args=[c, iep.pk]),
        "IEP amend": reverse("plans:iep_amend", args=[c, iep.pk]),
        "new IEP": reverse("plans:iep_new", args=[c]),
        "new provision": reverse("plans:provision_new", args=[c, iep.pk]),
        "provision edit": reverse("plans:provision_edit", args=[c, service.pk]),
        "provision delete": reverse("plans:provision_delete", args=[c, service.pk]),
        "calendar edit": reverse("plans:calendar_edit", args=[c, calendar.pk]),
        "new calendar": reverse("plans:calendar_new", args=[c]),
        "child edit": reverse("plans:child_edit", args=[c]),
        "new child": reverse("plans:child_new", args=[household.pk]),
        "households": reverse("accounts:household_list"),
        "new household": reverse("accounts:household_new"),
        "two-step sign-in": reverse("mfa_index"),
        "email addresses": reverse("account_email"),
        "change password": reverse("account_change_password"),
        "signed-in devices": reverse("usersessions_list"),
    }
    invitation = invite(household, email="grandma@example.com", role=Role.VIEWER, invited_by=ella_owner(household))
    signed_out = {
        "invitation": reverse("accounts:invitation", args=[invitation.token]),
        "sign in": reverse("account_login"),
        "sign up": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "password reset sent": reverse("account_reset_password_done"),
    }
    assert Absence.objects.filter(child=ella).exists()  # the absences page shows a list, not its empty state
    return {
        "owner": User.objects.get(email="parent@demo.iepright.org"),
        "viewer": User.objects.get(email="advocate@demo.iepright.org"),
        "child_pages": child_pages,
        "owner_only": owner_only,
        "signed_out": signed_out,
        "miss_day": reverse("logbook:day", args=[c, miss.date]),
        "today": reverse("logbook:today", args=[c]),
        "miss": miss,
    }


def ella_owner(household: Household) -> User:
    return Membership.objects.get(household=household, role=Role.OWNER).user


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


def open_page(browser: Browser, live_server: Any, user: User | None, errors: list[str]) -> Page:
    context = browser.new_context(viewport={"width": WIDTH, "height": 844}, base_url=live_server.url)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    # A form sent back with its messages (422) is logged by the browser too, and is expected.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if message.type == "error" and "status of 422" not in message.text else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def audit(page: Page, pages: dict[str, str], errors: list[str]) -> list[str]:
    """Open each page and run AUDIT on it as loaded and with every disclosure open."""
    found: list[str] = []
    for name, url in pages.items():
        errors.clear()
        response = page.goto(url)
        assert response is not None and response.status == 200, (name, url, response and response.status)
        found += [f"{name} ({url}): {problem}" for problem in page.evaluate(AUDIT)]
        page.evaluate(OPEN_EVERY_DISCLOSURE)
        found += [f"{name} ({url}), disclosures open: {problem}" for problem in page.evaluate(AUDIT)]
        found += [f"{name} ({url}): browser error: {error}" for error in errors]
    return sorted(set(found), key=found.index)


def test_the_owners_pages_pass_the_accessibility_checks(browser: Browser, live_server: Any, demo: dict) -> None:
    errors: list[str] = []
    page = open_page(browser, live_server, demo["owner"], errors)
    problems = audit(page, {**demo["child_pages"], **demo["owner_only"]}, errors)
    assert problems == [], "\n".join(problems)


def test_the_advocates_read_only_pages_pass_the_accessibility_checks(
    browser: Browser, live_server: Any, demo: dict
) -> None:
    errors: list[str] = []
    page = open_page(browser, live_server, demo["viewer"], errors)
    problems = audit(page, demo["child_pages"], errors)
    assert problems == [], "\n".join(problems)


def test_the_signed_out_pages_pass_the_accessibility_checks(browser: Browser, live_server: Any, demo: dict) -> None:
    errors: list[str] = []
    page = open_page(browser, live_server, None, errors)
    problems = audit(page, demo["signed_out"], errors)
    assert problems == [], "\n".join(problems)


FOCUS_RING = r"""() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return {tag: el.tagName, text: (el.textContent || el.value || '').trim().slice(0, 30), ring: ring || style.boxShadow !== 'none'};
}"""


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(
    browser: Browser, live_server: Any, demo: dict
) -> None:
    errors: list[str] = []
    page = open_page(browser, live_server, demo["owner"], errors)
    page.goto(demo["today"])
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= WIDTH  # on screen
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside, "the next Tab after the skip link lands inside the content"
    assert errors == []


def test_every_tab_stop_shows_a_focus_ring(browser: Browser, live_server: Any, demo: dict) -> None:
    """Given the keyboard only, when Tab moves through the first 50 stops of the main pages, then each
    stop shows an outline of at least 2 px (or a ring drawn with box-shadow)."""
    errors: list[str] = []
    page = open_page(browser, live_server, demo["owner"], errors)
    pages = {name: demo["child_pages"][name] for name in ("home", "Today", "a day with a miss", "IEP", "insights")}
    missing = []
    for name, url in pages.items():
        page.goto(url)
        for _ in range(50):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS_RING)
            if not stop["ring"] and stop["tag"] != "BODY":  # BODY: past the last stop, in the browser's own bar
                missing.append((name, stop))
    assert missing == []
    assert errors == []


def press_until_focused(page: Page, key: str, target: Any, limit: int) -> None:
    """Press ``key`` until ``target`` has the focus (at most ``limit`` times)."""
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{key} never reaches {target}")


def test_a_miss_can_be_logged_with_the_keyboard_alone(browser: Browser, live_server: Any, demo: dict) -> None:
    """Given a day with entries, when the parent tabs to an item's status buttons and its miss details
    and uses Enter, Space and the arrow keys only, then the miss and its reason are saved."""
    errors: list[str] = []
    page = open_page(browser, live_server, demo["owner"], errors)
    miss: LogEntry = demo["miss"]
    page.goto(demo["miss_day"])
    card = page.locator(f"article#p{miss.provision_id}")
    # Tab until the card's "Missed or partly? Add details" disclosure has focus, then open it with Enter.
    press_until_focused(page, "Tab", card.locator("details.miss > summary"), 200)
    page.keyboard.press("Enter")
    assert card.locator("details.miss").evaluate("d => d.open")
    # The reasons are one tab stop (the chosen reason); ArrowDown picks the next one.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "miss_reason"
    before = page.evaluate("document.activeElement.value")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.value")
    assert chosen != before and page.evaluate("document.activeElement.checked") is True
    # Back up to the status buttons with Shift+Tab and press "Partly" with Space.
    partly = card.get_by_role("button", name="Partly", exact=True)
    press_until_focused(page, "Shift+Tab", partly, 40)
    page.keyboard.press("Space")
    # A settled past day asks why: the reason field appears with focus; type, Tab to "Partly", Space.
    page.wait_for_function("() => document.getElementById('save-status').textContent.startsWith('Not saved')")
    assert page.evaluate("document.activeElement.name") == "edit_reason"
    page.keyboard.type("Corrected after the teacher's email")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert partly.evaluate("el => el === document.activeElement")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.getElementById('save-status').textContent.startsWith('Saved')")
    entry = LogEntry.objects.get(pk=miss.pk)
    assert (entry.status, entry.miss_reason, entry.edit_reason) == (
        Status.PARTIAL,
        chosen,
        "Corrected after the teacher's email",
    )
    assert card.get_attribute("data-status") == "partial"
    assert errors == []
