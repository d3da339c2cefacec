"""Compact storage for the ledger's columns, with every reader unchanged (docs/scaling.md, "Storage").

The ``kind`` and ``object_type`` read and write their text and are stored as a small number from a
fixed table (``LedgerCodeField``, ``evidence.codes``).

Two model fields keep the encoding out of every caller: a record's ``hash`` and ``prev_hash`` read
and write the 64-character lowercase hex string the chain is computed over, and are stored as its 32
bytes; its ``payload`` reads and writes the canonical JSON text and is stored as a version byte and a
body (``encode_payload``). Lookups such as ``hash=<hex>`` keep working: the hex is converted before
the query. What is hashed is the text the fields return, byte for byte, so the encoding is invisible
to verification, the exports and the standalone verifier.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from evidence.codes import KINDS, OBJECT_TYPES
from evidence.payload_dictionary import DICTIONARY_V1

SHA256_HEX = re.compile(r"[0-9a-f]{64}")

# A stored payload starts with one of these bytes; the rest is the body. A version, once shipped,
# never changes meaning (a record written with it must read back the same forever): a better
# dictionary or another codec gets a new byte.
PLAIN = 0x00  # the UTF-8 text as it is
DEFLATE_V1 = 0x01  # raw deflate (no zlib header or checksum: the chain's hash checks the text) with DICTIONARY_V1
_DICTIONARIES = {DEFLATE_V1: DICTIONARY_V1}
UNREADABLE = "<unreadable ledger payload>"


def encode_payload(text: str) -> bytes:
    """The stored form of a payload's text: deflated with the dictionary, or plain when that is not shorter."""
    raw = text.encode("utf-8")
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict=DICTIONARY_V1)
    packed = packer.compress(raw) + packer.flush()
    if len(packed) < len(raw):
        return bytes([DEFLATE_V1]) + packed
    return bytes([PLAIN]) + raw


def decode_payload(stored: bytes) -> str:
    """The exact text that ``encode_payload`` was given (or a plain body, as stored)."""
    if not stored:
        raise ValueError("A stored ledger payload is empty: it lacks even its version byte.")
    version, body = stored[0], stored[1:]
    if version == PLAIN:
        return body.decode("utf-8")
    dictionary = _DICTIONARIES.get(version)
    if dictionary is None:
        raise ValueError(f"A stored ledger payload has the unknown encoding {version:#04x}.")
    unpacker = zlib.decompressobj(-15, zdict=dictionary)
    try:
        raw = unpacker.decompress(body) + unpacker.flush()
    except zlib.error as error:
        raise ValueError(f"A stored ledger payload cannot be inflated: {error}.") from error
    if not unpacker.eof or unpacker.unused_data:
        raise ValueError("A stored ledger payload is cut short or has bytes after its end.")
    return raw.decode("utf-8")


def _bytes(value: Any) -> bytes | None:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return None


class _TextStoredAsBytes(models.Field):
    """A value that Python code sees as text and the database keeps as bytes (``get_prep_value``)."""

    def get_internal_type(self) -> str:
        return "BinaryField"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if not prepared:
            value = self.get_prep_value(value)
        return None if value is None else connection.Database.Binary(value)

    def value_to_string(self, obj: models.Model) -> str:
        return str(self.value_from_object(obj))


class Sha256Field(_TextStoredAsBytes):
    """A SHA-256 stored as its 32 bytes, read and written as 64 lowercase hex characters."""

    description = "SHA-256 digest (stored as 32 bytes, used as lowercase hex)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        # Lenient on purpose: a stored value of the wrong length (written outside the app) reads as its
        # hex all the same, so verification names the record instead of failing to read the chain.
        raw = _bytes(value)
        return raw.hex() if raw is not None else value

    def to_python(self, value: Any) -> str | None:
        if value is None:
            return None
        raw = _bytes(value)
        if raw is not None:
            if len(raw) != 32:
                raise ValidationError(f"A stored SHA-256 has {len(raw)} bytes instead of 32.", code="invalid")
            return raw.hex()
        if isinstance(value, str) and SHA256_HEX.fullmatch(value):
            return value
        raise ValidationError(
            "%(value)r is not a SHA-256 as 64 lowercase hexadecimal characters.",
            code="invalid",
            params={"value": value},
        )

    def get_prep_value(self, value: Any) -> bytes | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        try:
            return bytes.fromhex(self.to_python(value) or "")
        except ValidationError as error:
            raise ValueError(
                f"Field '{self.name}' expected a SHA-256 as 64 lowercase hex characters but got {value!r}."
            ) from error


class LedgerPayloadField(_TextStoredAsBytes):
    """A ledger payload: canonical JSON text in Python, ``encode_payload``'s bytes in the database."""

    description = "ledger payload text (stored with a version byte, usually deflated)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        raw = _bytes(value)
        if raw is None:
            return value  # NULL, or text put in the column outside the app: read as it is
        try:
            return decode_payload(raw)
        except ValueError:
            # Bytes no encoding produced (changed outside the app): a text that is not JSON, so
            # verification names the record ("cannot be read as a ledger payload") instead of failing.
            return UNREADABLE

    def to_python(self, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        raw = _bytes(value)
        if raw is None:
            raise ValidationError("A ledger payload must be text.", code="invalid")
        try:
            return decode_payload(raw)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from error

    def get_prep_value(self, value: Any) -> bytes | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(f"Field '{self.name}' expected the payload's text but got {type(value).__name__}.")
        return encode_payload(value)


class CodeField(models.Field):
    """A text from a fixed, append-only table in Python, its 2-byte number in the database.

    The number is the text's place in ``codes``, from 1 (the table's own module explains why it only
    ever grows at the end). Writing or looking up a text that is not in the table raises
    ``ValueError``: an unknown text fails at the write, never silently. Reading a number that is not in
    the table (written outside the app) gives a text that is none of the table's, so whatever checks
    the value (verification, the current-state check) names the row instead of failing to read it.
    Only equality lookups (``=``, ``__in``) make sense: the numbers do not sort or match like the texts.
    """

    codes: tuple[str, ...] = ()
    table = ""  # the table in words, for messages: "the ledger's table of kinds (evidence.codes)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._numbers = {text: number for number, text in enumerate(self.codes, start=1)}

    def get_internal_type(self) -> str:
        return "SmallIntegerField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return self.codes[value - 1] if 1 <= value <= len(self.codes) else f"<unknown code {value}>"

    def to_python(self, value: Any) -> str | None:
        if value is None or value in self._numbers:
            return value
        raise ValidationError(
            "%(value)r is not in %(table)s.", code="invalid", params={"value": value, "table": self.table}
        )

    def get_prep_value(self, value: Any) -> int | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        number = self._numbers.get(value)
        if number is None:
            raise ValueError(f"{value!r} is not in {self.table}: add it at the end of the table before writing it.")
        return number

    def value_to_string(self, obj: models.Model) -> str:
        return str(self.value_from_object(obj))


class LedgerCodeField(CodeField):
    """A ledger column stored as a number from ``evidence.codes`` (``kind``, ``object_type``)."""


class LedgerObjectTypeField(LedgerCodeField):
    description = "object types"
    table = "the ledger's table of object types (evidence.codes)"
    codes = OBJECT_TYPES


class LedgerKindField(LedgerCodeField):
    description = "kinds"
    table = "the ledger's table of kinds (evidence.codes)"
    codes = KINDS
