"""Issue 16, server side: the landing page, and every ``aria-describedby`` pointing at a hint or an
error that is really on the page (the Reports form, valid and sent back with errors), chart text size."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.test import TestCase
from django.urls import reverse

from tests.base import BaseTestCase


class Ids(HTMLParser):
    """Every element's id, and every (element id or name, aria-describedby) pair."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if values.get("aria-describedby"):
            self.described.append((f"{tag}#{values.get('id') or values.get('name')}", values["aria-describedby"] or ""))


def dangling_descriptions(html: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The described elements and the ids they name that are not on the page."""
    parser = Ids()
    parser.feed(html)
    missing = [
        f"{who} -> {token}" for who, refs in parser.described for token in refs.split() if token not in parser.ids
    ]
    return parser.described, missing


class LandingPageTests(TestCase):
    def test_a_signed_out_visitor_learns_what_it_is_for_whom_and_how_to_start(self) -> None:
        response = self.client.get(reverse("accounts:home"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Welcome back" not in html
        assert "Is the school giving your child what the IEP says?" in html
        assert "Who it is for" in html and "Parents and carers of a child with an IEP" in html
        assert "How to start" in html and html.count("<li>") == 5
        assert f'href="{reverse("account_signup")}">Create a free account</a>' in html
        assert f'href="{reverse("account_login")}">Sign in</a>' in html
        assert "not legal advice" in html


class SignedInHomeTests(BaseTestCase):
    def test_a_signed_in_parent_still_gets_the_children_not_the_landing_page(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(reverse("accounts:home")).content.decode()
        assert self.child.name in html and "Create a free account" not in html


class ReportsFormDescriptionTests(BaseTestCase):
    def test_every_hint_of_the_reports_form_is_linked_to_its_field(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(reverse("reports:report_list", args=[self.child.pk])).content.decode()
        described, missing = dangling_descriptions(html)
        assert missing == []
        pairs = dict(described)
        assert pairs["input#id_kind_0"] == "id_kind_0-hint" and pairs["input#id_kind_1"] == "id_kind_1-hint"
        assert pairs["input#id_bates_prefix"] == "id_bates_prefix_helptext"
        assert pairs["textarea#id_ask"] == "id_ask_helptext"
        assert pairs["fieldset#None"] == "id_provisions_helptext"
        assert 'id="id_kind_0-hint"' in html and "One or two pages" in html

    def test_errors_sent_back_are_named_by_their_fields_and_marked_invalid(self) -> None:
        self.client.force_login(self.alice)
        url = reverse("reports:report_list", args=[self.child.pk])
        response = self.client.post(url, {"kind": "summary", "start": "", "end": "2026-09-01", "bates_prefix": "a b?"})
        assert response.status_code == 422
        html = response.content.decode()
        described, missing = dangling_descriptions(html)
        assert missing == []
        pairs = dict(described)
        assert pairs["input#id_start"] == "id_start_error"
        assert pairs["input#id_bates_prefix"] == "id_bates_prefix_helptext id_bates_prefix_error"
        assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_start"', html)
        assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_bates_prefix"', html)


class ChartTextTests(BaseTestCase):
    def test_no_chart_text_is_smaller_than_10_of_the_360_units(self) -> None:
        """At 432 px or more (the CSS minimum width) 10 units are 12 px."""
        from insights.charts import WIDTH

        self.client.force_login(self.alice)
        html = self.client.get(reverse("insights:dashboard", args=[self.child.pk])).content.decode()
        sizes = [int(size) for size in re.findall(r'<text [^>]*font-size="(\d+)"', html)]
        assert WIDTH == 360
        assert sizes and min(sizes) >= 10
        assert html.count('class="chart-scroll"') == html.count("<svg")
