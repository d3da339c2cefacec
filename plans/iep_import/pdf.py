"""Text and tables out of a PDF, with OCR for pages that have no text layer.

pdfplumber (over pdfminer.six) gives each page's ruled tables and the text outside them; a page
with no text but an image is rendered with pypdfium2 (a pdfplumber dependency) and read by the
Tesseract binary when it is installed. Everything runs offline; nothing is downloaded.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field

from django.utils.translation import gettext

MAX_PAGES = 60  # an IEP is 10 to 40 pages; more is not an IEP and would only cost time
MIN_TEXT_CHARS = 20  # a page with less text than this, and an image, is treated as scanned
OCR_DPI = 300
OCR_TIMEOUT_SECONDS = 60


class DocumentError(ValueError):
    """The file cannot be read as a PDF; the message says so in plain words."""


Table = list[list[str]]  # rows of cells, a cell never None


@dataclass
class Page:
    """One page as blocks in reading order: a line of text (str) or a table (list of rows)."""

    number: int  # 1-based
    blocks: list[str | Table] = field(default_factory=list)
    ocr: bool = False  # the lines came from OCR of an image
    scanned: bool = False  # the page has no text layer (OCR may or may not have read it)

    @property
    def lines(self) -> list[str]:
        return [block for block in self.blocks if isinstance(block, str)]

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if not isinstance(block, str)]


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_image(png: bytes) -> str:
    """Text of one page image, read by the ``tesseract`` binary (English, page segmentation auto)."""
    completed = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "eng", "--psm", "4"],
        input=png,
        capture_output=True,
        timeout=OCR_TIMEOUT_SECONDS,
        check=True,
    )
    return completed.stdout.decode("utf-8", "replace")


def _render_png(data: bytes, index: int) -> bytes:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        bitmap = document[index].render(scale=OCR_DPI / 72)
        image = bitmap.to_pil().convert("L")
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        return buffer.getvalue()
    finally:
        document.close()


def join_wrapped(first: str, second: str) -> str:
    """Two lines of one wrapped text: a line broken after a hyphen ("Speech-" "language") joins without a space."""
    if first.endswith(("-", "\u2010")) and second[:1].isalpha():
        return first + second
    return f"{first} {second}"


def _clean_cell(cell: str | None) -> str:
    text = ""
    for line in (cell or "").splitlines():
        line = " ".join(line.split())
        if line:
            text = join_wrapped(text, line) if text else line
    return text


def _page_blocks(page) -> list[str | Table]:  # type: ignore[no-untyped-def]
    """Lines outside tables and the tables themselves, ordered top to bottom."""
    found = page.find_tables()
    placed: list[tuple[float, str | Table]] = []
    for table in found:
        rows = [[_clean_cell(cell) for cell in row] for row in table.extract()]
        rows = [row for row in rows if any(row)]
        if rows:
            placed.append((table.bbox[1], rows))
    boxes = [table.bbox for table in found]

    def outside_tables(obj: dict) -> bool:  # type: ignore[type-arg]
        if "x0" not in obj or "top" not in obj:
            return True
        middle_x, middle_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= middle_x <= x1 and top <= middle_y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside_tables) if boxes else page
    for line in text_page.extract_text_lines(return_chars=False):
        if line["text"].strip():
            placed.append((line["top"], line["text"].strip()))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def read_document(data: bytes, *, ocr: bool = True) -> list[Page]:
    """Pages of a PDF: lines outside tables, the tables' cells, and OCR lines for scanned pages."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    if not data.startswith(b"%PDF"):
        raise DocumentError(gettext("This file is not a PDF."))
    pages: list[Page] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index, plumber_page in enumerate(pdf.pages[:MAX_PAGES]):
                page = Page(number=index + 1, blocks=_page_blocks(plumber_page))
                if sum(len(line) for line in page.lines) < MIN_TEXT_CHARS and not page.tables and plumber_page.images:
                    page.scanned = True
                    if ocr and tesseract_available():
                        try:
                            text = ocr_image(_render_png(data, index))
                        except (subprocess.SubprocessError, OSError):
                            text = None  # OCR failed or took too long: the page stays unread (paste path)
                        if text is not None:
                            page.blocks = [line.strip() for line in text.splitlines() if line.strip()]
                            page.ocr = True
                pages.append(page)
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError) as error:
        raise DocumentError(
            gettext("This PDF could not be read. Try another copy, or paste the text instead.")
        ) from error
    return pages
