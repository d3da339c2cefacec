"""Photos and files on log entries: kept with the entry in one go, or nothing kept at all."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from evidence.models import Attachment
from evidence.verify import verify_child
from logbook.models import LogEntry, Status
from logbook.services import MAX_FILES_PER_SAVE
from tests.logbook_base import TODAY, LogbookTestCase, new_id

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def photos(count: int, first: int = 0) -> list[SimpleUploadedFile]:
    """``count`` different small PNGs (the last byte tells them apart), named page-<n>.png."""
    return [SimpleUploadedFile(f"page-{n}.png", PNG + bytes([n]), "image/png") for n in range(first, first + count)]


class EntryAttachmentTests(LogbookTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = Path(tempfile.mkdtemp(prefix="iepright-logbook-files-"))
        override = override_settings(ATTACHMENT_ROOT=self.root)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, self.root, True)
        self.client.force_login(self.alice)

    def post_miss(self, *files: SimpleUploadedFile):  # type: ignore[no-untyped-def]
        data = {
            "provision": self.extended_time.pk,
            "is_makeup": "0",
            "client_id": new_id(),
            "status": "missed",
            "miss_reason": "substitute",
            "files": list(files),
        }
        return self.client.post(reverse("logbook:save_entry", args=[self.child.pk, TODAY]), data)

    def test_a_miss_keeps_several_photos_and_files_with_their_records(self) -> None:
        response = self.post_miss(
            SimpleUploadedFile("quiz.png", PNG, "image/png"), SimpleUploadedFile("note.pdf", PDF, "application/pdf")
        )
        assert response.status_code == 302
        entry = LogEntry.objects.get()
        files = list(Attachment.objects.order_by("pk"))
        assert [(a.original_name, a.content_type, a.object_type, a.object_id) for a in files] == [
            ("quiz.png", "image/png", "log_entry", str(entry.pk)),
            ("note.pdf", "application/pdf", "log_entry", str(entry.pk)),
        ]
        assert [r.kind for r in self.new_records()] == [
            "log_entry.created",
            "attachment.created",
            "attachment.created",
        ]
        html = self.client.get(response["Location"]).content.decode()
        assert "Saved: Extended time, missed with 2 files." in html
        assert reverse("evidence:attachment", args=[self.child.pk, files[0].pk]) in html
        assert "<img src=" in html and "note.pdf</a>" in html
        assert verify_child(self.child.pk).ok

    def test_a_refused_file_keeps_nothing_and_says_why(self) -> None:
        response = self.post_miss(
            SimpleUploadedFile("quiz.png", PNG, "image/png"), SimpleUploadedFile("page.html", HTML, "text/html")
        )
        assert response.status_code == 422
        assert "page.html:" in response.content.decode()
        assert LogEntry.objects.count() == 0
        assert Attachment.objects.count() == 0
        assert self.new_records().count() == 0
        assert not any(path.is_file() for path in self.root.rglob("*"))

    def test_files_through_the_api(self) -> None:
        entry = self.log(TODAY, status=Status.MISSED)
        url = reverse("api:entry_attachments", kwargs={"child_id": self.child.pk, "entry_id": entry.pk})
        response = self.client.post(url, {"files": [SimpleUploadedFile("quiz.png", PNG, "image/png")]})
        assert response.status_code == 200
        [data] = response.json()
        assert data["original_name"] == "quiz.png" and data["content_type"] == "image/png"
        refused = self.client.post(url, {"files": [SimpleUploadedFile("page.html", HTML, "text/html")]})
        assert refused.status_code == 422
        assert Attachment.objects.count() == 1

    def test_more_files_than_one_save_takes_are_refused_and_nothing_is_kept(self) -> None:
        """Given one save with a client id (its receipt holds at most MAX_FILES_PER_SAVE file ids),
        when a phone sends one file more, then the answer is 422 with the limit in words and nothing is
        kept; the same save id then still works for an allowed number of files."""
        entry = self.log(TODAY, status=Status.MISSED)
        url = reverse("api:entry_attachments", kwargs={"child_id": self.child.pk, "entry_id": entry.pk})
        before = self.new_records().count()
        save_id = new_id()
        refused = self.client.post(url, {"files": photos(MAX_FILES_PER_SAVE + 1), "client_id": save_id})
        assert refused.status_code == 422
        assert refused.json() == {"errors": {"files": [f"Please send at most {MAX_FILES_PER_SAVE} files at a time."]}}
        assert Attachment.objects.count() == 0
        assert self.new_records().count() == before
        assert not any(path.is_file() for path in self.root.rglob("*"))

        kept = self.client.post(url, {"files": photos(MAX_FILES_PER_SAVE), "client_id": save_id})
        assert kept.status_code == 200
        assert len(kept.json()) == MAX_FILES_PER_SAVE == Attachment.objects.count()

    def test_the_day_page_tells_the_offline_queue_how_many_files_one_save_takes(self) -> None:
        """The offline queue (static/js/offline-queue.js) splits a day's photos into saves of this size."""
        html = self.client.get(reverse("logbook:day", args=[self.child.pk, TODAY])).content.decode()
        assert f'data-files-per-save="{MAX_FILES_PER_SAVE}"' in html

    def test_twelve_photos_sent_as_two_saves_are_all_kept_once(self) -> None:
        """Given twelve photos taken offline for one entry, when the queue sends them as two saves of
        MAX_FILES_PER_SAVE with their own client ids (and the answer to the first is lost, so it is
        sent again), then all twelve are kept, each once, and the chain verifies."""
        entry = self.log(TODAY, status=Status.MISSED)
        url = reverse("api:entry_attachments", kwargs={"child_id": self.child.pk, "entry_id": entry.pk})
        first_id, second_id = new_id(), new_id()
        first = self.client.post(url, {"files": photos(MAX_FILES_PER_SAVE), "client_id": first_id})
        retried = self.client.post(url, {"files": photos(MAX_FILES_PER_SAVE), "client_id": first_id})
        second = self.client.post(
            url, {"files": photos(12 - MAX_FILES_PER_SAVE, first=MAX_FILES_PER_SAVE), "client_id": second_id}
        )
        assert [first.status_code, retried.status_code, second.status_code] == [200, 200, 200]
        assert retried.json() == first.json()
        kept = Attachment.objects.filter(object_type="log_entry", object_id=str(entry.pk)).order_by("pk")
        assert [a.original_name for a in kept] == [f"page-{n}.png" for n in range(12)]
        assert [a.size for a in kept] == [len(PNG) + 1] * 12
        assert self.new_records().filter(kind="attachment.created").count() == 12
        assert verify_child(self.child.pk).ok

    def test_a_viewer_cannot_add_files(self) -> None:
        entry = self.log(TODAY, status=Status.MISSED)
        self.client.force_login(self.dana)
        url = reverse("api:entry_attachments", kwargs={"child_id": self.child.pk, "entry_id": entry.pk})
        assert self.client.post(url, {"files": [SimpleUploadedFile("quiz.png", PNG, "image/png")]}).status_code == 404
        assert Attachment.objects.count() == 0
