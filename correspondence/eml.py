"""Importing a saved email (.eml file or pasted raw message) as a communication.

The standard library's parser with ``policy=default`` decodes what real mail programs write:
multipart/alternative bodies, quoted-printable and base64 transfer encodings, RFC 2047 encoded
words in the subject and names, attachments. The original bytes are kept as the evidence file (an
``evidence.Attachment`` of type message/rfc822), so what the communication shows can always be
checked against what was received. Each attachment inside the email that evidence accepts (photo,
PDF, text) is also kept on its own; any other stays inside the original file and is named in the
record.
"""

from __future__ import annotations

import email.policy
import html
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, time
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from correspondence import services
from correspondence.models import Channel, Communication, Direction, Origin
from evidence.attachments import AttachmentRejected, store_attachment
from plans.models import Child

_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(p|div|br|tr|li|h[1-6])[^>]*>", re.IGNORECASE)
_HIDDEN = re.compile(r"<(script|style|head)[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)


@dataclass
class ParsedPart:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedEmail:
    """What a saved email says, decoded."""

    day: date | None
    at: time | None
    from_name: str
    from_address: str
    to: list[tuple[str, str]]
    subject: str
    body: str
    attachments: list[ParsedPart] = field(default_factory=list)

    @property
    def to_text(self) -> str:
        return ", ".join(f"{name} <{addr}>" if name else addr for name, addr in self.to)


def html_to_text(markup: str) -> str:
    """A readable plain text of an HTML-only email body (no markup is ever shown as HTML)."""
    text = _HIDDEN.sub("", markup)
    text = _BLOCK.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def parse_email(raw: bytes) -> ParsedEmail:
    """Decode ``raw`` (the bytes of an .eml file). Raises ValidationError when it is not an email."""
    if not raw.strip():
        raise ValidationError({"eml": [_("This email is empty.")]})
    message = BytesParser(policy=email.policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    if not message.get("from") and not message.get("subject"):
        raise ValidationError({"eml": [_("This does not look like a saved email: it has no From or Subject line.")]})
    day: date | None = None
    at: time | None = None
    try:
        sent = message["date"].datetime if message.get("date") else None
    except (TypeError, ValueError, AttributeError):
        sent = None
    if sent is not None:
        if sent.tzinfo is not None:
            sent = timezone.localtime(sent)
        day, at = sent.date(), sent.time().replace(second=0, microsecond=0)
    from_name, from_address = _first_address(message, "from")
    to = [(name, addr) for name, addr in getaddresses([str(v) for v in message.get_all("to", [])]) if addr or name]
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = ""
    if body_part is not None:
        content = body_part.get_content()
        body = html_to_text(content) if body_part.get_content_type() == "text/html" else content
    parts = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True) or b""
        if isinstance(data, str):
            data = data.encode()
        parts.append(ParsedPart(part.get_filename() or _("attachment"), part.get_content_type(), bytes(data)))
    return ParsedEmail(
        day=day,
        at=at,
        from_name=from_name,
        from_address=from_address,
        to=to,
        subject=str(message.get("subject", "") or "").strip(),
        body=body.strip().replace("\r\n", "\n"),
        attachments=parts,
    )


def _first_address(message: EmailMessage, header: str) -> tuple[str, str]:
    values = message.get_all(header, [])
    pairs = getaddresses([str(v) for v in values])
    return pairs[0] if pairs else ("", "")


def import_email(
    child: Child,
    raw: bytes,
    *,
    user: Any,
    client_id: uuid.UUID | str,
    filename: str = "email.eml",
    follow_up_due: date | None = None,
) -> Communication:
    """Record a saved email as a communication, keeping its original bytes as the evidence file.

    Sent or received follows the From address: the parent's own sign-in address means sent. A
    received email whose subject matches one the parent sent (Re: aside) is linked as its answer.
    """
    earlier = services._from_receipt(services._uuid(client_id), child)
    if earlier is not None:  # a retry of an import that was saved: store nothing again
        return earlier
    parsed = parse_email(raw)
    own = (getattr(user, "email", "") or "").casefold()
    sent_by_parent = bool(own) and parsed.from_address.casefold() == own
    direction = Direction.SENT if sent_by_parent else Direction.RECEIVED
    if sent_by_parent:
        name, addr = parsed.to[0] if parsed.to else ("", "")
        counterpart_name = name or addr
    else:
        counterpart_name = parsed.from_name or parsed.from_address
    day = parsed.day or timezone.localdate()
    kept_inside = []
    with transaction.atomic():
        try:
            original = store_attachment(
                child_id=child.pk,
                uploaded_file=SimpleUploadedFile(filename or "email.eml", raw, content_type="message/rfc822"),
                user=user,
            )
        except AttachmentRejected as refused:
            raise ValidationError({"eml": [str(refused)]}) from None
        reply_to = None if sent_by_parent else services.guess_reply_to(child, parsed.subject, day)
        body = parsed.body
        comm = services.create_communication(
            child,
            user=user,
            client_id=client_id,
            origin=Origin.EML,
            source_attachment=original,
            date=day,
            time=parsed.at,
            channel=Channel.EMAIL,
            direction=direction,
            counterpart_name=counterpart_name[:120],
            from_address=(f"{parsed.from_name} <{parsed.from_address}>" if parsed.from_name else parsed.from_address)[
                :300
            ],
            to_address=parsed.to_text[:1000],
            subject=parsed.subject[:300],
            body=body,
            provision_ids=[],
            follow_up_due=follow_up_due,
            in_reply_to=reply_to.pk if reply_to else None,
        )
        for part in parsed.attachments:
            try:
                store_attachment(
                    child_id=child.pk,
                    uploaded_file=SimpleUploadedFile(part.name, part.data, content_type=part.content_type),
                    user=user,
                    object_type="communication",
                    object_id=comm.pk,
                )
            except AttachmentRejected:
                kept_inside.append(part.name)
    comm.kept_inside = kept_inside  # type: ignore[attr-defined]
    return comm
