"""The steps several browser tests take the same way: a parent signs up and confirms her email, adds
a child, adds an item of the IEP; and a screenshot where ``$SCREENSHOT_DIR`` says.

Each step asserts what the person sees when it is done, so a test that calls it checks that too.
``look(step)``, where a step takes it, is called on each page on the way (the journey test checks and
photographs every page it reaches).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

PASSWORD = "a calm long password 2026"
SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "data" / "screenshots")


def no_look(step: str) -> None:
    """For a test that checks nothing more on the pages a step passes through."""


def sign_up(page: Page, mailbox: list[Any], name: str, email: str, look: Callable[[str], None] = no_look) -> None:
    """Fill in the sign-up form on ``page`` and confirm the email from the link in ``mailbox``."""
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    look("check-your-email")
    match = re.search(r"https?://\S+/account/confirm-email/\S+", str(mailbox[-1].body))
    assert match, mailbox[-1].body
    page.goto(match.group(0))
    expect(page.get_by_text(email)).to_be_visible()
    look("confirm-email")
    page.get_by_role("button", name="Yes, confirm").click()


def sign_up_and_verify(
    page: Page, mailbox: list[Any], name: str = "Dana Okafor", email: str = "dana@example.com"
) -> None:
    """A new parent, from the sign-up page to her own (empty) list of children."""
    page.goto("/account/signup/")
    sign_up(page, mailbox, name, email)
    expect(page.get_by_role("heading", name="Your children")).to_be_visible()


def fill_child(page: Page) -> None:
    """On the new child form: Ella Okafor, grade 3 at Lincoln Elementary School, California."""
    page.get_by_label("Child's name").fill("Ella Okafor")
    page.get_by_label("Grade").fill("3")
    page.get_by_label("School (optional)", exact=True).fill("Lincoln Elementary School")
    page.get_by_label("State").select_option("CA")
    page.get_by_role("button", name="Add child").click()
    expect(page.get_by_role("heading", name="Ella Okafor", level=1)).to_be_visible()


def add_child(page: Page) -> None:
    """From the list of children: add Ella (``fill_child``)."""
    page.get_by_role("link", name="Add a child").click()
    fill_child(page)


def add_provision(
    page: Page, kind: str, label: str, wording: str, look: Callable[[str], None] = no_look, **service: str
) -> None:
    """From a draft IEP's page: add one item. A service takes ``days`` (weekday names, space
    separated), ``minutes`` and ``period``; ``look("form")`` sees the filled form before it is saved."""
    page.get_by_role("link", name="Add an item").click()
    page.get_by_label("Type").select_option(kind)
    page.get_by_label("Short label").fill(label)
    page.get_by_label("Exact IEP wording").fill(wording)
    if service:
        page.get_by_label("Only on chosen weekdays").check()
        for day in service["days"].split():
            page.get_by_label(day, exact=True).check()
        page.get_by_label("Minutes (optional)", exact=True).fill(service["minutes"])
        page.get_by_label("Per (optional)", exact=True).select_option(service["period"])
    look("form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"“{label}” added.")).to_be_visible()


def shot(page: Page, name: str) -> None:
    """A full-page screenshot ``<name>.png`` in ``$SCREENSHOT_DIR`` (default ``data/screenshots/``)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
