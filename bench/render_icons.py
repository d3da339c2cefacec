"""Render the app icons (static/icons/*.png) from their SVG sources with Chromium.

Run from the project root: ``.venv/bin/python bench/render_icons.py``. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.browser.chromium import launch  # noqa: E402

ICONS = ROOT / "static" / "icons"
RENDERS = [
    ("icon.svg", "icon-192.png", 192),
    ("icon.svg", "icon-512.png", 512),
    ("icon-maskable.svg", "icon-maskable-512.png", 512),
]


def main() -> None:
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as tmp:
        browser = launch(playwright)
        for source, target, size in RENDERS:
            page = browser.new_page(viewport={"width": size, "height": size})
            html = Path(tmp) / "icon.html"
            html.write_text(
                f'<body style="margin:0"><img src="file://{ICONS / source}" width="{size}" height="{size}"></body>'
            )
            page.goto(f"file://{html}")
            page.wait_for_timeout(200)
            page.screenshot(path=str(ICONS / target), omit_background=True)
        browser.close()


if __name__ == "__main__":
    main()
