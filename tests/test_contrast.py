"""The colours of static/css/*.css meet WCAG 2.2 contrast: 4.5:1 for text, 3:1 for focus rings and field edges.

Two kinds of check: every rule that sets both a text colour and a background gets its pair checked
(``test_every_rule_with_text_and_background_colours_is_readable``), and the pairs that meet across
rules (text of one rule drawn on the background of another: muted text on a card, a link on the
page) are listed in ``PAIRS``. Colours are resolved through the custom properties of ``:root``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[1] / "static" / "css"
HEX = re.compile(r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def css_text() -> str:
    return "\n".join(path.read_text() for path in sorted(CSS.glob("*.css")))


def custom_properties() -> dict[str, str]:
    root = re.search(r":root\s*{([^}]*)}", (CSS / "app.css").read_text())
    assert root, "app.css defines its colours in :root"
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root.group(1)))


VARS = custom_properties()


def colour(value: str) -> str:
    """A colour value as #rrggbb: a var() is looked up in :root; white is #ffffff."""
    value = value.strip()
    match = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if match:
        return colour(VARS[match.group(1)])
    if value in ("#fff", "white"):
        return "#ffffff"
    assert HEX.fullmatch(value), f"not a plain colour: {value!r}"
    if len(value) == 4:
        return "#" + "".join(c * 2 for c in value[1:])
    return value.lower()


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(colour(foreground)), luminance(colour(background))), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_ratio_matches_wcag_reference_values() -> None:
    """Given black on white, then 21:1; given #767676 on white, then 4.54:1 (the lightest AA grey)."""
    assert round(ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(ratio("#767676", "#fff"), 2) == 4.54
    assert ratio("#777777", "#ffffff") < 4.5


# Text (first) drawn on a background (second) by different rules: the page, cards, tints, buttons, badges.
TEXT = 4.5
NON_TEXT = 3.0
PAIRS: list[tuple[str, str, float, str]] = [
    ("var(--ink)", "var(--bg)", TEXT, "body text on the page"),
    ("var(--ink)", "var(--card)", TEXT, "body text on a card"),
    ("var(--muted)", "var(--bg)", TEXT, "muted text on the page"),
    ("var(--muted)", "var(--card)", TEXT, "muted text on a card"),
    ("var(--muted)", "#fafbfc", TEXT, "muted text in a quoted IEP wording"),
    ("var(--muted)", "var(--warn-soft)", TEXT, "muted text in a notice"),
    ("var(--brand)", "var(--bg)", TEXT, "a link on the page"),
    ("var(--brand)", "var(--card)", TEXT, "a link on a card"),
    ("var(--brand)", "var(--brand-soft)", TEXT, "a link on a hovered pill"),
    ("var(--brand)", "#f2f6fb", TEXT, "a link in the reason box"),
    ("var(--brand-dark)", "var(--brand-soft)", TEXT, "a count badge"),
    ("var(--brand-ink)", "var(--brand)", TEXT, "header, primary buttons, the current section"),
    ("var(--brand-ink)", "var(--brand-dark)", TEXT, "a hovered primary button"),
    ("var(--brand-ink)", "var(--ok)", TEXT, "the Everything delivered button"),
    ("var(--brand-ink)", "#155a2f", TEXT, "the hovered Everything delivered button"),
    ("var(--brand-ink)", "var(--bad)", TEXT, "a danger button"),
    ("var(--ok)", "var(--card)", TEXT, "Saved, on a card"),
    ("var(--ok)", "var(--ok-soft)", TEXT, "an In effect badge"),
    ("var(--warn)", "var(--card)", TEXT, "a save waiting for the network"),
    ("var(--warn)", "var(--warn-soft)", TEXT, "a Draft badge"),
    ("var(--bad)", "var(--card)", TEXT, "an error message"),
    ("var(--bad)", "var(--bad-soft)", TEXT, "an error box"),
    ("var(--bad)", "#fffafa", TEXT, "the state of a missed item"),
    ("var(--bad)", "#fbe9e9", TEXT, "a refused save in its card"),
    ("var(--ink)", "#e3f3e8", TEXT, "a pressed Delivered button"),
    ("var(--ink)", "#fff3d6", TEXT, "a pressed Partly button"),
    ("var(--ink)", "#fbe3e3", TEXT, "a pressed Missed button"),
    ("var(--ink)", "#fff8e6", TEXT, "the logging reminder"),
    ("var(--ink)", "#fff8ea", TEXT, "the insights disclaimer"),
    ("#3d4955", "#eef0f2", TEXT, "a grey badge"),
    ("#153a66", "#e7eff8", TEXT, "an accommodation badge"),
    ("#5b2a7a", "#f1e8f7", TEXT, "a modification badge"),
    ("#1b5e33", "#e5f3ea", TEXT, "a service badge"),
    ("#7a4300", "#fdf0e1", TEXT, "a supplementary aid badge"),
    ("#145a63", "#e3f3f5", TEXT, "an assistive technology badge"),
    ("#8a1d1d", "#fbeaea", TEXT, "a behavior support badge"),
    ("var(--focus)", "var(--bg)", NON_TEXT, "the focus ring on the page"),
    ("var(--focus)", "var(--card)", NON_TEXT, "the focus ring on a card"),
    ("var(--focus-on-brand)", "var(--brand)", NON_TEXT, "the focus ring in the blue header"),
    ("var(--field-line)", "var(--card)", NON_TEXT, "the edge of a form field"),
    ("#8a949e", "var(--card)", NON_TEXT, "the edge of a field on the day page"),
    ("var(--ok)", "var(--card)", NON_TEXT, "the green edge of a delivered item"),
    ("var(--warn)", "var(--card)", NON_TEXT, "the amber edge of a partly delivered item"),
]


@pytest.mark.parametrize(("text", "background", "minimum", "where"), PAIRS, ids=[p[3] for p in PAIRS])
def test_text_is_readable_on_its_background(text: str, background: str, minimum: float, where: str) -> None:
    assert ratio(text, background) >= minimum, f"{where}: {ratio(text, background):.2f}:1"


def rules(css: str) -> list[tuple[str, str]]:
    """(selector, declarations) of every rule, including those inside @media blocks."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*{", "", css)  # the closing braces of @media become stray ones below
    return [(sel.strip(), body) for sel, body in re.findall(r"([^{}]+){([^{}]*)}", css)]


def declared(body: str, *names: str) -> str | None:
    for name in names:
        match = re.search(rf"(?:^|;)\s*{name}\s*:\s*([^;]+)", body)
        if match:
            value = match.group(1).replace("!important", "").strip()
            if value.startswith("var(") or HEX.fullmatch(value) or value in ("#fff", "white"):
                return value
    return None


def test_every_rule_with_text_and_background_colours_is_readable() -> None:
    checked, low = 0, []
    for selector, body in rules(css_text()):
        text, background = declared(body, "color"), declared(body, "background-color", "background")
        if text is None or background is None:
            continue
        checked += 1
        if ratio(text, background) < TEXT:
            low.append(f"{selector}: {text} on {background} is {ratio(text, background):.2f}:1")
    assert checked >= 20
    assert low == []
