"""PDF files: pypdf text layer, Thai glyph repair, OCR of scanned pages.

Text comes from pypdf's plain extraction mode, chosen by measurement on the two
constitution drafts in ``../shared/pdfs`` (``eval/bench_extract.py``): character
error rate 0.07 % / 0.09 % against 0.07 % / 0.09 % for layout mode with
whitespace ignored, but 0.07 % / 0.09 % against 0.24 % / 0.27 % with whitespace
counted (layout mode pads and splits lines with spaces), and 1.7 times faster.
Text drawn inside Form XObjects is included.

Running headers and footers that the PDF itself tags as pagination artifacts
(``/Artifact <</Type /Pagination>>``, ISO 32000-1 §14.8.2.2, written by Word and
Acrobat) are left out; untagged ones are removed later, across pages, by
:mod:`rag.ingest.headers`.

Every page goes through :func:`rag.thai.normalize.repair_pdf_text`; dot leaders are
removed, runs of spaces collapsed, and lines kept. A first-line indent starts a
new paragraph (a blank line).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Literal

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import DependencyError
from pypdf.generic import ContentStream, DecodedStreamObject, DictionaryObject, NameObject

from rag.errors import CorruptFileError, EmptyFileError, EncryptedFileError
from rag.ingest.loaders.base import Extracted, display_name
from rag.ingest.loaders.ocr import OCR_OFF, OcrError, Unavailable, ocr_page, ocr_unavailable_reason
from rag.thai.normalize import repair_pdf_text

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 10  # fewer letters/digits than this on a page with an image: scanned
_DOT_LEADER = re.compile(r"(?:\.[ \t]?){4,}|(?:…[ \t]?){2,}|(?:·[ \t]?){4,}")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_INDENT = re.compile(r"^[ \t\u00a0\u3000]{2,}\S")
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})")
_TITLE_PREFIX = re.compile(r"^Microsoft (?:Word|PowerPoint|Excel) - ", re.IGNORECASE)
_FILE_EXT = re.compile(r"\.(?:docx?|pptx?|xlsx?|odt|pdf|indd|rtf|txt)$", re.IGNORECASE)
_NO_TITLE = re.compile(
    r"^(?:untitled|document|title|presentation|powerpoint presentation"
    r"|slide|new document|ไม่มีชื่อ)\s*\d*$",
    re.IGNORECASE,
)
_SHOW_TEXT = (b"Tj", b"TJ", b"Do")  # dropped inside a pagination artifact


def clean_page_text(text: str) -> str:
    r"""Repair and tidy the text of one page.

    Args:
        text: Text as extracted (or OCR'd).

    Returns:
        Repaired text without dot leaders, single spaces, lines kept, a blank line
        between paragraphs, stripped.

    >>> clean_page_text("สารบัญ ........ ๓\n  ก าหนด   การ\n  ย่อหน้า")
    'สารบัญ ๓\n\nกำหนด การ\n\nย่อหน้า'
    """
    text = _DOT_LEADER.sub(" ", repair_pdf_text(text))
    lines: list[str] = []
    for raw in text.splitlines():
        line = _SPACES.sub(" ", raw).strip()
        if line and _INDENT.match(raw) and lines and lines[-1]:
            lines.append("")
        lines.append(line)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _is_pagination(operands: list[object]) -> bool:
    props = operands[1] if len(operands) > 1 else None
    return (
        operands[0] == "/Artifact"
        and isinstance(props, DictionaryObject)
        and props.get("/Type") == "/Pagination"
    )


def drop_pagination_artifacts(page: PageObject, reader: PdfReader) -> None:
    """Remove the text shown inside pagination artifacts from ``page``'s content.

    Only text-showing operators (and XObject calls) are removed; positioning is
    kept so the text after the artifact stays where it was. Pages without such
    artifacts are left untouched.
    """
    contents = page.get_contents()
    if contents is None or b"/Pagination" not in contents.get_data():
        return
    stream = ContentStream(contents, reader)
    kept: list[tuple[list[object], bytes]] = []
    inside: list[bool] = []
    for operands, op in stream.operations:
        if op in (b"BDC", b"BMC"):
            inside.append((op == b"BDC" and _is_pagination(operands)) or any(inside))
        elif op == b"EMC" and inside:
            inside.pop()
        elif inside and inside[-1]:
            if op in _SHOW_TEXT:
                continue
            if op in (b"'", b'"'):  # move to the next line, show nothing
                if op == b'"':
                    kept += [([operands[0]], b"Tw"), ([operands[1]], b"Tc")]
                kept.append(([], b"T*"))
                continue
        kept.append((operands, op))
    stream.operations = kept
    # a plain stream: pypdf's plain mode misreads fonts from a parsed ContentStream
    rewritten = DecodedStreamObject()
    rewritten.set_data(stream.get_data())
    page[NameObject("/Contents")] = rewritten


def _open(path: Path, name: str) -> PdfReader:
    """Open and, for an empty user password, decrypt the PDF."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise EncryptedFileError(
                name, "ไฟล์ PDF นี้มีรหัสผ่าน เปิดอ่านไม่ได้", "the PDF is password protected"
            )
        if not reader.pages:
            raise EmptyFileError(name, "ไฟล์ PDF นี้ไม่มีหน้าใดเลย", "the PDF has no pages")
    except DependencyError as exc:
        raise EncryptedFileError(
            name,
            "ไฟล์ PDF นี้เข้ารหัสแบบ AES ต้องติดตั้งแพ็กเกจ cryptography ก่อน",
            f"the PDF is encrypted and cannot be decrypted here: {exc}",
        ) from exc
    except (EncryptedFileError, EmptyFileError):
        raise
    except Exception as exc:  # pypdf raises many types on malformed input
        raise CorruptFileError(
            name,
            "ไฟล์ PDF เสียหายหรือไม่ใช่ไฟล์ PDF",
            f"damaged or not a PDF ({type(exc).__name__}: {exc})",
        ) from exc
    return reader


def _raw_text(page: PageObject, reader: PdfReader) -> str:
    try:
        drop_pagination_artifacts(page, reader)
    except Exception as exc:  # a content stream pypdf cannot rewrite: keep it whole
        log.debug("pagination artifacts kept: %s", exc)
    return page.extract_text()


def _has_image(page: PageObject) -> bool:
    try:
        return len(page.images) > 0
    except Exception as exc:  # a broken image dictionary still marks a scan
        log.debug("image lookup failed: %s", exc)
        return True


def _alnum(text: str) -> int:
    return sum(ch.isalnum() for ch in text)


def _usable(text: str) -> bool:
    return _alnum(text) >= MIN_TEXT_CHARS


def _metadata(reader: PdfReader, path: Path) -> tuple[str, int | None]:
    """Meaningful ``/Title`` and the CE year of the creation (or modification) date."""
    try:
        info: dict[str, object] = dict(reader.metadata or {})
        raw_title = str(info.get("/Title") or "")
        dates = [str(info.get(key) or "") for key in ("/CreationDate", "/ModDate")]
    except Exception as exc:  # a broken /Info dictionary: no metadata
        log.debug("metadata unreadable: %s", exc)
        return "", None
    title = _SPACES.sub(" ", repair_pdf_text(raw_title)).strip()
    title = _FILE_EXT.sub("", _TITLE_PREFIX.sub("", title)).strip()
    letters = sum(ch.isalpha() for ch in title)
    if letters < 2 or _NO_TITLE.match(title) or title == path.stem or "\\" in title:
        title = ""
    for date in dates:
        match = _PDF_DATE.match(date.strip())
        if match:
            year = int(match.group(1))
            year -= 543 if year > 2400 else 0  # Buddhist era
            if 1900 < year < 2200:
                return title, year
    return title, None


def _warning(number: int, english: str, thai: str) -> str:
    return f"page {number}: {english} / หน้า {number}: {thai}"


def extract_pdf(
    path: Path,
    *,
    ocr: Literal["auto", "off"] = "auto",
    ocr_lang: str = "tha+eng",
    ocr_dpi: int = 300,
) -> Extracted:
    """Extract, repair and clean the text of every page of a PDF.

    A page with no usable text layer (fewer than :data:`MIN_TEXT_CHARS` letters
    and digits) that holds an image is a scan: with ``ocr="auto"`` and Tesseract
    installed it is rendered and OCR'd, otherwise it is left ``""`` with a
    warning naming the page and the reason.

    Args:
        path: The PDF file.
        ocr: ``"auto"`` to OCR scanned pages when Tesseract is installed, ``"off"``.
        ocr_lang: Tesseract languages.
        ocr_dpi: Rendering resolution for OCR.

    Returns:
        One cleaned text per page, the metadata title and year, and warnings.

    Raises:
        EmptyFileError: The file has 0 bytes, no pages, or no text on any page.
        EncryptedFileError: It needs a password to open.
        CorruptFileError: It is damaged or not a PDF.
    """
    name = display_name(path.name)
    if path.stat().st_size == 0:
        raise EmptyFileError(name, "ไฟล์ว่างเปล่า (0 ไบต์)", "the file is empty (0 bytes)")
    reader = _open(path, name)
    pages: list[str] = []
    warnings: list[str] = []
    scanned: list[int] = []
    failed = 0
    reason = OCR_OFF if ocr == "off" else None
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = _raw_text(page, reader)
        except Exception as exc:  # one unreadable page must not lose the others
            log.warning("%s: page %d unreadable: %s", name, number, exc)
            warnings.append(_warning(number, f"unreadable ({type(exc).__name__})", "อ่านข้อความไม่ได้"))
            pages.append("")
            failed += 1
            continue
        if not _usable(text) and _has_image(page):
            scanned.append(number)
            reason = reason or ocr_unavailable_reason(ocr_lang)
            read = _ocr(path, number, reason=reason, lang=ocr_lang, dpi=ocr_dpi, warnings=warnings)
            text = read if _alnum(read) > _alnum(text) else text
        pages.append(clean_page_text(text))
    if not any(pages):
        _raise_empty(name, len(pages), failed, scanned, reason)
    title, year = _metadata(reader, path)
    return Extracted(pages=tuple(pages), title=title, year=year, warnings=tuple(warnings))


def _ocr(
    path: Path, number: int, *, reason: Unavailable | None, lang: str, dpi: int, warnings: list[str]
) -> str:
    """OCR one scanned page, or record why not; ``""`` when nothing was read."""
    if reason is not None:
        warnings.append(
            _warning(
                number,
                f"no text layer (scanned image), {reason.english}",
                f"ไม่มีชั้นข้อความ (ภาพสแกน) {reason.thai}",
            )
        )
        return ""
    try:
        text = ocr_page(path, number, lang=lang, dpi=dpi)
    except OcrError as exc:
        log.warning("%s: page %d: %s", path.name, number, exc)
        warnings.append(_warning(number, f"OCR failed: {exc}", f"ทำ OCR ไม่สำเร็จ: {exc}"))
        return ""
    if not text.strip():
        warnings.append(
            _warning(number, "scanned image, OCR found no text", "ภาพสแกน OCR ไม่พบข้อความ")
        )
    return text


def _raise_empty(
    name: str, n_pages: int, failed: int, scanned: list[int], reason: Unavailable | None
) -> None:
    if failed == n_pages:
        raise CorruptFileError(
            name, "ไฟล์ PDF เสียหาย อ่านข้อความไม่ได้สักหน้า", "damaged: no page could be read"
        )
    if scanned:
        pages = ", ".join(map(str, scanned))
        why = reason or Unavailable("OCR found no text", "OCR ไม่พบข้อความ")
        raise EmptyFileError(
            name,
            f"ไม่มีข้อความ: หน้า {pages} เป็นภาพสแกนที่ไม่มีชั้นข้อความ; {why.thai}",
            f"no text: scanned page(s) {pages} without a text layer; {why.english}",
        )
    raise EmptyFileError(name, "ไม่พบข้อความในไฟล์ PDF นี้", "no extractable text on any page")
