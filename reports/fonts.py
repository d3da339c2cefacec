"""Which fonts the reports use, which characters they can print, and text made safe for the page.

PDF/A forbids a character drawn with no glyph, so Typst refuses to write a report whose text holds
a character none of its fonts has (a Chinese name, an emoji in a note). Before rendering, text for
the page goes through ``printable``: a character no font covers is printed as its code point, e.g.
``[U+1F642]``. The exact text is never lost: the evidence report carries the records as JSON.

Fonts: Typst's embedded Libertinus Serif for text and DejaVu Sans Mono for hashes; DejaVu Serif and
Sans (Debian's fonts-dejavu-core, on every Debian image) as fallbacks for Vietnamese, Cyrillic,
Greek, Arabic, Hebrew and symbols; Noto Serif/Sans CJK (Debian's fonts-noto-cjk: Chinese, Japanese,
Korean) and Noto Color Emoji (fonts-noto-color-emoji), which .ci/run and the Dockerfile install.
The coverage comes from the font files' own character maps (their ``cmap`` tables), read once.

Text is also made safe for the layout (``page_text``): control characters and the invisible
direction controls (U+202E "right-to-left override" would make "dessim ton" display as "not
missed") are shown as their code points instead of acting, and a very long run without a space
gets break opportunities so it wraps instead of running off the page.
"""

from __future__ import annotations

import re
import struct
from functools import lru_cache
from pathlib import Path

import typst

# In order of preference; Typst takes each character from the first family that has it.
TEXT_FAMILIES = (
    "Libertinus Serif",
    "DejaVu Serif",
    "DejaVu Sans",
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Noto Serif",
    "Noto Sans",
    "Noto Color Emoji",
)
MONO_FAMILIES = ("DejaVu Sans Mono",)

# Libertinus Serif is embedded in the typst wheel (no file to read): what it certainly covers.
_EMBEDDED_RANGES = (
    (0x20, 0x7E),  # Basic Latin
    (0xA0, 0x17F),  # Latin-1 Supplement, Latin Extended-A
    (0x2013, 0x2014),  # en and em dash
    (0x2018, 0x201E),  # quotation marks
    (0x2020, 0x2022),  # daggers, bullet
    (0x2026, 0x2026),  # ellipsis
)


def _cmap_codepoints(data: bytes, offset: int) -> set[int]:
    """Code points in the best Unicode cmap subtable of the font whose table directory is at ``offset``."""
    num_tables = struct.unpack_from(">H", data, offset + 4)[0]
    cmap_at = None
    for i in range(num_tables):
        tag, _checksum, table_offset, _length = struct.unpack_from(">4sIII", data, offset + 12 + 16 * i)
        if tag == b"cmap":
            cmap_at = table_offset
            break
    if cmap_at is None:
        return set()
    count = struct.unpack_from(">H", data, cmap_at + 2)[0]
    subtables: dict[int, int] = {}
    for i in range(count):
        platform, encoding, sub_offset = struct.unpack_from(">HHI", data, cmap_at + 4 + 8 * i)
        if (platform, encoding) in ((3, 10), (0, 4), (0, 6), (3, 1), (0, 3), (0, 1), (0, 0)):
            fmt = struct.unpack_from(">H", data, cmap_at + sub_offset)[0]
            subtables.setdefault(fmt, cmap_at + sub_offset)
    if 12 in subtables:
        return _format12(data, subtables[12])
    if 4 in subtables:
        return _format4(data, subtables[4])
    return set()


def _format4(data: bytes, at: int) -> set[int]:
    seg_count = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{seg_count}H", data, at + 14)
    starts = struct.unpack_from(f">{seg_count}H", data, at + 16 + 2 * seg_count)
    deltas = struct.unpack_from(f">{seg_count}h", data, at + 16 + 4 * seg_count)
    range_offsets_at = at + 16 + 6 * seg_count
    range_offsets = struct.unpack_from(f">{seg_count}H", data, range_offsets_at)
    points: set[int] = set()
    for i in range(seg_count):
        start, end = starts[i], ends[i]
        if start == 0xFFFF:
            continue
        if range_offsets[i] == 0:
            points.update(c for c in range(start, end + 1) if (c + deltas[i]) & 0xFFFF)
            continue
        for c in range(start, end + 1):
            glyph_at = range_offsets_at + 2 * i + range_offsets[i] + 2 * (c - start)
            if struct.unpack_from(">H", data, glyph_at)[0]:
                points.add(c)
    return points


def _format12(data: bytes, at: int) -> set[int]:
    groups = struct.unpack_from(">I", data, at + 12)[0]
    points: set[int] = set()
    for i in range(groups):
        start, end, _glyph = struct.unpack_from(">III", data, at + 16 + 12 * i)
        points.update(range(start, end + 1))
    return points


def font_file_codepoints(path: str, index: int = 0) -> set[int]:
    """The code points one font file (or one font of a collection) maps to a glyph."""
    data = Path(path).read_bytes()
    offset = 0
    if data[:4] == b"ttcf":
        offset = struct.unpack_from(">I", data, 12 + 4 * index)[0]
    return _cmap_codepoints(data, offset)


@lru_cache(maxsize=1)
def available_families() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The text and mono families of our preference list that this machine has."""
    present = set(typst.Fonts().families())
    text = tuple(f for f in TEXT_FAMILIES if f in present)
    mono = tuple(f for f in MONO_FAMILIES if f in present)
    return text, mono


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Every code point some report font can draw."""
    text, mono = available_families()
    wanted = set(text) | set(mono)
    points: set[int] = {c for low, high in _EMBEDDED_RANGES for c in range(low, high + 1)}
    seen: set[tuple[str, int]] = set()
    for font in typst.Fonts().fonts():
        if font.family in wanted and font.path and (font.path, font.index) not in seen:
            seen.add((font.path, font.index))
            try:
                points |= font_file_codepoints(font.path, font.index)
            except (OSError, struct.error):
                continue
    # Line ends, and the invisible joiners and selectors Typst shapes without a glyph of their own
    # (a zero-width space is a break opportunity; ZWJ and U+FE0F build emoji sequences).
    points |= {0x0A, 0x0D, 0x09, 0x200B, 0x200C, 0x200D, 0xFE0E, 0xFE0F}
    return frozenset(points)


# Characters that act on the text instead of being drawn: C0/C1 controls (but tab and newline), DEL,
# and the bidirectional controls (embeddings, overrides, isolates, marks).
_ACTING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LONG_RUN = re.compile(r"\S{41,}")
_HASH = re.compile(r"[0-9a-f]{64}")
RUN_PIECE = 20


def _break_long_run(match: re.Match[str]) -> str:
    run = match.group(0)
    return "\u200b".join(run[i : i + RUN_PIECE] for i in range(0, len(run), RUN_PIECE))


def page_text(text: str) -> str:
    """``text`` as it can be printed: line ends normalised, acting characters shown, long runs breakable.

    ``"not\u202emissed"`` becomes ``"not[U+202E]missed"``: the reader sees that a direction control
    was there, and the words keep their order. A hash (64 hex digits, a whole string) is left whole:
    the template prints it in groups of 8.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ACTING.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)
    if len(text) > 40 and not _HASH.fullmatch(text):
        text = _LONG_RUN.sub(_break_long_run, text)
    return printable(text)


def printable(text: str) -> str:
    """``text`` with each character no report font can draw replaced by its code point."""
    if text.isascii() and not _ACTING.search(text):
        return text
    ok = covered()
    if all(ord(c) in ok for c in text):
        return text
    return "".join(c if ord(c) in ok else f"[U+{ord(c):04X}]" for c in text)


def printable_data(value: object, done: dict[str, str] | None = None) -> object:
    """``value`` (JSON-like) with ``page_text`` applied to every string in it.

    ``page_text`` depends on the string alone, so each distinct string is worked out once per call
    (a report repeats its labels, wordings and reasons on every row of the chronology).
    """
    if done is None:
        done = {}
    if isinstance(value, str):
        text = done.get(value)
        if text is None:
            text = done[value] = page_text(value)
        return text
    if isinstance(value, dict):
        return {key: printable_data(item, done) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable_data(item, done) for item in value]
    return value
