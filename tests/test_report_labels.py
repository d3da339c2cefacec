"""Choice labels in a report's data (statuses, miss reasons, sources, item kinds, IEP status, the
state, communication channels) are looked up through gettext when the report is built, in the language
active then: a report made in Spanish gets them in Spanish, and the data stays plain JSON (no lazy
strings) for the renderer."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from typing import Any
from unittest import mock

from django.utils import translation

from correspondence.services import create_communication
from logbook.models import MissReason, Source, Status
from logbook.services import retract_entry
from reports import labels
from reports.data import ReportInputs, report_data
from tests.base import BaseTestCase
from tests.reports_support import TempFiles, log

START, END = date(2026, 9, 1), date(2026, 9, 30)
# A fake Spanish catalog: the words the report's labels would have in a translation.
SPANISH = {
    "Missed": "No se dio",
    "Partly delivered": "Se dio en parte",
    "Provider or staff absent": "Faltó quien da el servicio",
    "Substitute did not know or did not follow the IEP": "El sustituto no siguió el IEP",
    "A teacher or staff member told me": "Me lo dijo un maestro",
    "Not stated": "No consta",
    "No reason given": "Sin motivo",
    "Accommodation": "Adaptación",
    "Service": "Servicio",
    "Active": "Vigente",
    "California": "California (es)",
    "Phone call": "Llamada",
}


def fake_gettext(text: str) -> str:
    """gettext with SPANISH as the catalog for "es": what a real catalog does, in the active language.

    It stands in for Django's own lookup, which every lazy label calls when it becomes text."""
    return SPANISH.get(text, text) if translation.get_language() == "es" else text


class ReportLabelTests(TempFiles, BaseTestCase):
    def setUp(self) -> None:
        miss: dict[str, Any] = {"reason": MissReason.PROVIDER_ABSENT, "source": Source.TEACHER_SAID, "minutes": 0}
        entries: list[tuple[Any, date, str, dict[str, Any]]] = [
            (self.extended_time, date(2026, 9, 8), Status.MISSED, {"reason": MissReason.SUBSTITUTE}),
            (self.speech, date(2026, 9, 3), Status.MISSED, miss),
            (self.speech, date(2026, 9, 17), Status.PARTIAL, {"minutes": 10}),
        ]
        for provision, day, status, facts in entries:
            log(self.child, provision, day, status, self.alice, **facts)
        partly = log(self.child, self.speech, date(2026, 9, 10), Status.PARTIAL, self.alice, minutes=15)
        retract_entry(partly, self.alice, reason="Logged for the wrong day")
        create_communication(
            self.child,
            user=self.alice,
            client_id=uuid.uuid4(),
            date=date(2026, 9, 14),
            direction="sent",
            channel="call",
            counterpart_name="Ms. Patel",
            subject="Speech missed",
        )

    def build(self) -> dict[str, Any]:
        inputs = ReportInputs(
            child=self.child,
            kind="evidence",
            start=START,
            end=END,
            provision_ids=None,
            bates_prefix="RIVERA-",
            bates_start=1,
            ask="",
            generated_by="Alice",
            generated_at=datetime(2026, 10, 1, 12, 0, tzinfo=UTC),
        )
        data, _chain = report_data(inputs)
        data.pop("exhibit_files")  # the files themselves, handed to the renderer apart
        return data

    def labels_of(self, data: dict[str, Any]) -> dict[str, Any]:
        [iep] = data["ieps"]
        speech = next(p for p in data["provisions"] if p["label"] == "Speech therapy")
        return {
            "state": data["child"]["state"],
            "misses": [(m["date"], m["status"], m["reason"], m["source"]) for m in data["misses"]],
            "withdrawn": [r["said"] for r in data["retractions"]],
            "reasons": [r["label"] for r in speech["reasons"]],
            "iep": (iep["status"], sorted(p["kind"] for p in iep["provisions"])),
            "channels": [row["channel"] for row in data["communications"]["rows"]],
        }

    def test_a_report_built_in_spanish_gets_its_labels_from_the_catalog_as_plain_text(self) -> None:
        with mock.patch.object(translation._trans, "gettext", side_effect=fake_gettext) as looked_up:  # type: ignore[attr-defined]
            english = self.labels_of(self.build())
            with translation.override("es"):
                data = self.build()
        spanish = self.labels_of(data)
        json.dumps(data)  # plain str everywhere: nothing lazy reaches the renderer
        assert english == {
            "state": "California",
            "misses": [
                ("Sep 3, 2026", "Missed", "Provider or staff absent", "A teacher or staff member told me"),
                ("Sep 8, 2026", "Missed", "Substitute did not know or did not follow the IEP", "Not stated"),
                ("Sep 17, 2026", "Partly delivered", "No reason given", "Not stated"),
            ],
            "withdrawn": ["Partly delivered"],
            "reasons": ["Provider or staff absent"],
            "iep": ("Active", ["Accommodation", "Service"]),
            "channels": ["Phone call"],
        }
        assert spanish == {
            "state": "California (es)",
            "misses": [
                ("Sep 3, 2026", "No se dio", "Faltó quien da el servicio", "Me lo dijo un maestro"),
                ("Sep 8, 2026", "No se dio", "El sustituto no siguió el IEP", "No consta"),
                ("Sep 17, 2026", "Se dio en parte", "Sin motivo", "No consta"),
            ],
            "withdrawn": ["Se dio en parte"],
            "reasons": ["Faltó quien da el servicio"],
            "iep": ("Vigente", ["Adaptación", "Servicio"]),
            "channels": ["Llamada"],
        }
        assert {"Missed", "No reason given", "Active", "Phone call"} <= {c.args[0] for c in looked_up.call_args_list}

    def test_without_a_catalog_the_labels_are_the_english_words(self) -> None:
        """The real gettext, with no Spanish catalog for these words: the report keeps its English labels."""
        with translation.override("es"):
            data = self.build()
        assert [(m["status"], m["reason"]) for m in data["misses"]][:1] == [("Missed", "Provider or staff absent")]
        assert labels.choice_label({"x": "Extended time"}, "unknown code") == "unknown code"
