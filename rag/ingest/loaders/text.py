"""Plain text and Markdown, with legacy Thai encodings (TIS-620 / cp874)."""

from __future__ import annotations

import logging
from pathlib import Path

from charset_normalizer import from_bytes

from rag.errors import CorruptFileError, EmptyFileError
from rag.ingest.loaders.base import Extracted
from rag.thai.normalize import normalize
from rag.thai.segment import is_thai

log = logging.getLogger(__name__)


def decode_text(data: bytes, name: str) -> str:
    r"""Decode bytes as UTF-8, else TIS-620/cp874 when that yields Thai, else by detection.

    Short legacy Thai files defeat generic detectors, so cp874 is tried explicitly:
    every byte 0xA1–0xFB decodes to a Thai letter there.

    Args:
        data: The file's bytes.
        name: File name for error messages.

    Returns:
        The decoded text (BOM removed).

    Raises:
        CorruptFileError: When no encoding fits (binary data).

    >>> decode_text("สุขภาพ".encode("cp874"), "a.txt")
    'สุขภาพ'
    >>> decode_text("\ufeffสุขภาพ".encode("utf-8"), "a.txt")
    'สุขภาพ'
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp874")
        letters = [c for c in text if c.isalpha()]
        if letters and sum(map(is_thai, letters)) / len(letters) > 0.5:
            log.info("%s: decoded as TIS-620/cp874", name)
            return text
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or "\x00" in str(best):
        raise CorruptFileError(
            name, "ไฟล์ข้อความนี้อ่านไม่ได้ (ไม่ใช่ข้อความหรือเข้ารหัสที่ไม่รู้จัก)", "not text in any known encoding"
        )
    log.info("%s: decoded as %s", name, best.encoding)
    return str(best)


def extract_text_file(path: Path) -> Extracted:
    """Read a ``.txt``/``.md`` file; form feeds separate pages.

    Args:
        path: The file.

    Returns:
        One page per form-feed-separated part; the title is the first Markdown
        heading or first non-empty line.

    Raises:
        EmptyFileError: When the file holds no text.
        CorruptFileError: When it is not text.
    """
    text = normalize(decode_text(path.read_bytes(), path.name)).replace("\r\n", "\n")
    if not text.strip():
        raise EmptyFileError(path.name, "ไฟล์ไม่มีข้อความ", "the file has no text")
    title = next((ln.lstrip("# ").strip() for ln in text.splitlines() if ln.strip()), "")
    return Extracted(pages=tuple(text.split("\f")), title=title[:200])
