"""The insights' reason and source words are looked up when the numbers are computed, in the language
active then (the lazy model labels), not frozen in English when the module is imported."""

from __future__ import annotations

import json
from datetime import date
from unittest import mock

from django.utils import translation

from insights.compliance import compute_compliance
from insights.patterns import find_patterns
from logbook.models import MissReason, Source, Status
from tests.base import BaseTestCase
from tests.reports_support import log

SPANISH = {
    "Provider or staff absent": "Faltó quien da el servicio",
    "A teacher or staff member told me": "Me lo dijo un maestro",
    "Not said": "No se dijo",
}
_real_gettext = translation._trans.gettext  # type: ignore[attr-defined]


def fake_gettext(text: str) -> str:
    """What a Spanish catalog would answer while "es" is active (the lazy labels call this)."""
    return SPANISH.get(text, text) if translation.get_language() == "es" else _real_gettext(text)


class InsightLabelTests(BaseTestCase):
    def setUp(self) -> None:
        for day in (date(2026, 9, 8), date(2026, 9, 15)):
            log(
                self.child,
                self.speech,
                day,
                Status.MISSED,
                self.alice,
                reason=MissReason.PROVIDER_ABSENT,
                source=Source.TEACHER_SAID,
            )
        log(self.child, self.speech, date(2026, 9, 22), Status.MISSED, self.alice, reason=MissReason.PROVIDER_ABSENT)

    def words(self, language: str) -> tuple[set[str], set[str], dict[str, object]]:
        with mock.patch.object(translation._trans, "gettext", fake_gettext), translation.override(language):  # type: ignore[attr-defined]
            compliance = compute_compliance(self.child, date(2026, 9, 1), date(2026, 9, 30))
            patterns = find_patterns(compliance)
        reasons = {r.label for p in compliance.provisions for r in p.miss_reasons}
        sources = {s.label for b in patterns.sources for s in b.sources}
        return reasons, sources, patterns.to_json()

    def test_reasons_and_sources_are_in_the_language_of_the_computation(self) -> None:
        reasons, sources, as_json = self.words("es")
        assert reasons == {"Faltó quien da el servicio"}
        assert sources == {"Me lo dijo un maestro", "No se dijo"}
        assert "Faltó quien da el servicio" in json.dumps(as_json, ensure_ascii=False)  # plain text, serialisable

    def test_in_english_they_are_the_model_words(self) -> None:
        reasons, sources, _ = self.words("en")
        assert reasons == {"Provider or staff absent"}
        assert sources == {"A teacher or staff member told me", "Not said"}
        assert all(type(label) is str for label in reasons | sources)
