"""OCR of scanned PDF pages: ``pdftoppm`` renders a page, Tesseract reads it.

Both are external programs (``poppler-utils``, ``tesseract-ocr`` with the
``tesseract-ocr-tha`` language data). :func:`ocr_unavailable_reason` says why OCR
cannot run on this machine, so callers can warn instead of failing.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)

RENDER_TIMEOUT_S = 120
OCR_TIMEOUT_S = 300


class OcrError(Exception):
    """Rendering or recognising one page failed; the message says why."""


class Unavailable(NamedTuple):
    """Why OCR cannot run, in English and Thai."""

    english: str
    thai: str


OCR_OFF = Unavailable("OCR is off", "ปิดการทำ OCR ไว้")


@lru_cache(maxsize=8)
def installed_languages() -> frozenset[str]:
    """Languages the installed ``tesseract`` reports; empty when it is missing."""
    exe = shutil.which("tesseract")
    if exe is None:
        return frozenset()
    try:
        done = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("tesseract --list-langs failed: %s", exc)
        return frozenset()
    # the first line is a header ("List of available languages in ...")
    lines = (done.stdout + "\n" + done.stderr).splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and " " not in ln.strip())


def _missing(what: str) -> Unavailable:
    return Unavailable(f"OCR unavailable ({what} not installed)", f"ทำ OCR ไม่ได้ (ไม่ได้ติดตั้ง {what})")


def ocr_unavailable_reason(lang: str) -> Unavailable | None:
    """Why OCR cannot run here, or ``None`` when it can.

    Args:
        lang: Tesseract language string, e.g. ``"tha+eng"``.

    Returns:
        ``None``, or the reason, e.g. ``OCR unavailable (tesseract not installed)``.
    """
    if shutil.which("tesseract") is None:
        return _missing("tesseract")
    if shutil.which("pdftoppm") is None:
        return _missing("pdftoppm (poppler-utils)")
    if importlib.util.find_spec("pytesseract") is None:
        return _missing("pytesseract")
    missing = [code for code in lang.split("+") if code and code not in installed_languages()]
    if missing:
        return _missing(f"tesseract language data {'+'.join(missing)}")
    return None


def render_page(pdf: Path, number: int, dpi: int, out_dir: Path) -> Path:
    """Render one page (1-based) of ``pdf`` to a greyscale PNG in ``out_dir``.

    Raises:
        OcrError: When ``pdftoppm`` fails or writes nothing.
    """
    exe = shutil.which("pdftoppm") or "pdftoppm"
    cmd = [
        exe,
        "-f",
        str(number),
        "-l",
        str(number),
        "-r",
        str(dpi),
        "-gray",
        "-png",
        str(pdf),
        str(out_dir / "page"),
    ]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=RENDER_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrError(f"pdftoppm failed: {exc}") from exc
    images = sorted(out_dir.glob("page*.png"))
    if done.returncode != 0 or not images:
        raise OcrError(f"pdftoppm failed: {done.stderr.strip()[:200] or done.returncode}")
    return images[0]


def ocr_page(pdf: Path, number: int, *, lang: str = "tha+eng", dpi: int = 300) -> str:
    """Text of one page of ``pdf`` (1-based ``number``) read by Tesseract.

    The text is returned as Tesseract gives it; the caller repairs and cleans it.

    Args:
        pdf: The PDF file.
        number: 1-based page number.
        lang: Tesseract languages.
        dpi: Rendering resolution.

    Returns:
        The recognised text.

    Raises:
        OcrError: When rendering or recognition fails.
    """
    pytesseract = importlib.import_module("pytesseract")
    with tempfile.TemporaryDirectory(prefix="rag-ocr-") as tmp:
        image = render_page(pdf, number, dpi, Path(tmp))
        log.info("%s: OCR of page %d (%s, %d dpi)", pdf.name, number, lang, dpi)
        try:
            text: str = pytesseract.image_to_string(str(image), lang=lang, timeout=OCR_TIMEOUT_S)
        except (RuntimeError, OSError, pytesseract.TesseractError) as exc:
            raise OcrError(f"tesseract failed: {exc}") from exc
    return text
