"""Server-rendered SVG charts of the compliance numbers, each with a table as its text alternative.

Pure functions: they read a ``Compliance`` (or one provision's service minutes) and return a
``Chart`` with the SVG markup and a ``Table`` holding the same facts for screen readers (and for
PDFs that draw their own charts). Every piece of text in the SVG is escaped; colours and sizes are
presentation attributes (``fill=``), never ``style=``, because the Content Security Policy forbids
inline styles. The SVG carries ``role="img"``, an ``aria-label`` and a ``<title>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

from insights.numbers import WEEKDAY_ABBR, percent, short_date
from insights.results import LOGGED, NOT_LOGGED, Compliance, DaySummary, ProvisionCompliance, ServicePeriod

# Colours distinguishable with the common colour-vision deficiencies (blue / orange / dark red / grey),
# each at least 3:1 against white, except "off" which is background.
COLOURS = {
    "delivered": "#1f5fa8",
    "mixed": "#c26a00",
    "partial": "#c26a00",
    "missed": "#a61b1b",
    "not_logged": "#7d8894",
    "off": "#e6e9ee",
    "ink": "#1a1a1a",
    "muted": "#4a5560",
    "grid": "#d5dbe1",
}
CATEGORY_WORDS = {
    "delivered": "All delivered",
    "mixed": "Some not delivered",
    "missed": "None delivered",
    "not_logged": "Not logged",
    "off": "No school, absent or nothing expected",
}


@dataclass(frozen=True)
class Table:
    """A chart's text alternative: a caption, column headers and rows of cell texts."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    title: str
    summary: str  # one sentence: the SVG's aria-label
    svg: SafeString
    table: Table


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _n(value: float) -> str:
    """A coordinate, short: 12, 12.5."""
    if isinstance(value, int):
        return str(value)
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(width: float, height: float, title: str, summary: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'class="chart" role="img" aria-label="{_e(summary)}" font-family="system-ui, sans-serif">'
        f"<title>{_e(title)}</title>"
    )
    # Safe: every text and attribute value above went through _e() or is a number we formatted.
    return mark_safe(head + "".join(body) + "</svg>")


def _rect(x: float, y: float, w: float, h: float, fill: str, extra: str = "", title: str = "") -> str:
    inner = f"<title>{_e(title)}</title>" if title else ""
    attrs = f'x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{extra}'
    return f"<rect {attrs}>{inner}</rect>" if inner else f"<rect {attrs}/>"


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "start", fill: str = COLOURS["ink"]) -> str:
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">{_e(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1, dash: str = "") -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
        f'stroke-width="{_n(width)}"{dashed}/>'
    )


def _legend(x: float, y: float, items: list[tuple[str, str, str]]) -> list[str]:
    """Keys in a row, wrapping before 590 units; each (shape: "box", "line" or "dashed", colour, words)."""
    parts, cx, cy = [], x, y
    for shape, colour, words in items:
        width = 18 + 6.2 * len(words)
        if cx + width > 590:
            cx, cy = x, cy + 16
        if shape == "line":
            parts.append(_line(cx, cy - 4, cx + 10, cy - 4, colour, 2))
        elif shape == "dashed":
            parts.append(_rect(cx, cy - 9, 10, 10, "none", f' stroke="{colour}" stroke-dasharray="2 2"'))
        else:
            parts.append(_rect(cx, cy - 9, 10, 10, colour))
        parts.append(_text(cx + 14, cy, words, 11))
        cx += width + 10
    return parts


def _pct(numerator: int, denominator: int) -> str:
    value = percent(numerator, denominator)
    return f"{value}%" if value is not None else "—"


# --- Month by month -------------------------------------------------------------------------------


def monthly_delivery_chart(compliance: Compliance) -> Chart:
    """A 100% stacked bar per month: delivered, partly and missed days of every selected provision."""
    months = compliance.months
    width, height, left, top, plot_h = 600.0, 250.0, 40.0, 12.0, 170.0
    plot_w = width - left - 10
    slot = plot_w / max(len(months), 1)
    body = []
    for share in (0, 50, 100):
        y = top + plot_h * (1 - share / 100)
        body.append(_line(left, y, width - 10, y, COLOURS["grid"]))
        body.append(_text(left - 4, y + 4, f"{share}%", 10, "end", COLOURS["muted"]))
    step = 1 if len(months) <= 12 else 3 if len(months) <= 36 else 6
    for index, month in enumerate(months):
        c = month.counts
        x, bar_w = left + index * slot + slot * 0.15, slot * 0.7
        title = (
            f"{month.label}: {c.delivered} delivered, {c.partial} partly, {c.missed} missed, "
            f"{c.not_logged} not logged; delivery rate {_pct(c.delivered, c.rated)}"
        )
        if c.rated:
            y = top + plot_h
            for count, colour in ((c.delivered, "delivered"), (c.partial, "partial"), (c.missed, "missed")):
                h = plot_h * count / c.rated
                if h > 0:
                    body.append(_rect(x, y - h, bar_w, h, COLOURS[colour], title=title))
                y -= h
        else:
            body.append(
                _rect(x, top, bar_w, plot_h, "none", f' stroke="{COLOURS["grid"]}" stroke-dasharray="3 3"', title)
            )
        if index % step == 0:
            label = f"{month.month:%b}" + (f" {month.month:%y}" if month.month.month in (1, 9) or index == 0 else "")
            body.append(_text(x + bar_w / 2, top + plot_h + 14, label, 10, "middle"))
    body += _legend(
        left,
        top + plot_h + 38,
        [
            ("box", COLOURS["delivered"], "Delivered"),
            ("box", COLOURS["partial"], "Partly"),
            ("box", COLOURS["missed"], "Missed"),
            ("dashed", COLOURS["grid"], "Nothing logged"),
        ],
    )
    total = compliance.totals
    summary = (
        f"Delivery by month, {months[0].label if months else ''} to {months[-1].label if months else ''}: "
        f"{total.delivered} of {total.rated} logged days delivered ({_pct(total.delivered, total.rated)})."
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
    return Chart(
        "Delivery month by month", summary, _svg(width, height, "Delivery month by month", summary, body), table
    )


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
    """A calendar: one row per month, one square per day, coloured by what was delivered that day."""
    cell, gap, left, top = 10, 2, 58, 16
    by_month: dict[date, list[DaySummary]] = {}
    for summary in compliance.days:
        by_month.setdefault(summary.date.replace(day=1), []).append(summary)
    width = left + 31 * (cell + gap) + 4
    height = top + len(by_month) * (cell + gap) + 58
    body = [
        _text(left + (day - 1) * (cell + gap) + cell / 2, top - 5, str(day), 8, "middle", COLOURS["muted"])
        for day in (1, 10, 20, 31)
    ]
    rows = []
    for row, (month, days) in enumerate(by_month.items()):
        y = top + row * (cell + gap)
        body.append(_text(left - 6, y + cell - 1, f"{month:%b %Y}", 10, "end"))
        counts = dict.fromkeys(CATEGORY_WORDS, 0)
        for summary in days:
            category = summary.category
            counts[category] += 1
            x = left + (summary.date.day - 1) * (cell + gap)
            body.append(_rect(x, y, cell, cell, COLOURS[category], title=_day_title(summary)))
        school = sum(1 for s in days if s.school_day)
        absent = sum(1 for s in days if s.school_day and s.absent)
        rows.append(
            (
                f"{month:%B %Y}",
                str(counts["delivered"]),
                str(counts["mixed"]),
                str(counts["missed"]),
                str(counts["not_logged"]),
                str(absent),
                str(school),
            )
        )
    body += _legend(4, height - 34, [("box", COLOURS[key], words) for key, words in CATEGORY_WORDS.items()])
    totals = [sum(int(r[column]) for r in rows) for column in (1, 2, 3, 4)]
    summary_text = (
        f"Calendar of {len(by_month)} months, one square per day. Days with something expected: "
        f"{totals[0]} all delivered, {totals[1]} some not delivered, {totals[2]} none delivered, "
        f"{totals[3]} not logged."
    )
    table = Table(
        caption="Days by month",
        headers=(
            "Month",
            "All delivered",
            "Some not delivered",
            "None delivered",
            "Not logged",
            "Absent",
            "School days",
        ),
        rows=tuple(rows),
    )
    title = "Calendar of the school year"
    return Chart(title, summary_text, _svg(width, height, title, summary_text, body), table)


# --- Minutes per week against required ----------------------------------------------------------


def minutes_chart(provision: ProvisionCompliance) -> Chart:
    """Bars of delivered minutes per period, a line at the required minutes, dashes where not logged."""
    service = provision.service
    if service is None:
        raise ValueError(f"{provision.label} has no minutes.")
    periods = service.periods
    width, height, left, top, plot_h = 600.0, 250.0, 44.0, 12.0, 170.0
    plot_w = width - left - 10
    slot = plot_w / max(len(periods), 1)
    top_value = max([p.required for p in periods] + [p.delivered for p in periods] + [1])
    scale = plot_h / (top_value * 1.1)
    body = []
    for tick in _ticks(top_value):
        y = top + plot_h - tick * scale
        body.append(_line(left, y, width - 10, y, COLOURS["grid"]))
        body.append(_text(left - 4, y + 4, str(tick), 10, "end", COLOURS["muted"]))
    last_month = None
    for index, period in enumerate(periods):
        x, bar_w = left + index * slot + slot * 0.12, max(slot * 0.76, 0.8)
        base = top + plot_h
        title = f"{period.label}: {_period_words(period)}"
        if period.state == NOT_LOGGED:
            h = period.required * scale
            body.append(
                _rect(x, base - h, bar_w, h, "none", f' stroke="{COLOURS["not_logged"]}" stroke-dasharray="2 2"', title)
            )
        elif period.delivered:
            h = period.delivered * scale
            body.append(_rect(x, base - h, bar_w, h, COLOURS["delivered"], title=title))
        if period.required and period.state == LOGGED:
            y = base - period.required * scale
            body.append(_line(x - slot * 0.08, y, x + bar_w + slot * 0.08, y, COLOURS["ink"], 2))
        month = (period.start.year, period.start.month)
        if month != last_month and (period.kind == "month" or period.start.day <= 7):
            if last_month is None or len(periods) <= 60 or period.start.month in (1, 4, 7, 10):
                body.append(_text(x, base + 14, f"{period.start:%b}", 10))
            last_month = month
    body += _legend(
        left,
        top + plot_h + 38,
        [
            ("box", COLOURS["delivered"], "Minutes delivered"),
            ("line", COLOURS["ink"], "Required"),
            ("dashed", COLOURS["not_logged"], "Not logged"),
        ],
    )
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
    return Chart(title, summary, _svg(width, height, title, summary, body), table)


def _ticks(top_value: int) -> list[int]:
    step = next(s for s in (5, 10, 15, 30, 60, 120, 300, 600, 1200, 3000) if top_value / s <= 5)
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
        notes.append(f"Counted {period.counted_from:%d %b} to {period.counted_to:%d %b}")
    return "; ".join(notes)


def _period_words(period: ServicePeriod) -> str:
    if period.state == NOT_LOGGED:
        return f"not logged ({period.required} minutes would be required)"
    if period.state != LOGGED:
        return "no school days attended, nothing required"
    return f"{period.delivered} of {period.required} required minutes delivered"
