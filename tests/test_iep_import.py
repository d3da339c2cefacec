"""IEP import: the frequency parser, extraction from generated IEPs, the command, and the review pages."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from datetime import date
from functools import cache
from io import StringIO
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from evidence.models import Attachment, EvidenceRecord
from evidence.verify import verify_child
from plans.iep_import import candidates_from_paste, extract, parse_frequency
from plans.models import Iep, Provision
from tests import iep_samples
from tests.base import ViewerTestCase


def every_sample() -> list[iep_samples.Sample]:
    return [*iep_samples.all_samples(), *iep_samples.variation_samples(), iep_samples.twelve_item_sample()]


@cache
def sample_pdf(name: str) -> bytes:
    return sample(name).pdf()


def sample(name: str) -> iep_samples.Sample:
    return {s.name: s for s in every_sample()}[name]


# --- The frequency parser -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 x 30 min weekly", {"minutes": 60, "period": "week", "sessions": 2, "session_minutes": 30}),
        ("120 minutes per month", {"minutes": 120, "period": "month", "sessions": None, "schedule": "flexible"}),
        ("daily", {"minutes": None, "schedule": "every_day"}),
        ("3x/week for 20 minutes", {"minutes": 60, "period": "week", "sessions": 3, "session_minutes": 20}),
        ("as needed", {"minutes": None, "schedule": "flexible"}),
        ("30 minutes daily", {"minutes": 150, "period": "week", "session_minutes": 30, "schedule": "every_day"}),
        ("1 hour per week", {"minutes": 60, "period": "week"}),
        ("1.5 hours weekly", {"minutes": 90, "period": "week"}),
        ("Twice a week, 30 minutes per session", {"minutes": 60, "sessions": 2, "session_minutes": 30}),
        ("4 times per month 30 minutes", {"minutes": 120, "period": "month", "sessions": 4}),
        ("Mondays and Thursdays, 45 minutes", {"schedule": "weekdays", "weekdays": [0, 3], "minutes": 90}),
        ("M/W/F 20 min", {"schedule": "weekdays", "weekdays": [0, 2, 4], "minutes": 60, "sessions": 3}),
        ("Extended time (1.5x) on tests", {"sessions": None, "minutes": None}),
        ("During all tests", {"schedule": "", "minutes": None}),
    ],
)
def test_the_frequency_parser_reads_the_ways_ieps_state_time(text: str, expected: dict) -> None:  # type: ignore[type-arg]
    parsed = parse_frequency(text)
    assert {key: parsed[key] for key in expected} == expected


# --- Extraction from generated IEPs -------------------------------------------------------------


LAYOUTS = ["grid", "bulleted", "two_column", "testing_page", "multipage", "twelve"]
VARIATIONS = ["numbered_caps", "combined_column", "mixed_table"]  # written after the extractor


@pytest.mark.parametrize("name", [*LAYOUTS, *VARIATIONS])
def test_every_provision_of_each_layout_is_found_in_its_exact_words(name: str) -> None:
    """Given an IEP in one of the layouts, when it is read, then each provision is found once, word for word."""
    found = extract(sample_pdf(name))
    result = iep_samples.score(sample(name), found.candidates)
    assert result.missed == [] and result.extra == []
    assert result.exact == result.expected == len(found.candidates)
    assert result.kind_right == result.expected
    assert result.minutes_right == result.minutes_expected
    assert found.dates == sample(name).dates


def test_the_services_grid_gives_setting_provider_minutes_and_page() -> None:
    found = extract(sample_pdf("grid"))
    speech = next(c for c in found.candidates if c["wording"] == "Speech and language therapy")
    assert speech["kind"] == "service" and speech["page"] == 1
    assert (speech["minutes"], speech["period"], speech["sessions"], speech["session_minutes"]) == (60, "week", 2, 30)
    assert (speech["setting"], speech["provider"]) == ("Therapy room", "Speech-language pathologist")
    assert (speech["start"], speech["end"]) == ("09/02/2026", "09/01/2027")
    ot = next(c for c in found.candidates if c["wording"] == "Occupational therapy")
    assert (ot["minutes"], ot["period"], ot["schedule"]) == (120, "month", "flexible")


def test_goals_and_present_levels_are_not_taken_for_provisions() -> None:
    wordings = " ".join(c["wording"] for c in extract(sample_pdf("grid")).candidates)
    assert "words per minute" not in wordings and "curious student" not in wordings


def test_a_table_running_over_page_breaks_keeps_its_columns() -> None:
    found = extract(sample_pdf("multipage"))
    assert found.pages == 3
    assert {c["page"] for c in found.candidates} == {1, 2, 3}
    assert all(c["kind"] == "service" and c["setting"] for c in found.candidates)


def test_testing_accommodations_on_their_own_page_come_from_page_two() -> None:
    found = extract(sample_pdf("testing_page"))
    testing = [c for c in found.candidates if c["page"] == 2]
    assert [c["wording"] for c in testing] == iep_samples.TESTING
    assert testing[0]["section"] == "Testing Accommodations (State and District Assessments)"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
def test_a_scanned_page_is_read_by_ocr() -> None:
    found = extract(sample_pdf("scanned"))
    assert found.scanned_pages == [1] and found.ocr_pages == [1]
    result = iep_samples.score(sample("scanned"), found.candidates)
    assert result.matched >= 5 and result.extra == []


def test_without_tesseract_a_scanned_page_is_flagged_and_nothing_is_invented() -> None:
    with mock.patch("plans.iep_import.pdf.tesseract_available", return_value=False):
        found = extract(sample_pdf("scanned"))
    assert found.scanned_pages == [1] and found.ocr_pages == [] and found.needs_ocr
    assert found.candidates == []


def test_when_ocr_fails_the_scanned_page_is_flagged_like_one_without_tesseract() -> None:
    """Given Tesseract failing or timing out, then the page is left unread and the paste path offered, not a 500."""
    failing = mock.Mock(side_effect=subprocess.TimeoutExpired(["tesseract"], 60))
    with (
        mock.patch("plans.iep_import.pdf.tesseract_available", return_value=True),
        mock.patch("plans.iep_import.pdf.ocr_image", failing),
    ):
        found = extract(sample_pdf("scanned"))
    assert failing.called
    assert found.scanned_pages == [1] and found.ocr_pages == [] and found.needs_ocr
    assert found.candidates == []


def test_pasted_text_gives_one_provision_per_line_or_bullet() -> None:
    text = (
        "Accommodations\n"
        "• Extended time (1.5x) on tests and\n  quizzes.\n"
        "• Preferential seating.\n"
        "Services\n"
        "Speech therapy 2 x 30 min weekly\n"
        "Occupational therapy 120 minutes per month\n"
    )
    found = candidates_from_paste(text)
    assert [c["wording"] for c in found] == [
        "Extended time (1.5x) on tests and quizzes.",
        "Preferential seating.",
        "Speech therapy 2 x 30 min weekly",
        "Occupational therapy 120 minutes per month",
    ]
    assert [c["kind"] for c in found] == ["accommodation", "accommodation", "service", "service"]
    assert [(c["minutes"], c["period"]) for c in found] == [(None, ""), (None, ""), (60, "week"), (120, "month")]


def test_plain_pasted_lines_are_each_one_provision_of_the_chosen_kind() -> None:
    found = candidates_from_paste("Use of a calculator\nSpelling not graded\n", "modification")
    assert [(c["wording"], c["kind"]) for c in found] == [
        ("Use of a calculator", "modification"),
        ("Spelling not graded", "modification"),
    ]


# --- The command --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_iep_dry_run_prints_the_candidates_and_dates_as_json(tmp_path: Path) -> None:
    path = tmp_path / "iep.pdf"
    path.write_bytes(sample_pdf("twelve"))
    out = StringIO()
    call_command("import_iep", str(path), "--dry-run", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["dates"]["effective_from"] == "2026-09-02"
    assert len(printed["candidates"]) == 12
    first = printed["candidates"][0]
    for key in ("wording", "kind", "schedule", "minutes", "period", "sessions", "provider", "setting", "page"):
        assert key in first
    assert printed["candidates"] == extract(sample_pdf("twelve")).candidates  # the same extraction as the page
    assert Iep.objects.count() == 0 and Attachment.objects.count() == 0


# --- The pages ----------------------------------------------------------------------------------


class ImportPageTests(ViewerTestCase):
    def setUp(self) -> None:
        root = Path(tempfile.mkdtemp(prefix="iepright-import-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        self.enterContext(override_settings(ATTACHMENT_ROOT=root))

    def url(self, name: str, *args: object) -> str:
        return reverse(f"plans:{name}", args=[self.child.pk, *args])

    def upload(self, name: str = "twelve") -> Any:
        pdf = SimpleUploadedFile("maya-iep.pdf", sample_pdf(name), content_type="application/pdf")
        return self.client.post(self.url("iep_import"), {"document": pdf, "kind": "accommodation"})

    def review_data(self, count: int, **changes: object) -> dict[str, object]:
        """The review form as the page renders it, every item kept, with ``changes`` applied."""
        response = self.client.get(self.url("iep_import_review"))
        form = response.context["formset"]
        data: dict[str, object] = {
            "item-TOTAL_FORMS": str(count),
            "item-INITIAL_FORMS": str(count),
            "item-MIN_NUM_FORMS": "0",
            "item-MAX_NUM_FORMS": "300",
        }
        for index, item in enumerate(form.forms):
            for name, field in item.fields.items():
                value = item.initial.get(name, field.initial)
                if name == "keep":
                    if value:
                        data[f"item-{index}-keep"] = "on"
                elif value not in (None, ""):
                    data[f"item-{index}-{name}"] = value
        iep_form = response.context["iep_form"]
        if iep_form is not None:
            for name in iep_form.fields:
                value = iep_form.initial.get(name)
                data[name] = value.isoformat() if isinstance(value, date) else (value or "")
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    def test_the_upload_is_kept_in_the_ledger_and_the_review_shows_each_item_word_for_word(self) -> None:
        self.client.force_login(self.alice)
        response = self.upload()
        assert response.status_code == 302 and response["Location"] == self.url("iep_import_review")
        document = Attachment.objects.get(child=self.child)
        assert document.object_type == "iep" and document.content_type == "application/pdf"
        assert EvidenceRecord.objects.filter(object_type="attachment", object_id=str(document.pk)).count() == 1
        html = self.client.get(self.url("iep_import_review")).content.decode()
        assert html.count('class="card candidate') == 12
        assert ">\nExtended time (1.5x) on tests, quizzes and in-class assignments.</textarea>" in html
        assert "The IEP says: <q>2 x 30 min weekly</q>" in html
        assert 'name="effective_from" value="2026-09-02"' in html
        assert 'name="annual_review_due" value="2027-08-20"' in html
        assert "the deadlines are estimates" in html  # the disclaimer beside the dates

    def test_kept_items_become_a_draft_iep_with_its_document_in_one_step(self) -> None:
        self.client.force_login(self.bob)
        self.upload()
        document = Attachment.objects.get(child=self.child)
        before = EvidenceRecord.objects.count()
        data = self.review_data(12, **{"item-1-keep": None, "item-0-label": "Extra time"})
        response = self.client.post(self.url("iep_import_review"), data)
        iep = Iep.objects.get(effective_from=date(2026, 9, 2))
        assert response.status_code == 302 and response["Location"] == self.url("iep", iep.pk)
        assert iep.status == Iep.Status.DRAFT and iep.source_file == document
        assert (iep.effective_to, iep.meeting_date) == (date(2027, 9, 1), date(2026, 8, 20))
        provisions = list(iep.provisions.order_by("position"))
        assert len(provisions) == 11  # the second item was dropped
        assert provisions[0].label == "Extra time"
        assert provisions[0].wording == "Extended time (1.5x) on tests, quizzes and in-class assignments."
        assert "Preferential seating" not in [p.label for p in provisions]
        speech = next(p for p in provisions if p.wording == "Speech and language therapy")
        assert (speech.kind, speech.minutes, speech.period, speech.session_minutes) == ("service", 60, "week", 30)
        assert (speech.schedule, speech.sessions) == (Provision.Schedule.FLEXIBLE, 2)
        ot = next(p for p in provisions if p.wording == "Occupational therapy")
        assert (ot.schedule, ot.minutes, ot.period, ot.sessions) == (Provision.Schedule.FLEXIBLE, 120, "month", None)
        assert provisions[0].schedule == Provision.Schedule.EVERY_DAY
        assert (speech.setting, speech.responsible_staff) == ("Therapy room", "Speech-language pathologist")
        kinds = list(EvidenceRecord.objects.filter(pk__gt=0).order_by("pk").values_list("kind", flat=True))[before:]
        assert kinds == ["iep.created", "attachment.edited", *["provision.created"] * 11]
        assert self.client.session.get("iep_import") is None
        assert verify_child(self.child.pk).ok  # the current rows match the ledger's latest payloads

    def test_an_invalid_item_answers_422_and_saves_nothing(self) -> None:
        self.client.force_login(self.alice)
        self.upload()
        counts = (Iep.objects.count(), Provision.objects.count(), EvidenceRecord.objects.count())
        data = self.review_data(12, **{"item-8-period": ""})  # minutes without "per week" or "per month"
        response = self.client.post(self.url("iep_import_review"), data)
        assert response.status_code == 422
        assert 'id="id_item-8-period_error"' in response.content.decode()
        assert (Iep.objects.count(), Provision.objects.count(), EvidenceRecord.objects.count()) == counts

    def test_a_dropped_item_is_not_checked(self) -> None:
        self.client.force_login(self.alice)
        self.upload()
        data = self.review_data(12, **{"item-8-period": "", "item-8-keep": None})
        assert self.client.post(self.url("iep_import_review"), data).status_code == 302
        assert Iep.objects.get(effective_from=date(2026, 9, 2)).provisions.count() == 11

    def test_pasted_text_adds_items_to_an_existing_iep(self) -> None:
        self.client.force_login(self.alice)
        text = "- Use of a calculator for math.\n- Speech therapy 2 x 30 min weekly\n"
        response = self.client.post(self.url("iep_import_items", self.iep.pk), {"text": text, "kind": "modification"})
        assert response["Location"] == self.url("iep_import_review")
        html = self.client.get(self.url("iep_import_review")).content.decode()
        assert 'name="effective_from"' not in html  # the IEP exists: no dates to fill in
        response = self.client.post(self.url("iep_import_review"), self.review_data(2))
        assert response["Location"] == self.url("iep", self.iep.pk)
        added = list(self.iep.provisions.order_by("position"))[2:]
        assert [(p.kind, p.wording) for p in added] == [
            ("modification", "Use of a calculator for math."),
            ("service", "Speech therapy 2 x 30 min weekly"),
        ]
        assert [p.position for p in added] == [3, 4]

    def test_a_file_that_is_not_a_pdf_is_refused_with_422(self) -> None:
        self.client.force_login(self.alice)
        text = SimpleUploadedFile("iep.pdf", b"hello, not a pdf at all", content_type="application/pdf")
        response = self.client.post(self.url("iep_import"), {"document": text, "kind": "accommodation"})
        assert response.status_code == 422
        assert Iep.objects.count() == 1

    def test_nothing_chosen_answers_422(self) -> None:
        self.client.force_login(self.alice)
        response = self.client.post(self.url("iep_import"), {"text": "  ", "kind": "accommodation"})
        assert response.status_code == 422 and "Choose the IEP" in response.content.decode()

    def test_a_scan_without_ocr_says_so_plainly_and_offers_the_paste_path(self) -> None:
        self.client.force_login(self.alice)
        with mock.patch("plans.iep_import.pdf.tesseract_available", return_value=False):
            self.upload("scanned")
        html = self.client.get(self.url("iep_import_review")).content.decode()
        assert "this server cannot read scans" in html and "Paste the text" in html

    def test_the_review_without_an_upload_goes_back_to_the_start(self) -> None:
        self.client.force_login(self.alice)
        assert self.client.get(self.url("iep_import_review"))["Location"] == self.url("iep_import")

    def test_a_viewer_and_an_outsider_get_404(self) -> None:
        for person in (self.dave, self.charlie):
            self.client.force_login(person)
            for url in (
                self.url("iep_import"),
                self.url("iep_import_review"),
                self.url("iep_import_items", self.iep.pk),
            ):
                assert self.client.get(url).status_code == 404


class ProvisionFormTests(ViewerTestCase):
    def url(self, name: str, *args: object) -> str:
        return reverse(f"plans:{name}", args=[self.child.pk, *args])

    def test_the_common_fields_come_first_and_the_rest_is_folded_away(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(self.url("provision_new", self.iep.pk)).content.decode()
        quick, folded = html.split('<details class="more" id="provision-more">')
        for name in ("wording", "kind", "label", "schedule", "minutes", "period"):
            assert f'name="{name}"' in quick and f'name="{name}"' not in folded
        for name in ("days", "sessions", "session_minutes", "setting", "responsible_staff", "purpose"):
            assert f'name="{name}"' in folded and f'name="{name}"' not in quick
        assert quick.index('name="wording"') < quick.index('name="kind"') < quick.index('name="schedule"')
        assert "js/plans.js" in html

    def test_an_item_on_chosen_weekdays_opens_the_folded_part(self) -> None:
        self.client.force_login(self.alice)
        html = self.client.get(self.url("provision_edit", self.speech.pk)).content.decode()
        assert '<details class="more" id="provision-more" open>' in html

    def test_a_label_left_empty_is_made_from_the_wording(self) -> None:
        self.client.force_login(self.bob)
        data = {"kind": "accommodation", "wording": "Preferential seating near the teacher.", "schedule": "every_day"}
        response = self.client.post(self.url("provision_new", self.iep.pk), data)
        assert response.status_code == 302
        assert self.iep.provisions.get(wording=data["wording"]).label == "Preferential seating"

    def test_an_amendment_copies_the_current_iep_with_every_field_so_only_changes_are_made(self) -> None:
        """Given the IEP in effect, when it is amended, then the new version holds a copy of each item."""
        self.speech.schedule, self.speech.sessions = Provision.Schedule.FLEXIBLE, 2
        self.speech.save()
        self.client.force_login(self.alice)
        self.client.post(self.url("iep_amend", self.iep.pk), {"effective_from": "2027-01-04", "note": "More OT"})
        amendment = Iep.objects.get(amends=self.iep)
        copies = list(amendment.provisions.order_by("position"))
        assert [(p.label, p.wording, p.lineage) for p in copies] == [
            (p.label, p.wording, p.lineage) for p in (self.extended_time, self.speech)
        ]
        assert (copies[1].schedule, copies[1].sessions, copies[1].minutes) == ("flexible", 2, 60)
        html = self.client.get(self.url("iep", amendment.pk)).content.decode()
        assert "From the PDF or pasted text" in html  # new items of the amendment can be read in too
