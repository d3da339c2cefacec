"""The screenshot tour at 390x844: sign up, verify, add a child, an IEP with items, a calendar, an absence.

    .venv/bin/python bench/screenshots.py [DIRECTORY]     # default: data/screenshots/

It runs ``tests/browser/test_foundation.py::test_screenshot_tour`` against a throwaway live server
(Chromium at /usr/bin/chromium), which reads the verification link from the in-memory mailbox and
saves one full-page PNG per step. Look at every picture after changing templates or CSS.
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
    test = "tests/browser/test_foundation.py::test_screenshot_tour"
    status = subprocess.call([sys.executable, "-m", "pytest", test, "-q"], cwd=ROOT, env=env)
    if status == 0:
        print(f"Screenshots saved in {target}")
    return status


if __name__ == "__main__":
    sys.exit(main())
