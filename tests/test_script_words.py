"""The scripts' words: Django's JavaScript catalog, loaded on every page and kept for offline use."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from iepright import pwa

SCRIPTS = Path(settings.BASE_DIR) / "static" / "js"
# A literal sentence put straight on the page or in the live region: it must go through gettext.
UNMARKED = re.compile(r"""(?:textContent\s*=\s*|announce\(\s*|\[\s*)["'][A-Z][a-z]+(?:["']|[ ,.:!?…])""")


def test_every_sentence_the_scripts_show_is_marked_for_translation() -> None:
    """Given the app's scripts, then no sentence is put on the page as a bare literal (a test that would
    catch `link.textContent = "History"`), and the catalog's three functions are what they use."""
    found = []
    for script in sorted(SCRIPTS.glob("*.js")):
        for number, line in enumerate(script.read_text().splitlines(), start=1):
            if UNMARKED.search(line):
                found.append(f"{script.name}:{number}: {line.strip()}")
    assert found == []
    logbook = (SCRIPTS / "logbook.js").read_text()
    assert logbook.count("gettext(") >= 20 and "ngettext(" in logbook and "interpolate(" in logbook
    assert UNMARKED.search('  link.textContent = "History";') and UNMARKED.search('announce("Saved: " + x)')


@override_settings(DEBUG=False)
class CatalogTests(TestCase):
    def setUp(self) -> None:
        self.parent = User.objects.create_user(email="parent@example.com", password="a long pass phrase 1")

    def test_the_catalog_gives_the_scripts_their_functions_and_is_the_same_for_everyone(self) -> None:
        """The catalog defines gettext, ngettext and interpolate, and a browser may keep it a day: it is
        not marked private and no-store like a signed-in person's pages."""
        self.client.force_login(self.parent)
        response = self.client.get("/jsi18n/")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
        text = response.content.decode()
        for name in ("gettext", "ngettext", "interpolate", "pluralidx"):
            assert f"django.{name} = function" in text or f"globals.{name} = django.{name}" in text, name
        assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
        assert "no-store" not in response["Cache-Control"] and "private" not in response["Cache-Control"]

    def test_every_page_loads_the_catalog_before_the_scripts_that_use_it(self) -> None:
        self.client.force_login(self.parent)
        page = self.client.get(reverse("accounts:home")).content.decode()
        catalog = page.index(f'<script src="{reverse("javascript_catalog")}"></script>')
        assert catalog < page.index("js/offline-queue.js") < page.index("js/pwa.js")
        self.client.logout()
        signed_out = self.client.get(reverse("account_login")).content.decode()
        assert reverse("javascript_catalog") in signed_out

    def test_the_service_worker_keeps_the_catalog_and_has_its_offline_page_in_the_sites_words(self) -> None:
        """Given the worker's configuration, then the catalog is in the shell it caches at install (the
        scripts have their words offline), and the offline page's words come translated from here."""
        pwa._worker_source.cache_clear()
        try:
            with translation.override("en"):
                text = self.client.get("/sw.js").content.decode()
        finally:
            pwa._worker_source.cache_clear()
        config = json.loads(text.split("\n", 1)[0].removeprefix("self.IEPR_CONFIG = ").removesuffix(";"))
        assert "/jsi18n/" in config["shell"]
        assert config["offline"]["heading"] == "No connection"
        assert config["offline"]["text"].startswith("This page was not saved on this phone.")
        assert config["offline"]["lang"] == "en"
        assert "escape(words.text)" in text  # put on the page as text, never as markup
