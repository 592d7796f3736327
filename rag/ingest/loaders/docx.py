"""Word documents (``.docx``) via python-docx."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError

from rag.errors import CorruptFileError, EmptyFileError
from rag.ingest.loaders.base import Extracted
from rag.ingest.loaders.unpack import check_zip
from rag.thai.normalize import normalize

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _starts_new_page(paragraph_xml: object) -> bool:
    """Whether a paragraph holds an explicit page break."""
    breaks = paragraph_xml.iter(f"{_W}br")  # type: ignore[attr-defined]
    return any(br.get(f"{_W}type") == "page" for br in breaks)


def extract_docx(path: Path, max_unpacked: int = 100 * 2**20) -> Extracted:
    """Read paragraphs and tables of a ``.docx``; explicit page breaks split pages.

    Args:
        path: The file.
        max_unpacked: Most bytes its ZIP members may unpack to (checked first).

    Returns:
        Pages of text; title and year from the core properties or the first heading.

    Raises:
        CorruptFileError: When the file is not a valid DOCX package.
        EmptyFileError: When it holds no text.
        TooLargeError: When it unpacks to more than ``max_unpacked`` bytes.
    """
    check_zip(path, max_unpacked)
    try:
        doc = open_docx(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorruptFileError(path.name, "ไฟล์ Word เสียหายหรือไม่ใช่ไฟล์ .docx", str(exc)) from exc
    pages: list[list[str]] = [[]]
    title = (doc.core_properties.title or "").strip()
    for block in doc.element.body.iterchildren():
        if block.tag == f"{_W}p":
            text = "".join(t.text or "" for t in block.iter(f"{_W}t"))
            if _starts_new_page(block) and any(pages[-1]):
                pages.append([])
            if text.strip():
                pages[-1].append(text.strip())
        elif block.tag == f"{_W}tbl":
            for row in block.iter(f"{_W}tr"):
                cells = [
                    "".join(t.text or "" for t in tc.iter(f"{_W}t")).strip()
                    for tc in row.iter(f"{_W}tc")
                ]
                pages[-1].append(" | ".join(c for c in cells if c))
    texts = tuple(normalize("\n\n".join(p)) for p in pages)
    if not any(t.strip() for t in texts):
        raise EmptyFileError(path.name, "ไฟล์ Word ไม่มีข้อความ", "the document has no text")
    if not title:
        title = next(ln for t in texts for ln in t.splitlines() if ln.strip())[:200]
    created = doc.core_properties.created
    return Extracted(pages=texts, title=title, year=created.year if created else None)
