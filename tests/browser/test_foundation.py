"""In a real browser at phone size (390x844): sign up, verify the email and add a child.

The screenshot tour of the whole app is the journey's (``tests/browser/test_journey.py``, which
``bench/screenshots.py`` runs); the steps both take are in ``tests/browser/steps.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.chromium import CHROMIUM
from tests.browser.steps import add_child, sign_up_and_verify

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium")]


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
