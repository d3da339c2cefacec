"""The SVG charts: well-formed, escaped, accessible, CSP-safe, and with tables that hold the numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from insights.charts import heatmap_chart, minutes_chart, monthly_delivery_chart
from insights.compliance import compute_compliance
from insights.results import DayCounts, DaySummary
from tests.base import BaseTestCase
from tests.insights_support import D, log

SVG = "{http://www.w3.org/2000/svg}"


class ChartTests(BaseTestCase):
    def setUp(self) -> None:
        self.speech.label = 'Speech <script>alert("x")</script> & more'
        self.speech.save()
        log(self.extended_time, "2026-09-14")
        log(self.extended_time, "2026-09-15", "missed")
        log(self.extended_time, "2026-10-05", "partial")
        log(self.speech, "2026-09-15", "delivered", 30)
        self.compliance = compute_compliance(self.child, D("2026-09-01"), D("2026-10-31"))

    def charts(self) -> list:
        speech = next(p for p in self.compliance.provisions if p.service is not None)
        return [monthly_delivery_chart(self.compliance), heatmap_chart(self.compliance), minutes_chart(speech)]

    def test_every_chart_is_well_formed_svg_with_role_label_and_title(self) -> None:
        """Given the charts, when parsed as XML, then each root is an svg with role img, an
        aria-label and a title as first child."""
        for chart in self.charts():
            root = ET.fromstring(str(chart.svg))
            assert root.tag == f"{SVG}svg"
            assert root.get("role") == "img"
            assert root.get("aria-label") == chart.summary
            assert root[0].tag == f"{SVG}title" and root[0].text == chart.title

    def test_text_from_the_user_is_escaped(self) -> None:
        """Given a label with markup, when drawn, then it appears escaped, never as markup."""
        chart = self.charts()[2]
        assert "<script>" not in chart.svg
        assert "Speech &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in chart.svg

    def test_no_chart_uses_style_attributes(self) -> None:
        """Given the strict CSP, when drawing, then colours come from presentation attributes only."""
        for chart in self.charts():
            assert "style" not in chart.svg
            assert 'fill="#1f5fa8"' in chart.svg

    def test_the_month_table_holds_the_counts_of_each_month(self) -> None:
        """Given September (1 delivered, 1 missed) and October (1 partial), when tabled,
        then each row says so with the rate."""
        table = monthly_delivery_chart(self.compliance).table
        assert table.headers[0] == "Month"
        september, october = table.rows
        assert september[:5] == ("September 2026", "2", "0", "1", "66.7%")
        assert october[:5] == ("October 2026", "0", "1", "0", "0.0%")

    def test_the_table_html_has_headers_and_escapes_every_cell(self) -> None:
        """Given the minutes table of a label with markup, when rendered, then cells are escaped
        and each row starts with a row header."""
        html = self.charts()[2].table.html()
        assert html.startswith("<table><caption>Speech &lt;script&gt;")
        assert '<th scope="col">Documented shortfall</th>' in html
        assert '<tr><th scope="row">Week of 14 Sep 2026</th><td>60</td><td>30</td><td>30</td><td></td></tr>' in html

    def test_the_minutes_table_marks_weeks_not_logged(self) -> None:
        """Given speech logged only in the week of 14 Sep, when tabled, then the other weeks are gaps."""
        rows = {row[0]: row for row in self.charts()[2].table.rows}
        assert rows["Week of 14 Sep 2026"][1:4] == ("60", "30", "30")
        assert rows["Week of 21 Sep 2026"][2:] == ("—", "—", "Not logged (a gap in the record)")
        assert rows["Week of 31 Aug 2026"][1:] == ("48", "—", "—", "Not logged (a gap in the record)")

    def test_the_heat_map_has_one_square_per_day_with_its_story(self) -> None:
        """Given September and October, when drawn, then 61 squares, each with a title in words."""
        chart = heatmap_chart(self.compliance)
        root = ET.fromstring(str(chart.svg))
        squares = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
        assert len(squares) == 61
        titles = {r.find(f"{SVG}title").text for r in squares}  # type: ignore[union-attr]
        assert "Tue 15 Sep 2026: 1 delivered, 0 partly, 1 missed, 0 not logged" in titles
        assert "Sat 19 Sep 2026: no school" in titles

    def test_a_provision_without_minutes_has_no_minutes_chart(self) -> None:
        extended_time = next(p for p in self.compliance.provisions if p.service is None)
        with self.assertRaises(ValueError):
            minutes_chart(extended_time)


class DayCategoryTests(BaseTestCase):
    def day(self, **counts: int) -> DaySummary:
        return DaySummary(date=date(2026, 9, 15), school_day=True, absent=False, counts=DayCounts(**counts))

    def test_days_are_grouped_by_the_share_delivered(self) -> None:
        """Given a day's counts, when categorised, then 100%, >= 80%, > 0%, 0% and nothing logged differ."""
        assert self.day(expected=5, delivered=5).category == "all_delivered"
        assert self.day(expected=5, delivered=4, missed=1).category == "most_delivered"
        assert self.day(expected=5, delivered=3, partial=1, missed=1).category == "some_delivered"
        assert self.day(expected=5, missed=2, not_logged=3).category == "none_delivered"
        assert self.day(expected=5, not_applicable=1, not_logged=4).category == "not_logged"
        assert self.day(expected=0).category == "off"
        absent = DaySummary(date=date(2026, 9, 15), school_day=True, absent=True, counts=DayCounts())
        assert absent.category == "off"
