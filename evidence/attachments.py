"""Attachments: files kept by their SHA-256, typed by their bytes, written once.

``store_attachment`` is the one way a file enters the app. It streams the upload into a temporary
file under ``ATTACHMENT_ROOT`` while hashing it, decides the type from the bytes themselves (never
the file name or the browser's Content-Type), and only then moves the file to
``ATTACHMENT_ROOT/ab/cd/<sha256>`` with an atomic rename. Identical content is stored once. A
refused file leaves nothing behind: no file, no row, no ledger record.
"""

from __future__ import annotations

import codecs
import email.parser
import email.policy
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from evidence import ledger
from evidence.files import durable_replace
from evidence.models import Attachment

ACCEPTED_TYPES_TEXT = "a photo (JPEG, PNG or HEIC), a PDF, a plain text file or a saved email (.eml)"
SNIFF_BYTES = 64 * 1024  # enough for magic numbers and an email's header block
IMAGE_TYPES = {"image/jpeg", "image/png", "image/heic", "image/heif"}
HEIF_BRANDS = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"hevc": "image/heic",
    b"mif1": "image/heif",
    b"msf1": "image/heif",
}
# A text file whose start looks like markup would be a web page to a browser: we refuse it.
MARKUP_START = re.compile(
    rb"\s*<(!doctype|html|head|body|script|iframe|svg|\?xml|!--|style|title|table|div|a[\s>]|p[\s>]|b[\s>]|br|h1|font|object|embed)",
    re.IGNORECASE,
)
MARKUP_ANYWHERE = re.compile(rb"<(script|iframe|html|svg|object|embed)[\s>/]", re.IGNORECASE)
HEADER_LINE = re.compile(rb"^[!-9;-~]+:")


class AttachmentRejected(ValueError):
    """The file cannot be kept; the message says why in words a parent can act on."""


@dataclass(frozen=True)
class _Received:
    """A fully received upload sitting in a temporary file."""

    temp_path: Path
    sha256: str
    size: int
    head: bytes
    utf8_text: bool  # valid UTF-8 throughout, without NUL bytes


def attachment_root() -> Path:
    return Path(settings.ATTACHMENT_ROOT)


def attachment_path(sha256: str) -> Path:
    """Where the file with this SHA-256 lives: ``ATTACHMENT_ROOT/ab/cd/<sha256>``."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("Not a SHA-256 hex digest.")
    return attachment_root() / sha256[:2] / sha256[2:4] / sha256


def sniff_content_type(head: bytes, *, utf8_text: bool) -> str:
    """The content type these bytes really are, or AttachmentRejected.

    ``head`` is the start of the file (at least the first 64 KiB when the file is that long);
    ``utf8_text`` says whether the whole file is valid UTF-8 without NUL bytes.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    heif = _heif_type(head)
    if heif:
        return heif
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if _looks_like_email(head):
        return "message/rfc822"
    if utf8_text:
        if MARKUP_START.match(head.removeprefix(codecs.BOM_UTF8)) or MARKUP_ANYWHERE.search(head):
            raise AttachmentRejected(
                f"This file looks like a web page (HTML), which we can't keep. Please add {ACCEPTED_TYPES_TEXT}."
            )
        return "text/plain; charset=utf-8"
    raise AttachmentRejected(f"We can't keep this kind of file. Please add {ACCEPTED_TYPES_TEXT}.")


def _heif_type(head: bytes) -> str | None:
    """HEIC/HEIF: an ISO base media file whose first box is ``ftyp`` with a HEIF brand."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[0:4], "big")
    if box_size < 16 or box_size > min(len(head), 4096):
        return None
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, box_size - 3, 4)]
    for brand in brands:
        if brand in HEIF_BRANDS:
            return HEIF_BRANDS[brand]
    return None


def _looks_like_email(head: bytes) -> bool:
    """An RFC 822 message: it starts with header lines and carries From plus Date or Subject."""
    first_line = head.split(b"\n", 1)[0]
    if not HEADER_LINE.match(first_line):
        return False
    header_block, separator, _ = head.replace(b"\r\n", b"\n").partition(b"\n\n")
    if not separator:
        return False
    parsed = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(header_block + b"\n\n")
    if parsed.defects:
        return False
    keys = {key.lower() for key in parsed}
    return "from" in keys and bool(keys & {"date", "subject"})


def _chunks(uploaded_file: Any) -> Iterable[bytes]:
    if hasattr(uploaded_file, "chunks"):
        uploaded_file.seek(0)
        yield from uploaded_file.chunks()
        return
    while chunk := uploaded_file.read(1024 * 1024):
        yield chunk


def _receive(uploaded_file: Any) -> _Received:
    """Stream the upload into a temporary file under ATTACHMENT_ROOT, hashing it as it comes."""
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > max_bytes:
        raise AttachmentRejected(_too_big_message(max_bytes))
    root = attachment_root()
    root.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".upload-", dir=root)
    temp_path = Path(temp_name)
    try:
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8_text = True
        size = 0
        head = b""
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(uploaded_file):
                size += len(chunk)
                if size > max_bytes:
                    raise AttachmentRejected(_too_big_message(max_bytes))
                digest.update(chunk)
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                if utf8_text:
                    utf8_text = _still_text(decoder, chunk)
                out.write(chunk)
            if utf8_text:
                utf8_text = _still_text(decoder, b"", final=True)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise AttachmentRejected("This file is empty. Please choose the file again.")
        return _Received(temp_path, digest.hexdigest(), size, head, utf8_text)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise


def _still_text(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool = False) -> bool:
    if b"\x00" in chunk:
        return False
    try:
        decoder.decode(chunk, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _too_big_message(max_bytes: int) -> str:
    return (
        f"This file is larger than {max_bytes // (1024 * 1024)} MB, the most we can keep. Please choose a smaller file."
    )


def _move_into_place(received: _Received) -> None:
    """Rename the temporary file to its content address; identical content is kept once."""
    final = attachment_path(received.sha256)
    if final.exists():
        received.temp_path.unlink(missing_ok=True)
        return
    durable_replace(received.temp_path, final)


def _clean_name(name: str) -> str:
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "file"


def attachment_payload(att: Attachment) -> dict[str, Any]:
    """The ledger payload of an attachment: what the file is and what it is attached to."""
    return {
        "sha256": att.sha256,
        "size": att.size,
        "content_type": att.content_type,
        "original_name": att.original_name,
        "object_type": att.object_type,
        "object_id": att.object_id,
    }


def current_attachments(child_id: int) -> dict[str, dict[str, Any]]:
    """Verification loader: each attachment of the child as its latest record should show it."""
    return {str(att.pk): attachment_payload(att) for att in Attachment.objects.filter(child_id=child_id)}


def store_attachment(
    *,
    child_id: int,
    uploaded_file: Any,
    user: Any,
    object_type: str = "",
    object_id: int | str = "",
) -> Attachment:
    """Keep ``uploaded_file`` for ``child_id`` and append an "attachment.created" ledger record.

    ``uploaded_file`` is a Django UploadedFile (or any object with ``read``). Raises
    AttachmentRejected, with a message to show the parent, when the file is too big, empty or not
    one of the accepted kinds; nothing is stored then. The same content uploaded again for the same
    child and object returns the existing attachment.
    """
    received = _receive(uploaded_file)
    try:
        content_type = sniff_content_type(received.head, utf8_text=received.utf8_text)
    except AttachmentRejected:
        received.temp_path.unlink(missing_ok=True)
        raise
    object_id = str(object_id)
    existing = Attachment.objects.filter(
        child_id=child_id, sha256=received.sha256, object_type=object_type, object_id=object_id
    ).first()
    if existing is not None:
        received.temp_path.unlink(missing_ok=True)
        return existing
    _move_into_place(received)
    with transaction.atomic():
        att = Attachment.objects.create(
            child_id=child_id,
            sha256=received.sha256,
            content_type=content_type,
            size=received.size,
            original_name=_clean_name(getattr(uploaded_file, "name", "") or ""),
            uploaded_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
            object_type=object_type,
            object_id=object_id,
        )
        _record(att, "created", user)
    return att


def link_attachment(att: Attachment, *, object_type: str, object_id: int | str, user: Any) -> Attachment:
    """Attach an already stored file to an object (e.g. a log entry saved after the upload).

    Appends an "attachment.edited" record; the file itself never changes.
    """
    with transaction.atomic():
        att.object_type = object_type
        att.object_id = str(object_id)
        att.save(update_fields=["object_type", "object_id"])
        _record(att, "edited", user)
    return att


def _record(att: Attachment, action: str, user: Any) -> None:
    ledger.append(
        child_id=att.child_id,
        kind=f"attachment.{action}",
        object_type="attachment",
        object_id=att.pk,
        payload=attachment_payload(att),
        user=user,
    )


def open_attachment(att: Attachment) -> IO[bytes]:
    """The stored bytes of ``att``, opened for reading (the caller closes it)."""
    return attachment_path(att.sha256).open("rb")


def store_attachments(
    *, child_id: int, files: list[Any], user: Any, object_type: str, object_id: int | str
) -> list[Attachment]:
    """Keep several files for one object, all or none (each with its own ledger record).

    When one is refused, the files this call already stored are removed again and AttachmentRejected
    says which file and why ("notes.docx: ..."). Call it inside the transaction that saved the object.
    """
    kept: list[Attachment] = []
    uploaded: Any = None
    try:
        with transaction.atomic():
            for uploaded in files:
                kept.append(
                    store_attachment(
                        child_id=child_id,
                        uploaded_file=uploaded,
                        user=user,
                        object_type=object_type,
                        object_id=object_id,
                    )
                )
    except AttachmentRejected as refused:
        remove_unreferenced_files([att.sha256 for att in kept])
        name = getattr(uploaded, "name", "") or _("A file")
        raise AttachmentRejected(f"{name}: {refused}") from None
    return kept


def is_image(att: Attachment) -> bool:
    return att.content_type in IMAGE_TYPES


def remove_unreferenced_files(hashes: Iterable[str]) -> None:
    """Delete stored files that no attachment row points to any more (after a purge)."""
    still_used = set(Attachment.objects.filter(sha256__in=list(hashes)).values_list("sha256", flat=True))
    for sha256 in set(hashes) - still_used:
        attachment_path(sha256).unlink(missing_ok=True)
