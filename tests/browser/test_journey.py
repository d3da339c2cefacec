"""The whole journey of one family in a real browser, once on a phone (390x844) and once on a laptop
(1280x800), with the clock on Thursday, November 19, 2026.

Dana signs up and confirms her email, adds Ella, enters the IEP by hand (with one item sent back for a
missing period) and the school calendar with its days off, records an absence, logs today as a normal day, logs yesterday's misses with a photo, opens the insights, makes the meeting
summary and the evidence report and downloads both, logs a call with the case manager and gets the
follow-up email drafted, checks the record on the verification page and the report on the public one,
invites Sam (co-parent) who signs up and logs a day, and Pat (advocate) who can read but not edit.

On every page it reaches it runs axe-core (0 violations of any impact), checks that every
``aria-describedby`` names an element on the page and that the page does not scroll sideways, and
saves a screenshot under ``test-results/journey-<viewport>/`` (or ``$SCREENSHOT_DIR/journey-<viewport>/``:
this is the screenshot tour, ``bench/screenshots.py`` runs the phone half). After the journey the laptop run opens
every page again at 640x400 (1280x800 at 200% zoom) and at 320x640 (WCAG 1.4.10 reflow): no page
scrolls sideways.

Someone from the school, signed out, checks the evidence report's PDF on the public verification page.
The IEP and the calendar are entered by hand (importing them from a file has its own browser test).
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connections

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, ViewportSize, expect, sync_playwright
from pypdf import PdfReader

from logbook.models import LogEntry, MissReason, Source, Status
from plans.models import Child
from tests.browser.axe import axe_version, run_axe
from tests.browser.chromium import CHROMIUM, launch
from tests.browser.steps import add_provision, fill_child, sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
    pytest.mark.django_db(transaction=True),
]

NOW = datetime(2026, 11, 19, 15, 30, tzinfo=ZoneInfo("America/Los_Angeles"))  # a Thursday, a school day
RESULTS = Path(os.environ.get("SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "test-results")
VIEWPORTS: dict[str, ViewportSize] = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}

PAGE_CHECKS = r"""() => {
  const problems = [];
  for (const el of document.querySelectorAll('[aria-describedby]')) {
    for (const id of el.getAttribute('aria-describedby').split(/\s+/).filter(Boolean)) {
      if (!document.getElementById(id)) problems.push(`aria-describedby names a missing id "${id}" on <${el.tagName.toLowerCase()} name=${el.getAttribute('name')}>`);
    }
  }
  if (document.documentElement.scrollWidth > window.innerWidth) {
    problems.push(`the page is ${document.documentElement.scrollWidth}px wide on a ${window.innerWidth}px screen`);
  }
  return problems;
}"""


def tiny_png() -> bytes:
    """A 2x2 PNG made here: the 'photo of a work sample'."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xcc\x33\x33" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Journey:
    """One person's browser tab, with the checks run on every page it reaches."""

    def __init__(self, context: BrowserContext, viewport: str, who: str, errors: list[str]) -> None:
        self.page: Page = context.new_page()
        self.page.set_default_timeout(20_000)
        self.viewport, self.who = viewport, who
        self.errors = errors
        self.visited: list[str] = []
        self.shots = RESULTS / f"journey-{viewport}"
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.on(
            "console",
            lambda m: (
                errors.append(f"{who}: {m.text}") if m.type == "error" and "status of 422" not in m.text else None
            ),
        )
        self.page.on("pageerror", lambda error: errors.append(f"{who}: {error}"))

    def look(self, step: str) -> None:
        """Check the page as it is now and keep a screenshot of it."""
        page = self.page
        page.wait_for_load_state()
        where = f"{self.viewport}, {self.who}, {step} ({page.url})"
        problems = run_axe(page) + page.evaluate(PAGE_CHECKS)
        assert problems == [], where + ":\n" + "\n".join(problems)
        page.screenshot(path=str(self.shots / f"{step}.png"), full_page=True)
        path = re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]
        if path not in self.visited:
            self.visited.append(path)

    def looks(self, step: str) -> Callable[[str], None]:
        """``look`` for a shared step (tests/browser/steps.py): its pages become ``<step>-<page>``."""
        return lambda page: self.look(f"{step}-{page}")


@pytest.fixture
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture
def clock(transactional_db: Any, settings: Any, tmp_path: Path) -> Iterator[None]:
    cache.clear()  # allauth's rate limits live there
    settings.REPORT_ROOT = tmp_path / "reports"
    with time_machine.travel(NOW, tick=True):
        yield
    connections.close_all()  # the live server's thread has its own connection; PostgreSQL must drop the test DB


def new_person(browser: Browser, live_server: Any, viewport: str, who: str, errors: list[str]) -> Journey:
    context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=live_server.url, accept_downloads=True)
    return Journey(context, viewport, who, errors)


def child_nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Ella Okafor's records").get_by_role("link", name=name, exact=True).click()


def pdf_text(path: Path) -> str:
    return " ".join((p.extract_text() or "") for p in PdfReader(path).pages)


def open_invitation(j: Journey, mailbox: list[Any], email: str) -> None:
    message = [m for m in mailbox if email in m.to][-1]
    match = re.search(r"https?://\S+/invitations?/\S+", str(message.body))
    assert match, message.body
    j.page.goto(match.group(0))


@pytest.mark.parametrize("viewport", ["phone", "laptop"])
def test_a_family_goes_the_whole_way(
    browser: Browser, live_server: Any, clock: None, mailoutbox: list[Any], viewport: str
) -> None:
    errors: list[str] = []
    dana = new_person(browser, live_server, viewport, "Dana", errors)
    page = dana.page

    # A first visit: what this is, for whom, how to start.
    page.goto("/")
    expect(page.get_by_role("heading", name="Is the school giving your child what the IEP says?")).to_be_visible()
    assert "Welcome back" not in page.content()
    dana.look("01-landing")
    page.get_by_role("link", name="Create a free account").click()
    dana.look("02-sign-up")
    sign_up(page, mailoutbox, "Dana Okafor", "dana@example.com", dana.looks("03"))
    expect(page.get_by_role("heading", name="Your children")).to_be_visible()
    dana.look("04-home-empty")

    # The child, with a form sent back once: the error is announced and tied to its field.
    page.get_by_role("link", name="Add a child").click()
    page.get_by_role("button", name="Add child").click()
    expect(page.get_by_role("alert")).to_contain_text("Please check")
    name_field = page.get_by_label("Child's name")
    assert name_field.get_attribute("aria-invalid") == "true"
    described = name_field.get_attribute("aria-describedby") or ""
    assert any(
        page.locator(f"[id='{i}']").inner_text().strip().startswith("⚠")
        or "required" in page.locator(f"[id='{i}']").inner_text()
        for i in described.split()
    ), described
    dana.look("05-child-form-errors")
    fill_child(page)
    expect(page.get_by_text("Grade 3 · Lincoln Elementary School, California")).to_be_visible()
    dana.look("06-child")

    # The IEP, entered by hand (importing a PDF is issue 14).
    page.get_by_role("link", name="Add the IEP").click()
    page.get_by_label("In effect from").fill("2026-09-08")
    page.get_by_label("In effect until").fill("2027-09-07")
    page.get_by_label("Annual review due").fill("2027-08-26")
    page.get_by_label("Case manager's name").fill("Laura Chen")
    dana.look("07-iep-form")
    page.get_by_role("button", name="Save and add items").click()
    expect(page.get_by_text("Draft.", exact=True)).to_be_visible()
    add_provision(
        page, "accommodation", "Extended time", "Extended time (1.5x) on tests and quizzes.", dana.looks("08-item")
    )
    # Minutes without "per week" or "per month" are sent back with the reason.
    page.get_by_role("link", name="Add an item").click()
    page.get_by_label("Type").select_option("service")
    page.get_by_label("Minutes (optional)", exact=True).fill("120")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Choose per week or per month for these minutes.")).to_be_visible()
    dana.look("08b-item-form-errors")
    page.get_by_role("link", name="Cancel").click()
    add_provision(
        page,
        "service",
        "Speech therapy",
        "Speech-language therapy, 30 minutes per session, Wednesday and Thursday, in the speech room.",
        dana.looks("09-service"),
        days="Wednesday Thursday",
        minutes="60",
        period="week",
    )
    page.get_by_role("button", name="This IEP is in effect").click()
    expect(page.get_by_text("This IEP is now in effect.")).to_be_visible()
    dana.look("10-iep")

    # The school calendar.
    child_nav(page, "Calendar")
    page.get_by_role("link", name="Add a school year").click()
    page.get_by_label("Name").fill("2026-27 school year")
    page.get_by_label("First day of school").fill("2026-08-19")
    page.get_by_label("Last day of school").fill("2027-06-04")
    for day in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]:
        page.get_by_label(day).check()
    page.get_by_role("button", name="Save").click()
    for name, start, end in [
        ("Labor Day", "2026-09-07", ""),  # one day: no "Until"
        ("Thanksgiving break", "2026-11-23", "2026-11-27"),
        ("Winter break", "2026-12-21", "2027-01-01"),
    ]:
        page.get_by_label("What is it?").fill(name)
        page.get_by_label("From").fill(start)
        page.get_by_label("Until").fill(end)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text(f"“{name}” added.")).to_be_visible()
    dana.look("11-calendar")
    child = Child.objects.get(name="Ella Okafor")

    # A day Ella was off sick (a Tuesday: Speech therapy was not due, Extended time was).
    child_nav(page, "Absences")
    page.get_by_label("Day absent").fill("2026-11-10")
    page.get_by_label("Reason").fill("Sick")
    page.get_by_role("button", name="Add absence").click()
    expect(page.get_by_text("Tuesday, November 10, 2026")).to_be_visible()
    dana.look("11b-absences")
    child_nav(page, "Overview")
    expect(page.get_by_text("2 items: 1 accommodation, 1 service.")).to_be_visible()
    dana.look("11c-child-overview")

    # Today, a normal day: one tap.
    child_nav(page, "Today")
    expect(page.get_by_text("Today, Thursday, November 19")).to_be_visible()
    dana.look("12-today")
    page.get_by_role("button", name="Everything delivered").click()
    expect(page.locator("#save-status")).to_contain_text("Saved: 2 items delivered.")
    today = {e.provision.label: e.status for e in LogEntry.objects.filter(child=child, date=NOW.date())}
    assert today == {"Extended time": Status.DELIVERED, "Speech therapy": Status.DELIVERED}
    chip = page.locator(".chip[aria-current=date]")
    assert chip.locator(".chip-mark").inner_text().strip() == "✓"  # a symbol, not only a colour
    dana.look("13-today-logged")

    # Yesterday: both items missed, with a photo of the work sample (a plain form post with the file).
    page.goto(f"/children/{child.pk}/day/2026-11-18/")
    for label, reason, source in [
        ("Extended time", "Substitute did not know or did not follow the IEP", "A work sample"),
        ("Speech therapy", "Provider or staff absent", "A teacher or staff member told me"),
    ]:
        card = page.locator("article.entry").filter(has_text=label)
        card.locator("details.miss > summary").click()
        card.get_by_label(reason).check()
        card.get_by_label(source).check()
        card.get_by_label("Who said so or was involved? (name or role)").fill("Ms. Lee")
        if label == "Extended time":
            card.get_by_label("Photos or files (optional)").set_input_files(
                files=[FilePayload(name="spelling-test.png", mimeType="image/png", buffer=tiny_png())]
            )
            dana.look("14-miss-details")
        card.get_by_role("button", name="Save as missed").click()
        expect(page.get_by_text(re.compile(f"^Saved: {label}, missed"))).to_be_visible()
    misses = {e.provision.label: e for e in LogEntry.objects.filter(child=child, date="2026-11-18")}
    assert {k: (e.status, e.miss_reason) for k, e in misses.items()} == {
        "Extended time": (Status.MISSED, MissReason.SUBSTITUTE),
        "Speech therapy": (Status.MISSED, MissReason.PROVIDER_ABSENT),
    }
    assert misses["Extended time"].source == Source.WORK_SAMPLE
    page.reload()
    expect(
        page.locator("article.entry").filter(has_text="Extended time").get_by_text("spelling-test.png")
    ).to_be_visible()
    assert page.locator(".chip[aria-current=date] .chip-mark").inner_text().strip() == "✗"
    dana.look("15-day-with-misses")

    # A call with the case manager, and the email that confirms it in writing.
    child_nav(page, "Communications")
    dana.look("16a-communications")
    page.get_by_role("link", name="Log a call").click()
    page.get_by_label("Who did you talk to?").fill("Laura Chen")
    page.get_by_label("Their role").fill("case manager")
    page.get_by_label("What was said or agreed?").fill("Speech missed on Wednesday will be made up next Tuesday.")
    page.get_by_label("Their email").fill("lchen@school.example")
    dana.look("16b-log-a-call")
    page.get_by_role("button", name="Save the call").click()
    expect(page.get_by_role("heading", name="Confirm the call in writing")).to_be_visible()
    draft = page.get_by_label("Email text").input_value()
    assert "Speech missed on Wednesday will be made up next Tuesday." in draft and "Laura Chen" in draft, draft
    mailto = page.get_by_role("link", name="Open in my mail program").get_attribute("href") or ""
    assert mailto.startswith("mailto:lchen@school.example?subject="), mailto
    dana.look("16c-call-and-draft-email")
    child_nav(page, "Next steps")
    expect(page.get_by_role("heading", name="The five steps", level=1)).to_be_visible()
    dana.look("16d-five-steps")

    # What the log shows.
    child_nav(page, "Insights")
    expect(page.get_by_role("heading", level=1)).to_contain_text("What the log shows")
    dana.look("16-insights")
    board = page.locator("main").inner_text()
    assert "Speech therapy" in board and "Extended time" in board
    assert "50%" in board, board[:2000]  # 2 of 4 expected items delivered

    # The meeting summary and the evidence report, each downloaded.
    child_nav(page, "Reports")
    dana.look("17-reports")
    downloads = {}
    for kind, ask in [("Meeting summary", "A make-up plan for the missed speech sessions."), ("Evidence report", "")]:
        page.get_by_label(kind).check()
        page.get_by_label("First day", exact=True).fill("2026-11-01")
        page.get_by_label("Last day", exact=True).fill("2026-11-19")
        if ask:
            page.get_by_label("What we are asking for").fill(ask)
        page.get_by_role("button", name="Make the report").click()
        expect(page.get_by_text(f"Your {kind.lower()} is ready")).to_be_visible(timeout=120_000)
        with page.expect_download() as info:
            page.get_by_role("link", name="Download the PDF").first.click()
        download = info.value
        downloads[kind] = download.path()
        assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
    dana.look("18-reports-made")
    summary = pdf_text(downloads["Meeting summary"])
    assert "Ella Okafor" in summary and "A make-up plan for the missed speech sessions." in summary
    evidence = pdf_text(downloads["Evidence report"])
    assert "Ella Okafor" in evidence and "Ms. Lee" in evidence

    # The record checks out, and someone at the school, without an account, checks the report file.
    child_nav(page, "Verify")
    dana.look("19-verify")
    expect(page.locator("main")).to_contain_text("All records check out")
    school = new_person(browser, live_server, viewport, "School", errors)
    school.page.goto("/verify-report/")
    school.look("19a-public-check")
    school.page.get_by_label("The report PDF").set_input_files(downloads["Evidence report"])
    school.page.get_by_role("button", name="Check", exact=True).click()
    expect(school.page.get_by_role("heading", name="Yes: this server made this exact file.")).to_be_visible()
    answer = school.page.locator(".verify-answer").inner_text()
    assert "Evidence report" in answer and ("2026-11-01" in answer or "Nov 1, 2026" in answer), answer
    assert "Ella" not in school.page.content()  # the public page never names the child
    school.look("19b-public-check-answer")

    # Sam, the co-parent, and Pat, the advocate, are invited.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Household").click()
    for email, role in [("sam@example.com", "Can log and edit"), ("pat@example.com", "Can only read")]:
        page.get_by_label("Their email address").fill(email)
        page.get_by_label(role).check()
        page.get_by_role("button", name="Send invitation").click()
        expect(page.get_by_text(f"We emailed an invitation to {email}.")).to_be_visible()
    dana.look("20-household")

    sam = new_person(browser, live_server, viewport, "Sam", errors)
    open_invitation(sam, mailoutbox, "sam@example.com")
    expect(sam.page.get_by_text("to log and edit records")).to_be_visible()
    sam.look("21-invitation")
    sam.page.get_by_role("link", name="Create an account").click()
    sign_up(sam.page, mailoutbox, "Sam Okafor", "sam@example.com", sam.looks("22"))
    sam.page.get_by_role("button", name="Accept and join").click()
    sam.page.goto(f"/children/{child.pk}/day/2026-11-17/")
    sam.look("23-coparent-day")
    sam.page.get_by_role("button", name="Everything delivered").click()
    expect(sam.page.locator("#save-status")).to_contain_text("Saved: 1 item delivered.")
    logged = LogEntry.objects.get(child=child, date="2026-11-17")
    assert (logged.provision.label, logged.status, logged.created_by and logged.created_by.email) == (
        "Extended time",
        Status.DELIVERED,
        "sam@example.com",
    )

    pat = new_person(browser, live_server, viewport, "Pat", errors)
    open_invitation(pat, mailoutbox, "pat@example.com")
    expect(pat.page.get_by_text("to read the records")).to_be_visible()
    pat.page.get_by_role("link", name="Create an account").click()
    sign_up(pat.page, mailoutbox, "Pat Rivera", "pat@example.com", pat.looks("24"))
    pat.page.get_by_role("button", name="Accept and join").click()
    pat.page.goto(f"/children/{child.pk}/day/2026-11-18/")
    pat.look("25-advocate-reads-a-day")
    expect(pat.page.locator("main")).to_contain_text("Extended time")
    assert pat.page.get_by_role("button", name="Everything delivered").count() == 0
    assert pat.page.get_by_role("button", name="Missed", exact=True).count() == 0
    pat.page.goto(f"/children/{child.pk}/insights/")
    expect(pat.page.get_by_role("heading", level=1)).to_contain_text("What the log shows")
    # A hand-made post is refused and changes nothing.
    before = LogEntry.objects.filter(child=child).count()
    status = pat.page.evaluate(
        """async (url) => (await fetch(url, {method: 'POST', headers: {'X-CSRFToken':
             document.cookie.replace(/.*csrftoken=([^;]+).*/, '$1')}, body: new FormData()})).status""",
        f"/children/{child.pk}/day/2026-11-16/all-delivered/",
    )
    assert status in (403, 404), status
    refusal = f"Pat: Failed to load resource: the server responded with a status of {status}"
    errors[:] = [e for e in errors if not e.startswith(refusal)]  # the refusal we asked for
    assert LogEntry.objects.filter(child=child).count() == before

    if viewport == "laptop":
        # Zoom: 1280x800 at 200% is 640x400; at 400% it is 320 wide (WCAG 1.4.10). No page scrolls sideways.
        for width, height in [(640, 400), (320, 640)]:
            page.set_viewport_size({"width": width, "height": height})
            wide = []
            for path in dana.visited:
                page.goto(path)
                scroll = page.evaluate("() => document.documentElement.scrollWidth")
                if scroll > width:
                    wide.append((path, scroll))
            assert wide == [], (width, wide)
            page.goto(f"/children/{child.pk}/today/")
            page.screenshot(path=str(dana.shots / f"26-today-at-{width}px.png"), full_page=True)
    assert errors == []
    assert axe_version(page).startswith("4.")
