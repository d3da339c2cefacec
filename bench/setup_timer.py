"""Time the five-minute setup on a phone: a 12-item IEP from its PDF and a school year's calendar.

    .venv/bin/python bench/setup_timer.py

Runs ``tests/browser/test_setup_timer.py`` (Playwright, Chromium at 390x844, a throwaway live
server) and prints its figures: taps, characters typed, the machine's seconds, and an estimate of a
parent's seconds from the pace stated in that test. Record the result in docs/import.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "setup.json"
        env = {**os.environ, "SETUP_TIMER_OUT": str(out)}
        test = "tests/browser/test_setup_timer.py"
        status = subprocess.call([sys.executable, "-m", "pytest", test, "-q"], cwd=ROOT, env=env)
        if status == 0:
            print(json.dumps(json.loads(out.read_text()), indent=2))
        return status


if __name__ == "__main__":
    sys.exit(main())
