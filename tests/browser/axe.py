"""axe-core in the journeys: the engine ships inside the ``axe-playwright-python`` wheel (pinned in
requirements-dev.txt), so a fresh machine gets it from PyPI; nothing is vendored into static/.

``run_axe`` injects it with ``page.evaluate`` (the DevTools protocol, not a ``<script>`` tag, so the
page's strict Content-Security-Policy stays on) and runs every rule axe enables by default (WCAG 2.0
to 2.2 A and AA, and its best practices). Any violation of any impact counts.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any


@cache
def axe_source() -> str:
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def axe_version(page: Any) -> str:
    inject(page)
    return str(page.evaluate("() => axe.version"))


def inject(page: Any) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())


def run_axe(page: Any) -> list[str]:
    """Each violation as one line: rule, impact, help and the first few elements it names."""
    inject(page)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in result["violations"]:
        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:4])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return lines
