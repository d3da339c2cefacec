"""The reports page in a phone-sized browser: make a meeting summary, see it listed, download it."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from logbook.models import MissReason, Status
from reports.models import GeneratedReport
from tests.base import BaseTestCase
from tests.browser.chromium import launch
from tests.reports_support import log

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SHOTS = Path("/work/shots/reports")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_parent_makes_a_meeting_summary_on_a_phone(live_server, tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    settings.REPORT_ROOT = tmp_path / "reports"  # pytest-django's settings fixture puts it back afterwards
    BaseTestCase.setUpTestData.__func__(BaseTestCase)  # type: ignore[attr-defined]
    child, alice = BaseTestCase.child, BaseTestCase.alice
    log(
        child, BaseTestCase.speech, date(2026, 9, 3), Status.MISSED, alice, minutes=0, reason=MissReason.PROVIDER_ABSENT
    )
    client = Client()
    client.force_login(alice)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/children/{child.pk}/reports/")
        assert page.get_by_role("heading", name="Reports for Maya Rivera").is_visible()
        page.get_by_label("Meeting summary").check()
        page.get_by_label("First day", exact=True).fill("2026-09-01")
        page.get_by_label("Last day", exact=True).fill("2026-09-30")
        page.get_by_label("What we are asking for").fill("A make-up plan for the missed speech sessions.")
        if SHOTS.parent.exists():
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "page-form.png"), full_page=True)
        page.get_by_role("button", name="Make the report").click()
        page.wait_for_url("**/reports/#report-*")
        assert page.get_by_text("Your meeting summary is ready").is_visible()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Download the PDF").first.click()
        download = download_info.value
        assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
        downloaded_as = download.suggested_filename
        if SHOTS.parent.exists():
            page.screenshot(path=str(SHOTS / "page-list.png"), full_page=True)
        browser.close()
    # The database is read outside Playwright's block: a query inside it runs in Playwright's own
    # context, whose connection nothing closes (PostgreSQL then refused to drop the test database).
    assert downloaded_as == GeneratedReport.objects.get().file_name
