"""The screenshot tour: one family's whole journey on a phone (390x844), a picture of every page.

    .venv/bin/python bench/screenshots.py [DIRECTORY]     # default: data/screenshots/

It runs the phone half of ``tests/browser/test_journey.py::test_a_family_goes_the_whole_way`` against
a throwaway live server (Chromium at /usr/bin/chromium), with the clock on Thursday, November 19,
2026: sign up, the child, the IEP, the calendar, logging, insights, reports, verification, a co-parent
and an advocate. Every page is checked by axe-core on the way and saved as a full-page PNG in
``DIRECTORY/journey-phone/``. Look at every picture after changing templates or CSS; docs/tour.md
shows a few of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "data" / "screenshots").resolve()
    env = {**os.environ, "SCREENSHOT_DIR": str(target)}
    test = "tests/browser/test_journey.py::test_a_family_goes_the_whole_way[phone]"
    status = subprocess.call([sys.executable, "-m", "pytest", test, "-q"], cwd=ROOT, env=env)
    if status == 0:
        print(f"Screenshots saved in {target / 'journey-phone'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
