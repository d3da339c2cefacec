"""Server-rendered SVG charts of the compliance numbers, each with a table as its text alternative.

Pure functions: they read a ``Compliance`` (or one provision with service minutes) and return a
``Chart``: the SVG markup and a ``Table`` holding the same facts for screen readers (and for PDFs
that draw their own charts from the same data: ``Compliance.months``, ``Compliance.days`` with
``DaySummary.category``, ``ServiceMinutes.periods``). Every piece of text in the SVG is escaped;
colours and sizes are presentation attributes (``fill=``), never ``style=``, because the Content
Security Policy forbids inline styles. Each SVG carries ``role="img"``, an ``aria-label`` and a
``<title>``. The canvas is 360 units wide and no text is smaller than 10 units; on a phone the page shows the
SVG at least 432 px wide (in its own sideways-scrolling strip), so no text is under 12 px.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

from insights.numbers import MONTH_ABBR, WEEKDAY_ABBR, percent, short_date
from insights.results import (
    LOGGED,
    NOT_LOGGED,
    Compliance,
    DaySummary,
    ProvisionCompliance,
    ServicePeriod,
)

WIDTH = 360
# Blue / orange / dark red / grey stay apart with the common colour-vision deficiencies; each is at
# least 3:1 against white except "off", which is background. The tables carry every number anyway.
COLOURS = {
    "delivered": "#1f5fa8",
    "partial": "#c26a00",
    "missed": "#a61b1b",
    "all_delivered": "#1f5fa8",
    "most_delivered": "#5a8cc8",
    "some_delivered": "#c26a00",
    "none_delivered": "#a61b1b",
    "not_logged": "#7d8894",
    "off": "#e6e9ee",
    "ink": "#1a1a1a",
    "muted": "#4a5560",
    "grid": "#d5dbe1",
}
CATEGORY_WORDS = {
    "all_delivered": "All delivered",
    "most_delivered": "80% or more delivered",
    "some_delivered": "Less than 80% delivered",
    "none_delivered": "None delivered",
    "not_logged": "Not logged",
    "off": "No school, absent or nothing expected",
}


@dataclass(frozen=True)
class Table:
    """A chart's text alternative: a caption, column headers and rows of cell texts."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def html(self) -> SafeString:
        """The table as HTML (first cell of each row a row header), built here rather than in a
        template because charts over several years have hundreds of rows."""
        head = "".join(f'<th scope="col">{_e(header)}</th>' for header in self.headers)
        body = "".join(
            f'<tr><th scope="row">{_e(row[0])}</th>' + "".join(f"<td>{_e(cell)}</td>" for cell in row[1:]) + "</tr>"
            for row in self.rows
        )
        # Safe: every cell went through _e().
        return mark_safe(
            f"<table><caption>{_e(self.caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str  # one or two sentences: the SVG's aria-label
    svg: SafeString
    table: Table


# --- Drawing helpers (every text goes through _e) ---------------------------------------------------


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate, short: 12, 12.5."""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(height: float, title: str, summary: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'class="chart" role="img" aria-label="{_e(summary)}" font-family="system-ui, sans-serif">'
        f"<title>{_e(title)}</title>"
    )
    # Safe: every text and attribute value in ``body`` went through _e() or is a number we formatted.
    return mark_safe(head + "".join(body) + "</svg>")


def _rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "", title: str = "") -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{extra}'
    return f"<rect {attrs}><title>{_e(title)}</title></rect>" if title else f"<rect {attrs}/>"


def _outline(x: float, y: float, w: float, h: float, colour: str, title: str = "") -> str:
    return _rect(x, y, w, h, "none", f' stroke="{colour}" stroke-dasharray="2 2"', title)


def _text(x: float, y: float, text: str, size: int = 10, anchor: str = "start", fill: str = COLOURS["ink"]) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">{_e(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1) -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" stroke-width="{_n(width)}"/>'
    )


def _legend(y: float, items: list[tuple[str, str, str]]) -> tuple[list[str], float]:
    """Keys (shape "box", "line" or "dashed", colour, words) in rows across the canvas.
    Returns the parts and the y below the last row."""
    parts: list[str] = []
    x = 4.0
    for shape, colour, words in items:
        width = 16 + 5.6 * len(words)
        if x + width > WIDTH - 4 and x > 4:
            x, y = 4.0, y + 15
        if shape == "line":
            parts.append(_line(x, y - 4, x + 10, y - 4, colour, 2))
        elif shape == "dashed":
            parts.append(_outline(x, y - 9, 10, 10, colour))
        else:
            parts.append(_rect(x, y - 9, 10, 10, colour))
        parts.append(_text(x + 14, y, words, 10))
        x += width + 10
    return parts, y + 8


def _pct(numerator: int, denominator: int) -> str:
    value = percent(numerator, denominator)
    return f"{value}%" if value is not None else "—"


def _month_step(month_width: float) -> int:
    """Label every month, or every 2nd, 3rd, 6th or 12th, so that labels never crowd."""
    return next((step for step in (1, 2, 3, 6, 12) if month_width * step >= 24), 12)


def _month_label(x: float, y: float, month: date, step: int, first: bool) -> list[str]:
    """The month's name under its first bar when it falls on the step, with the year under the
    first label drawn (``first``) and under each January."""
    if (month.year * 12 + month.month - 1) % step:
        return []
    parts = [_text(x, y, MONTH_ABBR[month.month - 1], 10, "middle")]
    if first or month.month == 1:
        parts.append(_text(x, y + 12, str(month.year), 10, "middle", COLOURS["muted"]))
    return parts


# --- Month by month -------------------------------------------------------------------------------


def monthly_delivery_chart(compliance: Compliance) -> Chart:
    """A 100% stacked bar per month: delivered, partly and missed days of every selected provision."""
    months = compliance.months
    left, top, plot_h = 34, 8, 140
    slot = (WIDTH - left - 4) / max(len(months), 1)
    body = []
    for share in (0, 50, 100):
        y = top + plot_h * (1 - share / 100)
        body.append(_line(left, y, WIDTH - 4, y, COLOURS["grid"]))
        body.append(_text(left - 4, y + 3.5, f"{share}%", 10, "end", COLOURS["muted"]))
    labelled = False
    for index, month in enumerate(months):
        c = month.counts
        x, bar_w = left + index * slot + slot * 0.15, slot * 0.7
        title = (
            f"{month.label}: {c.delivered} delivered, {c.partial} partly, {c.missed} missed, "
            f"{c.not_logged} not logged; delivery rate {_pct(c.delivered, c.rated)}"
        )
        if c.rated:  # nothing is drawn for a month without school (summer)
            y = top + plot_h
            for count, colour in ((c.delivered, "delivered"), (c.partial, "partial"), (c.missed, "missed")):
                h = plot_h * count / c.rated
                if h > 0:
                    body.append(_rect(x, y - h, bar_w, h, COLOURS[colour], title=title))
                y -= h
        elif c.expected:
            body.append(_outline(x, top, bar_w, plot_h, COLOURS["not_logged"], title))
        label = _month_label(x + bar_w / 2, top + plot_h + 13, month.month, _month_step(slot), not labelled)
        labelled = labelled or bool(label)
        body += label
    legend, height = _legend(
        top + plot_h + 44,
        [
            ("box", COLOURS["delivered"], "Delivered"),
            ("box", COLOURS["partial"], "Partly"),
            ("box", COLOURS["missed"], "Missed"),
            ("dashed", COLOURS["not_logged"], "Nothing logged"),
        ],
    )
    body += legend
    total = compliance.totals
    span = f"{months[0].label} to {months[-1].label}" if months else ""
    summary = (
        f"Delivery by month, {span}: {total.delivered} of {total.rated} logged days delivered "
        f"({_pct(total.delivered, total.rated)}), {total.partial} partly, {total.missed} missed."
    )
    table = Table(
        caption="Delivery by month (days of every selected provision)",
        headers=("Month", "Delivered", "Partly", "Missed", "Delivery rate", "Not logged", "Expected"),
        rows=tuple(
            (
                m.label,
                str(m.counts.delivered),
                str(m.counts.partial),
                str(m.counts.missed),
                _pct(m.counts.delivered, m.counts.rated),
                str(m.counts.not_logged),
                str(m.counts.expected),
            )
            for m in months
        ),
    )
    title = "Delivery month by month"
    return Chart(title, summary, _svg(height, title, summary, body), table)


# --- Calendar heat map -----------------------------------------------------------------------------


def _day_title(summary: DaySummary) -> str:
    c = summary.counts
    when = f"{WEEKDAY_ABBR[summary.date.weekday()]} {short_date(summary.date)}"
    if not summary.school_day:
        return f"{when}: no school"
    if summary.absent:
        return f"{when}: absent"
    if not c.expected:
        return f"{when}: nothing expected"
    return f"{when}: {c.delivered} delivered, {c.partial} partly, {c.missed} missed, {c.not_logged} not logged"


def heatmap_chart(compliance: Compliance) -> Chart:
    """A calendar: one row per month, one square per day, coloured by the share delivered that day."""
    cell, pitch, row_pitch, left, top = 9, 10, 11, 50, 12
    by_month: dict[date, list[DaySummary]] = {}
    for summary in compliance.days:
        by_month.setdefault(summary.date.replace(day=1), []).append(summary)
    body = [
        _text(left + (day - 1) * pitch + cell / 2, top - 3, str(day), 10, "middle", COLOURS["muted"])
        for day in (1, 10, 20, 31)
    ]
    rows = []
    for row, (month, days) in enumerate(by_month.items()):
        y = top + row * row_pitch
        body.append(_text(left - 4, y + cell - 1, f"{MONTH_ABBR[month.month - 1]} {month.year}", 10, "end"))
        counts = dict.fromkeys(CATEGORY_WORDS, 0)
        for summary in days:
            category = summary.category
            counts[category] += 1
            body.append(
                _rect(
                    left + (summary.date.day - 1) * pitch, y, cell, cell, COLOURS[category], title=_day_title(summary)
                )
            )
        rows.append(
            (
                f"{month:%B %Y}",
                *(str(counts[key]) for key in CATEGORY_WORDS if key != "off"),
                str(sum(1 for s in days if s.school_day and s.absent)),
            )
        )
    legend, height = _legend(
        top + len(by_month) * row_pitch + 14, [("box", COLOURS[key], words) for key, words in CATEGORY_WORDS.items()]
    )
    body += legend
    totals = [sum(int(r[column]) for r in rows) for column in range(1, 6)]
    summary_text = (
        f"Calendar of {len(by_month)} months, one square per day. School days with something expected: "
        f"{totals[0]} all delivered, {totals[1]} 80% or more delivered, {totals[2]} less than 80% delivered, "
        f"{totals[3]} none delivered, {totals[4]} not logged."
    )
    table = Table(
        caption="Days by month",
        headers=("Month", *(words for key, words in CATEGORY_WORDS.items() if key != "off"), "Absent"),
        rows=tuple(rows),
    )
    title = "Calendar of the school days"
    return Chart(title, summary_text, _svg(height, title, summary_text, body), table)


# --- Minutes per period against required ----------------------------------------------------------


def _ticks(top_value: int) -> list[int]:
    step = next(s for s in (5, 10, 15, 30, 60, 120, 300, 600, 1200, 3000, 6000) if top_value / s <= 5)
    return list(range(0, top_value + 1, step))


def _period_note(period: ServicePeriod) -> str:
    notes = []
    if period.state == NOT_LOGGED:
        notes.append("Not logged (a gap in the record)")
    elif period.state != LOGGED:
        notes.append("No school days attended")
    if period.makeup_minutes:
        notes.append(f"{period.makeup_minutes} make-up minutes")
    if period.is_cut and period.state != NOT_LOGGED:
        notes.append(f"Counted {short_date(period.counted_from)} to {short_date(period.counted_to)}")
    return "; ".join(notes)


def _period_words(period: ServicePeriod) -> str:
    if period.state == NOT_LOGGED:
        return f"not logged ({period.required} minutes would be required)"
    if period.state != LOGGED:
        return "no school days attended, nothing required"
    return f"{period.delivered} of {period.required} required minutes delivered"


def minutes_chart(provision: ProvisionCompliance) -> Chart:
    """Bars of delivered minutes per period, a line at the required minutes, dashes where not logged."""
    service = provision.service
    if service is None:
        raise ValueError(f"{provision.label} has no minutes.")
    periods = service.periods
    left, top, plot_h = 34, 8, 140
    slot = (WIDTH - left - 4) / max(len(periods), 1)
    top_value = max([p.required for p in periods] + [p.delivered for p in periods] + [1])
    scale = plot_h / (top_value * 1.1)
    base = top + plot_h
    body = []
    for tick in _ticks(top_value):
        y = base - tick * scale
        body.append(_line(left, y, WIDTH - 4, y, COLOURS["grid"]))
        body.append(_text(left - 4, y + 3.5, str(tick), 10, "end", COLOURS["muted"]))
    seen: set[date] = set()  # months whose first period is drawn
    labelled: set[date] = set()  # months with a label under them
    step = _month_step(slot * (4.35 if service.period_kind == "week" else 1))
    for index, period in enumerate(periods):
        x, bar_w = left + index * slot + slot * 0.12, max(slot * 0.76, 0.8)
        title = f"{period.label}: {_period_words(period)}"
        if period.state == NOT_LOGGED:
            body.append(
                _outline(
                    x, base - period.required * scale, bar_w, period.required * scale, COLOURS["not_logged"], title
                )
            )
        elif period.delivered:
            h = period.delivered * scale
            body.append(_rect(x, base - h, bar_w, h, COLOURS["delivered"], title=title))
        if period.required and period.state == LOGGED:
            y = base - period.required * scale
            body.append(_line(x - slot * 0.08, y, x + bar_w + slot * 0.08, y, COLOURS["ink"], 2))
        month = period.start.replace(day=1)
        if month not in seen and (period.kind == "month" or period.start.day <= 7):
            seen.add(month)
            label = _month_label(x + bar_w / 2, base + 13, month, step, not labelled)
            if label:
                labelled.add(month)
                body += label
    legend, height = _legend(
        base + 44,
        [
            ("box", COLOURS["delivered"], "Minutes delivered"),
            ("line", COLOURS["ink"], "Required"),
            ("dashed", COLOURS["not_logged"], "Not logged"),
        ],
    )
    body += legend
    summary = (
        f"{provision.label}: minutes per {service.period_kind} against the required minutes. "
        f"{service.delivered} of {service.required} required minutes delivered in logged periods; "
        f"documented shortfall {service.shortfall} minutes; {len(service.gaps)} periods not logged."
    )
    table = Table(
        caption=f"{provision.label}: minutes per {service.period_kind}",
        headers=("Period", "Required", "Delivered", "Documented shortfall", "Note"),
        rows=tuple(
            (
                p.label,
                str(p.required),
                str(p.delivered) if p.state == LOGGED else "—",
                str(p.shortfall) if p.shortfall is not None else "—",
                _period_note(p),
            )
            for p in periods
        ),
    )
    title = f"{provision.label}: minutes per {service.period_kind}"
    return Chart(title, summary, _svg(height, title, summary, body), table)
