"""Writing files so that a crash never leaves half of one: the one way files land under data/.

Attachments, generated reports and files restored from a household archive are all kept by their
SHA-256, so a file, once in place, never changes. Each is written to a temporary file beside its
final name, flushed to disk, renamed over the final name (atomic on POSIX), and the directory entry
is flushed too: after a power cut the file is either whole or absent, never truncated, so a database
row that was committed after it never points at a broken file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Flush a directory's entries (a rename is durable only once its directory is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def durable_replace(temporary: Path, final: Path, *, mode: int = 0o440) -> None:
    """Put an already written and fsynced ``temporary`` file in place as ``final``."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(temporary, mode)
    os.replace(temporary, final)  # atomic: readers see the whole file or none
    fsync_dir(final.parent)


def _write_temporary(folder: Path, chunks: Iterable[bytes]) -> Path:
    """``chunks`` written and fsynced to a uniquely named temporary file in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".part-", dir=folder)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_durably(final: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` as ``final``: a uniquely named temporary file, fsync, rename, fsync the folder."""
    temporary = _write_temporary(final.parent, chunks)
    try:
        durable_replace(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_new_durably(final: Path, chunks: Iterable[bytes]) -> bool:
    """Like ``write_durably``, but never replaces a file already at ``final``; True if written.

    The finished temporary file is hard-linked to ``final``, which fails if a file is there (also
    one that appeared meanwhile), so two writers or an attacker's archive cannot swap a stored file.
    """
    temporary = _write_temporary(final.parent, chunks)
    try:
        os.chmod(temporary, 0o440)
        try:
            os.link(temporary, final)
        except FileExistsError:
            return False
        fsync_dir(final.parent)
        return True
    finally:
        temporary.unlink(missing_ok=True)
