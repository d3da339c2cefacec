"""The insights page in Chromium at phone size: no CSP violation, charts fit, tables open by keyboard."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from accounts.models import Household, Membership, Role, User
from logbook.models import LogEntry
from plans.models import Child, Iep, Provision, SchoolCalendar
from tests.browser.chromium import CHROMIUM, launch

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]


@pytest.fixture
def page(live_server: object, transactional_db: None) -> Iterator[tuple[object, str]]:
    from playwright.sync_api import sync_playwright

    user = User.objects.create_user(email="alice@example.com", password="correct horse battery")
    household = Household.objects.create(name="Rivera household")
    Membership.objects.create(user=user, household=household, role=Role.OWNER)
    child = Child.objects.create(household=household, name="Maya Rivera")
    SchoolCalendar.objects.create(child=child, name="2026-27", first_day=date(2026, 8, 24), last_day=date(2027, 6, 11))
    iep = Iep.objects.create(child=child, effective_from=date(2026, 9, 1))
    speech = Provision.objects.create(
        iep=iep, kind="service", label="Speech therapy", wording="60 minutes a week", minutes=60, period="week"
    )
    LogEntry.objects.create(
        child=child, date=date(2026, 9, 15), provision=speech, status="delivered", minutes_delivered=30
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    url = f"{live_server}{reverse('insights:dashboard', kwargs={'child_id': child.pk})}"  # type: ignore[attr-defined]
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": str(session.session_key), "url": str(live_server)}]
        )
        yield context.new_page(), url + "?range=custom&from=2026-09-01&to=2026-10-31"
        browser.close()


def test_the_page_loads_without_csp_violations_and_its_charts_fit_a_phone(page: tuple) -> None:
    """Given a phone-sized browser, when the insights page opens, then nothing is blocked by the
    Content Security Policy and the page does not scroll sideways. Each chart is drawn at least 432 px
    wide, so no chart text is under 12 px (issue 16: it was 7-9 px when the charts were squeezed to the
    screen); a chart wider than the screen scrolls in its own strip, which the keyboard can reach."""
    tab, url = page
    messages: list[str] = []
    tab.on("console", lambda message: messages.append(message.text))
    tab.goto(url)
    assert not [m for m in messages if "Content Security Policy" in m or "Refused" in m]
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    widths = tab.eval_on_selector_all("svg.chart", "nodes => nodes.map(n => n.getBoundingClientRect().width)")
    assert len(widths) == 3
    assert all(432 <= width <= 600 for width in widths), widths
    smallest = tab.eval_on_selector_all(
        "svg.chart text",
        "nodes => Math.min(...nodes.map(n => n.getBoundingClientRect().height ? "
        "Number(n.getAttribute('font-size')) * n.ownerSVGElement.getBoundingClientRect().width / 360 : 99))",
    )
    assert smallest >= 12, smallest
    strips = tab.eval_on_selector_all(
        ".chart-scroll", "nodes => nodes.map(n => [n.tabIndex, n.getAttribute('role'), n.clientWidth <= 390])"
    )
    assert strips == [[0, "region", True]] * 3


def test_a_charts_table_opens_from_the_keyboard(page: tuple) -> None:
    """Given the month chart, when its "Show as a table" is reached with Tab and opened with Enter,
    then its table is visible."""
    tab, url = page
    tab.goto(url)
    figure = tab.locator("figure", has_text="Delivery month by month")
    table = figure.locator("table")
    assert not table.is_visible()
    figure.locator("summary").focus()
    tab.keyboard.press("Enter")
    assert table.is_visible()
    assert table.locator("caption").inner_text() == "Delivery by month (days of every selected provision)"
