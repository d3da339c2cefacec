"""The ``page`` fixture of the browser tests that start from a fresh browser at phone size."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from playwright.sync_api import Page, sync_playwright

from tests.browser.chromium import launch


@pytest.fixture
def page(live_server: Any) -> Iterator[Page]:
    """A new Chromium tab at 390x844 on the live server; the test fails if the browser logged an error."""
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
