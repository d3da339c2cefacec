"""Files land whole or not at all: the one write path for attachments, reports and restored files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence.files import write_durably
from reports.storage import read_report, report_path, store_report


def test_a_file_is_written_whole_read_only_and_without_leftovers(tmp_path: Path) -> None:
    target = tmp_path / "ab" / "file.pdf"
    write_durably(target, [b"%PDF-1.7\n", b"body\n", b"%%EOF\n"])
    assert target.read_bytes() == b"%PDF-1.7\nbody\n%%EOF\n"
    assert target.stat().st_mode & 0o777 == 0o440
    assert [p.name for p in target.parent.iterdir()] == ["file.pdf"]


def test_a_write_that_fails_midway_leaves_neither_the_file_nor_a_temporary(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"first half"
        raise OSError("disk full")

    target = tmp_path / "ab" / "file.pdf"
    with pytest.raises(OSError, match="disk full"):
        write_durably(target, chunks())
    assert list(target.parent.iterdir()) == []


def test_a_report_is_stored_by_its_hash_through_the_same_path(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REPORT_ROOT = tmp_path
    digest = store_report(b"%PDF-1.7 report")
    assert read_report(digest) == b"%PDF-1.7 report"
    assert store_report(b"%PDF-1.7 report") == digest  # stored once
    assert [p.name for p in report_path(digest).parent.iterdir()] == [f"{digest}.pdf"]


def test_write_new_durably_never_replaces_an_existing_file(tmp_path: Path) -> None:
    from evidence.files import write_new_durably

    target = tmp_path / "ab" / "file"
    assert write_new_durably(target, [b"first"]) is True
    assert write_new_durably(target, [b"second"]) is False
    assert target.read_bytes() == b"first"
    assert [p.name for p in target.parent.iterdir()] == ["file"]  # no temporary file left behind
