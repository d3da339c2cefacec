"""Page weight: hashed static names cached for good, and gzip only where BREACH cannot bite.

The static tests run collectstatic with the production storage (hashed names) into a scratch
directory and serve from it through WhiteNoise as a production server does.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from pathlib import Path

import time_machine
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from tests.base import BaseTestCase

TODAY = "2026-10-15 12:00"  # a Thursday in Maya's 2026-27 school year
HASHED_CSS = re.compile(r'href="(/static/css/app\.([0-9a-f]{12})\.css)"')


class HashedStaticFilesTests(BaseTestCase):
    """With the production storage, pages link hashed names and WhiteNoise caches them for good."""

    def setUp(self) -> None:
        scratch = tempfile.TemporaryDirectory()
        self.addCleanup(scratch.cleanup)
        self.static_root = Path(scratch.name)
        production = override_settings(
            STATIC_ROOT=self.static_root,
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
            },
            WHITENOISE_AUTOREFRESH=False,
            WHITENOISE_USE_FINDERS=False,
        )
        production.enable()
        self.addCleanup(production.disable)
        call_command("collectstatic", interactive=False, verbosity=0)

    def test_the_page_links_the_hashed_stylesheet_and_it_is_cached_forever(self) -> None:
        html = self.client.get(reverse("account_login")).content.decode()
        match = HASHED_CSS.search(html)
        assert match, "the stylesheet link carries no content hash"
        url = match.group(1)
        assert (self.static_root / url.removeprefix("/static/")).is_file()

        browser = Client()  # a fresh client builds WhiteNoise over the collected files
        response = browser.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=315360000, public, immutable"
        assert response["Content-Encoding"] == "gzip"
        body = gzip.decompress(b"".join(response.streaming_content))  # type: ignore[attr-defined]
        assert body == (Path(__file__).resolve().parent.parent / "static/css/app.css").read_bytes()

    def test_every_static_name_in_the_templates_has_a_hashed_copy(self) -> None:
        """A name missing from the manifest would break its page with a 500 in production."""
        manifest = json.loads((self.static_root / "staticfiles.json").read_text())["paths"]
        root = Path(__file__).resolve().parent.parent
        templates = [p for p in root.glob("**/templates/**/*.html") if ".venv" not in p.parts]
        names = {name for path in templates for name in re.findall(r"{% static ['\"]([^'\"]+)['\"]", path.read_text())}
        assert "css/app.css" in names
        assert sorted(names - manifest.keys()) == []

    def test_an_unhashed_name_still_answers_but_is_revalidated_after_a_minute(self) -> None:
        response = Client().get("/static/css/app.css")
        assert response.status_code == 200
        assert response["Cache-Control"] == "max-age=60, public"


@time_machine.travel(TODAY, tick=False)
class CompressedPagesTests(BaseTestCase):
    def insights(self, **data: str) -> object:
        self.client.force_login(self.alice)
        url = reverse("insights:dashboard", kwargs={"child_id": self.child.pk})
        return self.client.get(url, data, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    def test_insights_is_sent_gzipped_and_unpacks_to_the_page(self) -> None:
        response = self.insights()
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert response["Content-Encoding"] == "gzip"  # type: ignore[index]
        assert "Accept-Encoding" in response["Vary"]  # type: ignore[index]
        html = gzip.decompress(response.content).decode()  # type: ignore[attr-defined]
        assert "What the log shows for Maya Rivera" in html
        assert len(response.content) < len(html) / 3  # type: ignore[attr-defined]

    def test_two_responses_differ_in_length_by_random_padding_or_masked_token(self) -> None:
        """Heal-the-Breach padding: each compressed page carries a random-length filename in its gzip
        header (Django's GZipMiddleware), so its length says little about its content."""
        bodies = [bytes(self.insights().content) for _ in range(6)]  # type: ignore[attr-defined]
        assert len(set(bodies)) > 1
        # Django pads with b"a" * secrets.randbelow(100): a length of 0 (no FNAME field) is one
        # legitimate draw in a hundred, so the test asks for varied lengths, not for a name every time.
        padding = []
        for body in bodies:
            padding.append(body.index(b"\x00", 10) - 10 if body[3] & gzip.FNAME else 0)
        assert sum(1 for length in padding if length) >= 4, padding
        assert len(set(padding)) > 1, padding

    def test_a_422_page_that_echoes_what_was_typed_is_not_compressed(self) -> None:
        response = self.insights(range="custom", **{"from": "2026-09-16", "to": "2026-09-14"})
        assert response.status_code == 422  # type: ignore[attr-defined]
        assert not response.has_header("Content-Encoding")  # type: ignore[attr-defined]
        assert "The last day must be on or after the first day." in response.content.decode()  # type: ignore[attr-defined]

    def test_today_week_and_month_are_compressed(self) -> None:
        self.client.force_login(self.bob)
        kwargs = {"child_id": self.child.pk}
        urls = [
            reverse("logbook:today", kwargs=kwargs),
            reverse("logbook:week", kwargs={**kwargs, "day": "2026-10-15"}),
            reverse("logbook:month", kwargs={**kwargs, "day": "2026-10-15"}),
        ]
        for url in urls:
            response = self.client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            assert response.status_code == 200, url
            assert response["Content-Encoding"] == "gzip", url
            assert b"Maya" in gzip.decompress(response.content), url

    def test_a_client_that_does_not_ask_for_gzip_gets_plain_html(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.get(reverse("insights:dashboard", kwargs={"child_id": self.child.pk}))
        assert not response.has_header("Content-Encoding")
        assert "What the log shows for Maya Rivera" in response.content.decode()

    def test_pages_with_lasting_secrets_are_never_compressed(self) -> None:
        """Settings pages (calendar feed link, two-factor codes) stay uncompressed."""
        self.client.force_login(self.alice)
        for name in ("reminders:settings", "accounts:profile", "mfa_index"):
            response = self.client.get(reverse(name), HTTP_ACCEPT_ENCODING="gzip")
            assert response.status_code == 200, name
            assert not response.has_header("Content-Encoding"), name

    def test_an_outsider_still_gets_404(self) -> None:
        self.client.force_login(self.charlie)
        response = self.client.get(
            reverse("insights:dashboard", kwargs={"child_id": self.child.pk}), HTTP_ACCEPT_ENCODING="gzip"
        )
        assert response.status_code == 404
        assert not response.has_header("Content-Encoding")
