#!/usr/bin/env python3
"""Verify an IEP Right ledger export without the app (Python 3.8+, standard library only).

    python3 verify_ledger_export.py records.json [--expect-head HASH]
    python3 verify_ledger_export.py household-export.zip

Prints "OK" with the record count and head hash, or "BROKEN" and the first broken record, and exits
with 0 or 1. With --expect-head, the chain must also contain a record with that hash: give it the
head hash printed on an earlier report to confirm that nothing up to that report has changed since
(whitespace in the hash is ignored: a report prints it in groups of 8, copy it as it comes). The rule it checks is stated in docs/verification.md:

    hash = SHA-256( UTF-8( prev_hash + canonical_json(record without its "hash" field) ) )

where canonical_json sorts object keys, writes no insignificant whitespace and keeps non-ASCII
characters as UTF-8, and the first record's prev_hash is 64 zeros.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zipfile
from datetime import datetime, timezone
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


def verify_anchors(document: dict[str, Any]) -> int:
    """Every RFC 3161 anchor must name a record still in the chain, and its token must stamp that head.

    The token's signature is not checked here (that needs the authority's certificate and a CMS
    library); docs/verification.md shows the one openssl command that does it. Returns the count.
    """
    records = document["records"]
    anchors = document.get("anchors", [])
    if not isinstance(anchors, list):
        raise Broken('The file\'s "anchors" is not a list.')
    for anchor in anchors:
        seq, head = anchor.get("seq"), anchor.get("head")
        if not isinstance(seq, int) or not isinstance(head, str):
            raise Broken("A time-stamp in the file does not name its record and head hash.")
        if not 1 <= seq <= len(records):
            raise Broken(
                f"Record {seq} was time-stamped at {anchor.get('time')} by {anchor.get('tsa')}, but the file ends at "
                f"record {len(records)}: records were cut from the end of the chain."
            )
        if records[seq - 1]["hash"] != head:
            raise Broken(
                f"Record {seq} is not the record time-stamped at {anchor.get('time')}: the chain was rewritten from there on."
            )
        try:
            token = base64.b64decode(anchor.get("token", ""), validate=True)
        except ValueError:
            raise Broken(f"The time-stamp of record {seq} is not readable base64.") from None
        if hashlib.sha256(head.encode("ascii")).digest() not in token:
            raise Broken(f"The time-stamp token of record {seq} does not stamp that record's hash.")
    return len(anchors)


# --- A household archive (docs/export-format.md): the same rule, after the documented mapping ----------

MANIFEST_MAX_BYTES = 16 * 1024 * 1024
JSON_MAX_BYTES = 512 * 1024 * 1024
CHUNK = 1024 * 1024


def archive_record(row: dict[str, Any]) -> dict[str, Any]:
    """An archive ledger row (database columns) as the hashed record (docs/verification.md, "Archives").

    child_id -> child, recorded_by_id -> recorded_by, the payload text parsed as JSON (it must be in
    canonical form), recorded_at written in UTC with microseconds and a Z; every other field as is.
    """
    payload_text = row["payload"]
    payload = json.loads(payload_text, parse_float=_no_floats)
    if canonical_json(payload) != payload_text:
        raise Broken(f"Record {row.get('seq')}'s payload is not stored in its standard form.")
    moment = datetime.fromisoformat(row["recorded_at"]).astimezone(timezone.utc)  # noqa: UP017 (Python 3.8+)
    return {
        "child": row["child_id"],
        "seq": row["seq"],
        "kind": row["kind"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "event_date": row["event_date"],
        "payload": payload,
        "recorded_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "recorded_by": row["recorded_by_id"],
        "recorded_by_name": row["recorded_by_name"],
        "prev_hash": row["prev_hash"],
        "hash": row["hash"],
    }


def _member_json(archive: zipfile.ZipFile, name: str, limit: int) -> Any:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise Broken(f"{name} is larger than any export writes ({info.file_size} bytes).")
    return json.loads(archive.read(name), object_pairs_hook=_no_duplicate_keys)


def verify_archive(path: str) -> list[str]:
    """Check a household archive: every file against the manifest, stored files against their names,
    every chain and its manifest head, every anchor. Returns one line per child; raises Broken."""
    lines = []
    with zipfile.ZipFile(path) as archive:
        manifest = _member_json(archive, "manifest.json", MANIFEST_MAX_BYTES)
        listed = manifest.get("files", {})
        names = {n for n in archive.namelist() if not n.endswith("/")} - {"manifest.json"}
        if set(listed) != names:
            raise Broken(f"The archive's files do not match its manifest (first: {sorted(set(listed) ^ names)[0]}).")
        for name in sorted(names):
            digest = hashlib.sha256()
            with archive.open(name) as member:
                for chunk in iter(lambda: member.read(CHUNK), b""):
                    digest.update(chunk)
            if digest.hexdigest() != listed[name]["sha256"]:
                raise Broken(f"{name} does not match its SHA-256 in the manifest: the archive was changed.")
            stem = name.rsplit("/", 1)[-1].replace(".pdf", "")
            if name.startswith(("attachments/", "reports/")) and stem != digest.hexdigest():
                raise Broken(f"{name} is not the file its name says: its bytes hash to {digest.hexdigest()}.")
        anchors: dict[int, list[dict[str, Any]]] = {}
        if "records/anchors.json" in names:
            for row in _member_json(archive, "records/anchors.json", JSON_MAX_BYTES):
                anchors.setdefault(row["child_id"], []).append(
                    {"seq": row["seq"], "head": row["head_hash"], "tsa": row["tsa_url"], "time": row["gen_time"],
                     "token": row["token"]}
                )  # fmt: skip
        heads = manifest.get("ledger_heads", {})
        ledgers = sorted(n for n in names if n.startswith("ledger/"))
        if {f"ledger/child-{child_id}.json" for child_id in heads} != set(ledgers):
            raise Broken("The manifest does not state the chain head of every ledger in the archive.")
        for name in ledgers:
            child_id = int(name[len("ledger/child-") : -len(".json")])
            try:
                records = [archive_record(row) for row in _member_json(archive, name, JSON_MAX_BYTES)]
            except (KeyError, TypeError, ValueError) as error:
                raise Broken(f"{name} holds a record that cannot be read ({error}).") from None
            document = {"child": {"id": child_id}, "records": records, "anchors": anchors.get(child_id, [])}
            try:
                count, head = verify(document)
                anchored = verify_anchors(document)
            except Broken as problem:
                raise Broken(f"Child {child_id}: {problem}") from None
            stated = heads[str(child_id)]
            if (stated.get("head"), stated.get("count")) != (head, count):
                raise Broken(f"Child {child_id}: the chain ends at record {count}, not where the manifest says.")
            lines.append(f"Child {child_id}: {count} records, head {head}, {anchored} time-stamp(s): OK")
    return lines


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
    if zipfile.is_zipfile(args[0]):
        if expected_head is not None:
            # An archive holds one chain per child: never print OK having checked no head.
            print(
                "--expect-head checks a single ledger export (the JSON a report carries), not an archive:",
                file=sys.stderr,
            )
            print("the archive's manifest states every chain's head, and each is checked.", file=sys.stderr)
            return 2
        try:
            lines = verify_archive(args[0])
        except Broken as problem:
            print(f"BROKEN: {problem}")
            return 1
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as problem:
            print(f"BROKEN: the archive cannot be read ({problem}).")
            return 1
        print("\n".join(lines))
        print(f"OK: household archive verified ({len(lines)} chains).")
        return 0
    try:
        document = load(args[0])
        count, head = verify(document)
        anchored = verify_anchors(document)
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
    if anchored:
        print(f"{anchored} time-stamp(s) from outside the server name records still in the chain.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
