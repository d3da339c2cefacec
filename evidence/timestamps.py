"""RFC 3161 time-stamp tokens over chain heads: external anchoring (design.md section 5).

A chain cut at its end, or cut and continued with a forged tail, still verifies from the inside.
What the server's operator cannot forge is a signature by someone else: a time-stamping authority
(TSA, configured by ``TSA_URL``) signs "this digest existed at this time". We ask it to stamp each
chain head; verification then checks that every anchored head is still in its chain, at its place.

The stamped message is the head hash written as 64 lowercase ASCII hex characters, hashed with
SHA-256 for the request (so the token's message imprint is ``SHA-256(head_hash.encode("ascii"))``).
Anyone can check a token without the app: ``openssl ts -verify -digest <imprint> -in token.tsr
-CAfile tsa-root.pem`` (docs/verification.md).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import cryptography.x509
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from evidence.models import Anchor, EvidenceRecord

log = logging.getLogger(__name__)
CONTENT_TYPE_QUERY = "application/timestamp-query"
MAX_RESPONSE_BYTES = 64 * 1024


class TimestampError(RuntimeError):
    """The authority could not be reached or gave no usable token."""


@dataclass(frozen=True)
class Token:
    der: bytes  # the whole TimeStampResp
    gen_time: datetime


def imprint(head_hash: str) -> bytes:
    """The digest the authority signs for a head: SHA-256 of the hex head as ASCII."""
    return hashlib.sha256(head_hash.encode("ascii")).digest()


def request_token(head_hash: str, *, url: str | None = None) -> Token:
    """Ask the authority at ``url`` (default TSA_URL) to stamp ``head_hash``; the checked token."""
    url = url or settings.TSA_URL
    if not url:
        raise TimestampError("No time-stamping authority is configured (TSA_URL).")
    request = (
        TimestampRequestBuilder()
        .data(head_hash.encode("ascii"))
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    http = urllib.request.Request(
        url, data=request.as_bytes(), headers={"Content-Type": CONTENT_TYPE_QUERY}, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=settings.TSA_TIMEOUT) as answer:
            der = answer.read(MAX_RESPONSE_BYTES + 1)
    except OSError as error:
        raise TimestampError(f"The time-stamping authority at {url} could not be reached: {error}") from None
    if len(der) > MAX_RESPONSE_BYTES:
        raise TimestampError("The time-stamping authority's answer is too large to be a token.")
    problem = token_problem(der, head_hash, nonce=request.nonce)
    if problem:
        raise TimestampError(f"The time-stamping authority's answer was refused: {problem}")
    return Token(der, token_time(der))


def _roots() -> list[cryptography.x509.Certificate]:
    """The authority's root certificates from TSA_CA_FILE, read once per file version (verification
    checks every anchor of every chain with them)."""
    if not settings.TSA_CA_FILE:
        return []
    path = Path(settings.TSA_CA_FILE)
    return _load_roots(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _load_roots(path: str, _mtime_ns: int) -> list[cryptography.x509.Certificate]:
    return cryptography.x509.load_pem_x509_certificates(Path(path).read_bytes())


def token_problem(der: bytes, head_hash: str, *, nonce: int | None = None) -> str | None:
    """What is wrong with ``der`` as a token over ``head_hash``, or None.

    Always: it decodes, was granted, and stamps this head's digest with SHA-256. With TSA_CA_FILE:
    its signature and certificate chain lead to that root, and the signer may stamp time.
    """
    try:
        response = decode_timestamp_response(der)
    except ValueError as error:
        return f"it cannot be read as a time-stamp token ({error})"
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        return f"the authority did not grant it (status {response.status})"
    info = response.tst_info
    if info.message_imprint.message != imprint(head_hash):
        return "it stamps a different fingerprint than this chain head"
    if nonce is not None and info.nonce != nonce:
        return "it answers a different request (nonce mismatch)"
    roots = _roots()
    if roots:
        builder = VerifierBuilder()
        for root in roots:
            builder = builder.add_root_certificate(root)
        try:
            builder.build().verify_message(response, head_hash.encode("ascii"))
        except VerificationError as error:
            return f"its signature does not check out against the authority's certificate ({error})"
    return None


def token_time(der: bytes) -> datetime:
    return decode_timestamp_response(der).tst_info.gen_time.astimezone(UTC)


def anchor_head(child_id: int, *, reason: str, url: str | None = None) -> Anchor | None:
    """Stamp ``child_id``'s current chain head and store the anchor; None for an empty chain.

    The network call happens outside any transaction; the head is read first, so a record appended
    meanwhile simply comes after the anchor.
    """
    last = EvidenceRecord.objects.filter(child_id=child_id).order_by("-seq").values_list("seq", "hash").first()
    if last is None:
        return None
    seq, head = last
    token = request_token(head, url=url)
    with transaction.atomic():
        anchor = Anchor(
            child_id=child_id,
            seq=seq,
            head_hash=head,
            tsa_url=url or settings.TSA_URL,
            token=token.der,
            gen_time=token.gen_time,
            reason=reason,
        )
        anchor.save()
    return anchor


def children_needing_anchor() -> list[int]:
    """Children whose chain head is not anchored yet: a chain unchanged since its last anchor needs none."""
    heads = EvidenceRecord.objects.values("child_id").annotate(top=Max("seq")).values_list("child_id", "top")
    anchored = dict(Anchor.objects.values("child_id").annotate(top=Max("seq")).values_list("child_id", "top"))
    return sorted(child_id for child_id, top in heads if anchored.get(child_id, 0) < top)
