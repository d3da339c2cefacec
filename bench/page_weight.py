"""Page weight of Insights (four school years of data): first visit and repeat visit, in bytes.

    .venv/bin/python bench/page_weight.py

Builds the child of bench/insights_bench.py in a throw-away database, runs collectstatic with the
production storage (hashed names, gzip copies) into a scratch directory, and fetches the Insights
page for this school year as a browser does (Accept-Encoding: gzip), then each static file the page
links and the scripts' words (/jsi18n/). A repeat visit within the cache's lifetime fetches only the
HTML: hashed static files are served "immutable" for ten years, so the browser does not even
revalidate them, and the words are kept a day. Counts are body
bytes on the wire (headers not counted). Results go in docs/benchmarks.md, section "Page weight".
"""

from __future__ import annotations

import re
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import insights_bench  # sets up Django with the test settings
import time_machine
from django.core.management import call_command
from django.test import Client, override_settings
from django.test.utils import setup_databases, setup_test_environment, teardown_databases
from django.urls import reverse

# Static files, and the scripts' words (Django's JavaScript catalog, kept a day).
ASSET = re.compile(r'(?:href|src)="(/(?:static/[^"]+|jsi18n/))"')


def body(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def main() -> None:
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    end_of_year = insights_bench.school_year_dates(insights_bench.LAST_YEAR)[1]
    clock = time_machine.travel(datetime.combine(end_of_year, datetime.min.time()), tick=True)
    clock.start()
    scratch = tempfile.TemporaryDirectory()
    production = override_settings(
        STATIC_ROOT=Path(scratch.name),
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
        WHITENOISE_AUTOREFRESH=False,
        WHITENOISE_USE_FINDERS=False,
    )
    production.enable()
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        user, child, _start, _end = insights_bench.build_child()
        browser = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        browser.force_login(user)
        page = browser.get(reverse("insights:dashboard", kwargs={"child_id": child.pk}))
        assert page.status_code == 200, page.status_code
        wire = body(page)
        html = page.content
        if page.get("Content-Encoding") == "gzip":
            import gzip

            html = gzip.decompress(wire)
        print(f"Insights HTML: {len(html):,} bytes, on the wire {len(wire):,} ({page.get('Content-Encoding', 'none')})")
        total_assets = 0
        for url in sorted(set(ASSET.findall(html.decode()))):
            asset = Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br").get(url)
            size = len(body(asset))
            total_assets += size
            print(f"  {url}: {size:,} bytes ({asset.get('Content-Encoding', 'none')}), {asset['Cache-Control']}")
        print(
            f"First visit: {len(wire) + total_assets:,} bytes in {1 + len(set(ASSET.findall(html.decode())))} requests"
        )
        print(
            f"Repeat visit: {len(wire):,} bytes in 1 request (static files immutable, not revalidated; "
            "the scripts' words kept a day)"
        )
    finally:
        production.disable()
        scratch.cleanup()
        clock.stop()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
