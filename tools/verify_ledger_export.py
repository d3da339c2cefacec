#!/usr/bin/env python3
"""Verify an IEP Right ledger export without the app (Python 3.8+, standard library only).

    python3 verify_ledger_export.py records.json [--expect-head HASH]

Prints "OK" with the record count and head hash, or "BROKEN" and the first broken record, and exits
with 0 or 1. With --expect-head, the chain must also contain a record with that hash: give it the
head hash printed on an earlier report to confirm that nothing up to that report has changed since
(whitespace in the hash is ignored: a report prints it in groups of 8, copy it as it comes). The rule it checks is stated in docs/verification.md:

    hash = SHA-256( UTF-8( prev_hash + canonical_json(record without its "hash" field) ) )

where canonical_json sorts object keys, writes no insignificant whitespace and keeps non-ASCII
characters as UTF-8, and the first record's prev_hash is 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

GENESIS_HASH = "0" * 64
RECORD_FIELDS = {
    "child",
    "seq",
    "kind",
    "object_type",
    "object_id",
    "event_date",
    "payload",
    "recorded_at",
    "recorded_by",
    "recorded_by_name",
    "prev_hash",
    "hash",
}


class Broken(Exception):
    pass


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Broken(f"The file repeats a field name ({sorted({k for k in keys if keys.count(k) > 1})[0]}).")
    return dict(pairs)


def _no_floats(text: str) -> Any:
    raise Broken(f"The file contains a fractional number ({text}); ledger records never do.")


def load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle, object_pairs_hook=_no_duplicate_keys, parse_float=_no_floats)
    if not isinstance(document, dict) or document.get("format") != "iepright-ledger":
        raise Broken('This is not an IEP Right ledger export (its "format" is not "iepright-ledger").')
    if document.get("version") != 1:
        raise Broken(f"This script reads version 1 exports; the file says version {document.get('version')!r}.")
    if not isinstance(document.get("records"), list):
        raise Broken('The file has no "records" list.')
    return document


def verify(document: dict[str, Any]) -> tuple[int, str]:
    """Check every record in order; return (record count, head hash) or raise Broken."""
    child = document.get("child") or {}
    child_id = child.get("id") if isinstance(child, dict) else child
    prev_hash = GENESIS_HASH
    records = document["records"]
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict) or set(record) != RECORD_FIELDS:
            raise Broken(f"Record {position} does not have exactly the fields of a ledger record.")
        seq = record["seq"]
        if seq != position:
            raise Broken(f"Record {position} is missing or out of place: found record {seq} in its place.")
        if child_id is not None and record["child"] != child_id:
            raise Broken(f"Record {seq} belongs to child {record['child']}, not to child {child_id}.")
        if record["prev_hash"] != prev_hash:
            raise Broken(
                f"Record {seq} does not link to the record before it: records were removed, added or reordered."
            )
        body = {key: value for key, value in record.items() if key != "hash"}
        digest = hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()
        if digest != record["hash"]:
            raise Broken(f"Record {seq} was changed after it was written: its hash does not match its content.")
        prev_hash = digest
    if "record_count" in document and document["record_count"] != len(records):
        raise Broken(f"The file says it holds {document['record_count']} records but holds {len(records)}.")
    if "head_hash" in document and document["head_hash"] != prev_hash:
        raise Broken("The head hash written in the file is not the hash of its last record: records are missing.")
    return len(records), prev_hash


def main(argv: list[str]) -> int:
    args = argv[1:]
    expected_head = None
    if len(args) >= 3 and args[1] == "--expect-head":
        # The hash as copied from a report: groups of 8 with spaces or line breaks, quoted or not.
        expected_head = "".join("".join(args[2:]).split()).lower()
        args = args[:1]
    if len(args) != 1:
        print(f"usage: {argv[0]} EXPORT.json [--expect-head HASH]", file=sys.stderr)
        return 2
    try:
        document = load(args[0])
        count, head = verify(document)
        if expected_head is not None:
            seqs = [record["seq"] for record in document["records"] if record["hash"] == expected_head]
            if not seqs:
                raise Broken(f"No record has the expected head hash {expected_head}: the chain has changed since.")
            print(f"The expected head hash is record {seqs[0]}: nothing up to it has changed.")
    except Broken as problem:
        print(f"BROKEN: {problem}")
        return 1
    except (OSError, ValueError) as problem:
        print(f"BROKEN: the file cannot be read as JSON ({problem}).")
        return 1
    print(f"OK: {count} records verified. Head hash: {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
