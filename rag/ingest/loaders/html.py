"""Web pages via trafilatura's main-content extractor (boilerplate removed)."""

from __future__ import annotations

import re
from pathlib import Path

import trafilatura

from rag.errors import EmptyFileError
from rag.ingest.loaders.base import Extracted
from rag.thai.normalize import normalize

_YEAR = re.compile(r"\b(19|20)\d\d\b")


def extract_html(path: Path) -> Extracted:
    """Extract the main text, title and date of an HTML page.

    Args:
        path: The file.

    Returns:
        One page of text.

    Raises:
        EmptyFileError: When no main content is found.
    """
    data = path.read_bytes()
    text = trafilatura.extract(
        data, include_tables=True, include_comments=False, favor_recall=True, deduplicate=False
    )
    if not text or not text.strip():
        raise EmptyFileError(path.name, "ไม่พบเนื้อหาหลักในหน้าเว็บนี้", "no main content in the page")
    meta = trafilatura.extract_metadata(data)
    title = (meta.title or "").strip() if meta else ""
    year_match = _YEAR.search(meta.date or "") if meta else None
    return Extracted(
        pages=(normalize(text),), title=title, year=int(year_match.group()) if year_match else None
    )
