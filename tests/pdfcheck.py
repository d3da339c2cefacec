"""Reading generated PDFs in tests: text, attachments and the PDF/A and PDF/UA markers."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from typing import Any

import pypdf


def pdf_text(pdf: bytes) -> str:
    """The text of every page, as a reader would copy it (pdftotext when present, else pypdf)."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        return out.stdout.decode()
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so a phrase wrapped over two lines still matches; hashes rejoined."""
    return re.sub(r"\s+", " ", text.replace("\u200b", ""))


def attachments(pdf: bytes) -> dict[str, bytes]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return {name: contents[0] for name, contents in reader.attachments.items()}


def archival_markers(pdf: bytes) -> dict[str, object]:
    """What a PDF/A-3b + PDF/UA-1 file must declare, read with pypdf."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root: Any = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()

    def tag(name: str) -> str | None:
        found = re.search(rf"<{name}>([^<]*)</{name}>", xmp) or re.search(rf'{name}="([^"]*)"', xmp)
        return found.group(1) if found else None

    intents = [intent.get_object() for intent in root.get("/OutputIntents", [])]
    return {
        "pdfa_part": tag("pdfaid:part"),
        "pdfa_conformance": tag("pdfaid:conformance"),
        "pdfua_part": tag("pdfuaid:part"),
        "output_intent": bool(intents) and all("/DestOutputProfile" in i for i in intents),
        "output_intent_subtype": str(intents[0]["/S"]) if intents else None,
        "lang": str(root.get("/Lang", "")),
        "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
        "struct_tree": "/StructTreeRoot" in root,
        "display_title": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle")),
        "title": reader.metadata.title if reader.metadata else None,
        "associated_files": len(root.get("/AF", [])),
        "pages": len(reader.pages),
    }


def structure_tables(pdf: bytes) -> list[Counter[str]]:
    """For each /Table of the PDF's structure tree (the tags), how many of each structure type it holds."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()  # type: ignore[index]

    def children(item: object) -> tuple[Any, list[object]]:
        item = item.get_object() if hasattr(item, "get_object") else item
        if isinstance(item, pypdf.generic.ArrayObject):
            return None, list(item)
        if isinstance(item, pypdf.generic.DictionaryObject):
            return item, [item["/K"]] if "/K" in item else []
        return None, []

    def count(node: object) -> Counter[str]:
        found: Counter[str] = Counter()
        stack = [node]
        while stack:
            element, below = children(stack.pop())
            if element is not None and "/S" in element:
                found[str(element["/S"])] += 1
            stack.extend(below)
        return found

    tables: list[Counter[str]] = []
    stack: list[object] = [root]
    while stack:
        element, below = children(stack.pop())
        if element is not None and str(element.get("/S", "")) == "/Table":
            tables.append(count(element["/K"]))
        stack.extend(below)
    return tables
