"""Attachments: kept by content hash, typed by their bytes, served only to the household."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import AccessLog
from evidence.attachments import AttachmentRejected, attachment_path, link_attachment, store_attachment
from evidence.models import Attachment, EvidenceRecord
from tests.base import BaseTestCase

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x08mdat"
HEIF_MIF1 = b"\x00\x00\x00\x1cftypmif1\x00\x00\x00\x00mif1miafMiHE" + b"\x00" * 16
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 16
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TEXT = "Ms. Patel said the speech session was cancelled again. Café at 3 pm.\n".encode()
EML = (
    b"From: Ms. Patel <patel@school.example>\r\n"
    b"To: Alice Rivera <alice@example.com>\r\n"
    b"Date: Tue, 15 Sep 2026 15:04:00 -0700\r\n"
    b"Subject: Speech today\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"\r\n"
    b"Speech was cancelled today because the therapist was out.\r\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def upload(content: bytes, name: str, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


class AttachmentTestCase(BaseTestCase):
    root: Path

    def setUp(self) -> None:
        super().setUp()
        self.root = Path(tempfile.mkdtemp(prefix="iepright-attachments-"))
        override = override_settings(ATTACHMENT_ROOT=self.root)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, self.root, True)

    def store(self, content: bytes, name: str, object_type: str = "", object_id: int | str = "") -> Attachment:
        return store_attachment(
            child_id=self.child.pk,
            uploaded_file=upload(content, name),
            user=self.alice,
            object_type=object_type,
            object_id=object_id,
        )

    def stored_files(self) -> list[Path]:
        return [p for p in self.root.rglob("*") if p.is_file()]


class StoreAttachmentTests(AttachmentTestCase):
    def test_each_accepted_kind_is_recognised_by_its_bytes_whatever_its_name(self) -> None:
        cases = [
            (JPEG, "photo.bin", "image/jpeg"),
            (PNG, "screenshot", "image/png"),
            (HEIC, "IMG_0001.HEIC", "image/heic"),
            (HEIF_MIF1, "picture.jpg", "image/heif"),
            (PDF, "iep.txt", "application/pdf"),
            (TEXT, "note.pdf", "text/plain; charset=utf-8"),
            (EML, "message.txt", "message/rfc822"),
        ]
        for content, name, expected in cases:
            with self.subTest(name=name):
                att = self.store(content, name)
                assert att.content_type == expected
                assert att.size == len(content)
                assert att.original_name == name

    def test_it_keeps_the_file_under_its_sha256_with_the_same_bytes(self) -> None:
        att = self.store(PDF, "iep.pdf")
        path = attachment_path(att.sha256)
        assert path == self.root / att.sha256[:2] / att.sha256[2:4] / att.sha256
        assert path.read_bytes() == PDF
        assert self.stored_files() == [path]

    def test_it_appends_an_attachment_created_record_with_hash_size_type_and_link(self) -> None:
        att = self.store(JPEG, "work sample.jpg", object_type="log_entry", object_id=42)
        record = EvidenceRecord.objects.get(object_type="attachment", object_id=str(att.pk))
        assert record.kind == "attachment.created"
        assert record.child_id == self.child.pk
        assert record.recorded_by_id == self.alice.pk
        assert (
            record.payload == '{"content_type":"image/jpeg","object_id":"42","object_type":"log_entry",'
            f'"original_name":"work sample.jpg","sha256":"{att.sha256}","size":{len(JPEG)}}}'
        )

    def test_a_renamed_program_or_web_page_is_refused_with_a_clear_message(self) -> None:
        for content, name in [(EXE, "photo.jpg"), (HTML, "notes.txt"), (MP4, "clip.heic"), (b"\x00\x01\x02", "a.txt")]:
            with self.subTest(name=name), self.assertRaises(AttachmentRejected) as caught:
                self.store(content, name)
            assert "JPEG, PNG or HEIC" in str(caught.exception)
            assert "PDF" in str(caught.exception)
        assert Attachment.objects.count() == 0
        assert self.new_records().count() == 0
        assert self.stored_files() == []

    def test_a_browser_content_type_header_does_not_change_the_verdict(self) -> None:
        with self.assertRaises(AttachmentRejected):
            store_attachment(child_id=self.child.pk, uploaded_file=upload(EXE, "x.jpg", "image/jpeg"), user=self.alice)

    def test_a_file_over_the_size_limit_is_refused_and_nothing_is_stored(self) -> None:
        with override_settings(ATTACHMENT_MAX_BYTES=len(PDF) - 1), self.assertRaises(AttachmentRejected) as caught:
            self.store(PDF, "big.pdf")
        assert "larger than" in str(caught.exception)
        assert Attachment.objects.count() == 0
        assert self.new_records().count() == 0
        assert self.stored_files() == []

    def test_a_file_that_lies_about_its_size_is_still_stopped_at_the_limit(self) -> None:
        class Liar:
            name = "big.pdf"
            size = 10

            def __init__(self) -> None:
                self.parts = [PDF, PDF, b""]

            def read(self, n: int = -1) -> bytes:
                return self.parts.pop(0)

        with override_settings(ATTACHMENT_MAX_BYTES=len(PDF) + 5), self.assertRaises(AttachmentRejected):
            store_attachment(child_id=self.child.pk, uploaded_file=Liar(), user=self.alice)
        assert self.stored_files() == []

    def test_an_empty_file_is_refused(self) -> None:
        with self.assertRaises(AttachmentRejected):
            self.store(b"", "empty.txt")
        assert self.stored_files() == []

    def test_an_email_must_carry_from_and_a_date_or_subject(self) -> None:
        att = self.store(b"Subject: hello\nTo: a@b.c\n\nbody\n", "not-really.eml")
        assert att.content_type == "text/plain; charset=utf-8"

    def test_identical_content_is_stored_once(self) -> None:
        first = self.store(PNG, "a.png", object_type="log_entry", object_id=1)
        second = self.store(PNG, "b.png", object_type="log_entry", object_id=2)
        again = self.store(PNG, "a-again.png", object_type="log_entry", object_id=1)
        assert first.sha256 == second.sha256
        assert first.pk != second.pk
        assert again.pk == first.pk
        assert len(self.stored_files()) == 1
        assert EvidenceRecord.objects.filter(kind="attachment.created").count() == 2

    def test_the_name_is_reduced_to_a_plain_file_name(self) -> None:
        att = self.store(TEXT, "../../etc/pass\x00wd")
        assert att.original_name == "passwd"

    def test_linking_a_file_later_appends_an_edited_record(self) -> None:
        att = self.store(JPEG, "photo.jpg")
        link_attachment(att, object_type="log_entry", object_id=7, user=self.bob)
        kinds = list(EvidenceRecord.objects.filter(object_type="attachment").values_list("kind", flat=True))
        assert kinds == ["attachment.created", "attachment.edited"]
        assert '"object_id":"7"' in EvidenceRecord.objects.get(kind="attachment.edited").payload


class AttachmentDownloadTests(AttachmentTestCase):
    def url(self, att: Attachment) -> str:
        return reverse("evidence:attachment", kwargs={"child_id": self.child.pk, "attachment_id": att.pk})

    def test_a_member_downloads_a_pdf_as_an_attachment_with_its_real_type(self) -> None:
        att = self.store(PDF, "iep.pdf")
        self.client.force_login(self.bob)
        response = self.client.get(self.url(att))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="iep.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]

    def test_a_photo_is_shown_inline(self) -> None:
        att = self.store(JPEG, "photo.jpg")
        self.client.force_login(self.alice)
        response = self.client.get(self.url(att))
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_text_is_served_as_plain_text_to_download(self) -> None:
        att = self.store(TEXT, "note.html")
        self.client.force_login(self.alice)
        response = self.client.get(self.url(att))
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment")

    def test_each_download_is_written_to_the_access_log(self) -> None:
        att = self.store(PDF, "iep.pdf")
        self.client.force_login(self.alice)
        self.client.get(self.url(att))
        log = AccessLog.objects.get()
        assert (log.user, log.household, log.child_id, log.action) == (
            self.alice,
            self.household,
            self.child.pk,
            "attachment",
        )
        assert log.path == self.url(att)

    def test_an_outsider_gets_404_and_nothing_is_logged(self) -> None:
        att = self.store(PDF, "iep.pdf")
        self.client.force_login(self.charlie)
        assert self.client.get(self.url(att)).status_code == 404
        assert AccessLog.objects.count() == 0

    def test_a_file_of_another_child_is_not_reachable_through_this_child(self) -> None:
        from plans.models import Child

        other = Child.objects.create(household=self.household, name="Leo Rivera")
        att = store_attachment(child_id=other.pk, uploaded_file=upload(PDF, "x.pdf"), user=self.alice)
        self.client.force_login(self.alice)
        assert self.client.get(self.url(att)).status_code == 404

    def test_signed_out_visitors_are_sent_to_sign_in(self) -> None:
        att = self.store(PDF, "iep.pdf")
        response = self.client.get(self.url(att))
        assert response.status_code == 302
        assert "/account/login/" in response["Location"]
