"""The five-minute setup, timed on a phone (390x844): a 12-item IEP from its PDF and a school year.

A parent who just added a child reads the IEP from its PDF (a generated 12-item IEP: 8
accommodations in a list, 4 services in a grid), fixes one label, drops nothing, saves, puts the IEP
in effect; then imports the district's .ics calendar, unticks one proposed day, saves, and adds the
federal holidays in one tap. Every click is counted as a tap, every filled field as typing.

``bench/setup_timer.py`` runs this test and prints the figures (written to ``$SETUP_TIMER_OUT``);
docs/import.md records them. The test asserts what was built and the tap count, never the time.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from plans.models import Iep, SchoolCalendar
from tests.browser.chromium import CHROMIUM
from tests.browser.steps import add_child, shot, sign_up_and_verify
from tests.iep_samples import twelve_item_sample
from tests.test_calendar_import import district_ics

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium")]

# A human's pace, to turn taps and typing into an estimate of a parent's time (stated in docs/import.md).
SECONDS_PER_TAP = 3.0  # find the button, tap, wait for the page
SECONDS_PER_CHARACTER = 0.4  # typing on a phone keyboard
SECONDS_PER_ITEM_READ = 6.0  # read one found item against the paper IEP
SECONDS_PER_DAY_READ = 2.0  # glance at one proposed day off
SECONDS_PER_FILE_PICK = 8.0  # find the file in the phone's file picker (counted as 2 taps too)


def maybe_shot(page: Page, name: str) -> None:
    """A screenshot only when asked for (``SCREENSHOT_DIR``): they take time the timer would count."""
    if os.environ.get("SCREENSHOT_DIR"):
        shot(page, name)


class Counter:
    def __init__(self) -> None:
        self.taps = 0
        self.characters = 0

    def tap(self, locator: Locator) -> None:
        self.taps += 1
        locator.click()

    def type(self, locator: Locator, text: str) -> None:
        self.taps += 1  # focus the field
        self.characters += len(text)
        locator.fill(text)

    def pick(self, locator: Locator, path: Path) -> None:
        self.taps += 2  # open the picker, choose the file
        locator.set_input_files(str(path))


def test_a_twelve_item_iep_and_a_school_year_in_a_few_minutes(
    page: Page,
    mailoutbox: list[Any],
    tmp_path: Path,
) -> None:
    pdf, ics = tmp_path / "iep.pdf", tmp_path / "district.ics"
    pdf.write_bytes(twelve_item_sample().pdf())
    ics.write_bytes(district_ics())
    sign_up_and_verify(page, mailoutbox)
    add_child(page)

    count = Counter()
    started = time.perf_counter()
    count.tap(page.get_by_role("link", name="Read the IEP from its PDF"))
    count.pick(page.get_by_label("The IEP as a PDF"), pdf)
    count.tap(page.get_by_role("button", name="Find the items"))
    expect(page.get_by_role("heading", name="Check what was found")).to_be_visible()
    items = page.locator("li.candidate")
    expect(items).to_have_count(12)
    maybe_shot(page, "setup-01-iep-review")
    count.type(items.nth(8).get_by_label("Short label"), "Reading")
    count.tap(page.get_by_role("button", name="Save the IEP and the kept items"))
    expect(page.get_by_text("12 items added.")).to_be_visible()
    count.tap(page.get_by_role("button", name="This IEP is in effect"))
    expect(page.get_by_text("This IEP is now in effect.")).to_be_visible()
    iep_seconds = time.perf_counter() - started
    iep_taps = count.taps

    count.tap(page.get_by_role("link", name="Calendar"))
    count.tap(page.get_by_role("link", name="Import the district calendar"))
    count.pick(page.get_by_label("The district calendar (.ics file)"), ics)
    count.tap(page.get_by_role("button", name="Read the calendar"))
    expect(page.get_by_role("heading", name="Check the school year")).to_be_visible()
    days = page.locator('input[name="day"]')
    proposed_days = days.count()
    maybe_shot(page, "setup-02-calendar-review")
    count.tap(page.get_by_text("Memorial Day"))  # the district keeps it as a make-up day: untick
    count.tap(page.get_by_role("button", name="Save the school year"))
    expect(page.get_by_text("School year saved with 5 days off.")).to_be_visible()
    count.tap(page.get_by_text("US federal holidays in this school year"))
    holidays_offered = page.locator('input[name="holiday"]').count()
    maybe_shot(page, "setup-03-holidays")
    count.tap(page.get_by_role("button", name="Add the ticked holidays"))
    expect(page.get_by_text(f"{holidays_offered} holidays added.")).to_be_visible()
    seconds = time.perf_counter() - started

    # The provision form's common case (wording, type, label, schedule, minutes and Save) fits one
    # 390x844 screen: the form from its top to the Save button is shorter than the screen.
    page.goto(page.url.split("/calendars/")[0] + f"/ieps/{Iep.objects.get().pk}/provisions/new/")
    form_top = page.locator("form.provision-form").bounding_box()
    save = page.get_by_role("button", name="Save", exact=True).bounding_box()
    assert form_top is not None and save is not None
    form_height = save["y"] + save["height"] - form_top["y"]
    assert form_height <= 844 - 100, form_height  # room left for the browser's own bars
    assert not page.get_by_label("Monday").is_visible()  # the weekdays are folded away
    page.get_by_label("Only on chosen weekdays").check()
    expect(page.get_by_label("Monday")).to_be_visible()  # and unfold when chosen weekdays is picked
    if os.environ.get("SCREENSHOT_DIR"):
        page.get_by_label("Every school day").check()
        page.screenshot(path=str(Path(os.environ["SCREENSHOT_DIR"]) / "setup-04-provision-form.png"))

    iep = Iep.objects.get(status=Iep.Status.ACTIVE)
    assert iep.provisions.count() == 12 and iep.source_file is not None
    assert iep.provisions.filter(label="Reading").count() == 1
    calendar = SchoolCalendar.objects.get()
    assert calendar.non_school_days.count() == 5 + holidays_offered
    assert count.taps <= 20

    estimate = (
        count.taps * SECONDS_PER_TAP
        + count.characters * SECONDS_PER_CHARACTER
        + 12 * SECONDS_PER_ITEM_READ
        + proposed_days * SECONDS_PER_DAY_READ
        + 2 * SECONDS_PER_FILE_PICK
    )
    figures = {
        "taps": count.taps,
        "taps_for_the_iep": iep_taps,
        "characters_typed": count.characters,
        "items": 12,
        "days_off_proposed": proposed_days,
        "holidays_added": holidays_offered,
        "machine_seconds": round(seconds, 1),
        "machine_seconds_for_the_iep": round(iep_seconds, 1),
        "estimated_parent_seconds": round(estimate),
        "provision_form_height_px": round(form_height),
    }
    print(json.dumps(figures))
    if os.environ.get("SETUP_TIMER_OUT"):
        Path(os.environ["SETUP_TIMER_OUT"]).write_text(json.dumps(figures, indent=2))
