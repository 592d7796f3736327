"""PDF extraction on the real Thai PDFs in ../shared and on bad files made here."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from rag.errors import CorruptFileError, EmptyFileError, EncryptedFileError
from rag.ingest.loaders.base import Extracted
from rag.ingest.loaders.ocr import ocr_unavailable_reason
from rag.ingest.loaders.pdf import clean_page_text, extract_pdf

SHARED = Path(__file__).parents[1] / ".." / "shared"
PDFS = SHARED / "pdfs"
SHARED_FILES = [
    "constitution-draft-20160129.pdf",
    "constitution-draft-20160329.pdf",
    "royal-gazette-dissolution-2566.pdf",
    "pythainlp-1-4-manual-th.pdf",
    "pdfjs-sara-am-sample.pdf",
]
FONT = Path("/usr/share/fonts/truetype/tlwg/Garuda.ttf")
THAI_LINES = ["สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ", "น้ำตาล ผู้ใหญ่ ปัจจุบัน สิทธิ์"]

needs_shared = pytest.mark.skipif(not PDFS.is_dir(), reason=f"shared data not found at {SHARED}")
needs_font = pytest.mark.skipif(
    not FONT.is_file(), reason=f"Thai font {FONT} not installed (apt install fonts-thai-tlwg)"
)
_NO_OCR = ocr_unavailable_reason("tha")
needs_ocr = pytest.mark.skipif(
    _NO_OCR is not None,
    reason=f"{_NO_OCR.english if _NO_OCR else ''}: apt install "
    "tesseract-ocr tesseract-ocr-tha poppler-utils",
)


@cache
def shared(name: str) -> Extracted:
    return extract_pdf(PDFS / name, ocr="off")


# --- files made here -------------------------------------------------------------------


def text_pdf(path: Path, lines: list[str] = THAI_LINES) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("garuda", fname=str(FONT))
    pdf.set_font("garuda", size=16)
    for line in lines:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def scanned_pdf(path: Path) -> Path:
    """An image-only PDF: Thai text rendered to a picture, no text layer."""
    image = Image.new("L", (1600, 500), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 72)
    draw.text((80, 60), "ประเทศไทย", font=font, fill=0)
    draw.text((80, 240), "สุขภาพดีถ้วนหน้า", font=font, fill=0)
    image.save(path, "PDF", resolution=150)
    return path


def encrypted(source: Path, path: Path, user_password: str, algorithm: str) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm=algorithm)
    writer.write(path)
    return path


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- real Thai PDFs --------------------------------------------------------------------


@pytest.mark.shared
@needs_shared
@pytest.mark.parametrize("name", SHARED_FILES)
def test_shared_pdf_thai_is_repaired(name: str) -> None:
    got = shared(name)
    text = "\n".join(got.pages)
    assert text.strip()
    assert not [c for c in text if 0xE000 <= ord(c) <= 0xF8FF], "PUA code points left"
    assert "\ufffd" not in text
    assert "\u0e4d\u0e32" not in text, "nikhahit + sara aa instead of sara am"
    assert not re.search("[ก-ฮ][\u0e48-\u0e4b]? \u0e32", text), "sara am split by a space"
    assert not re.search(r"\.{4,}", text), "dot leaders left"
    assert "  " not in text
    assert not got.warnings


@pytest.mark.shared
@needs_shared
def test_royal_gazette_form_xobject_text_and_sara_am() -> None:
    page1, page2 = shared("royal-gazette-dissolution-2566.pdf").pages
    assert "พระราชกฤษฎีกา" in page1
    assert "ยุบสภาผู้แทนราษฎร" in page1
    assert "นำความกราบบังคมทูล" in page1 and "ดำเนินไป" in page1
    assert "ประกาศกำหนด" in page2
    assert "หน้า ๒" in page2 and "เล่ม ๑๔๐" in page2  # marks stored in visual order


@pytest.mark.shared
@needs_shared
def test_sara_am_sample_and_manual() -> None:
    assert shared("pdfjs-sara-am-sample.pdf").pages == ("(คำแปล)",)
    manual = "\n".join(shared("pythainlp-1-4-manual-th.pdf").pages)
    assert "คู่มือการใช้งาน" in manual and "ปัจจุบัน" in manual and "ความแม่นยำต่ำ" in manual


@pytest.mark.shared
@needs_shared
def test_constitution_pagination_artifacts_dropped_and_metadata() -> None:
    got = shared("constitution-draft-20160129.pdf")
    assert len(got.pages) == 94
    assert got.year == 2016
    assert "ร่างเบื้องต้น" not in got.pages[1]  # the tagged running header
    assert got.pages[1].startswith("หมวด ๒\nพระมหากษัตริย์")
    assert "มาตรา ๖ องค์พระมหากษัตริย์ทรงดำรงอยู่ในฐานะอันเป็นที่เคารพ" in got.pages[1]


@pytest.mark.shared
@pytest.mark.slow
@needs_shared
@pytest.mark.parametrize("stem", ["constitution-draft-20160129", "constitution-draft-20160329"])
def test_constitution_character_error_rate(stem: str) -> None:
    levenshtein = pytest.importorskip(
        "rapidfuzz.distance.Levenshtein", reason="rapidfuzz (dev dependency) not installed"
    )

    def norm(text: str) -> str:
        text = text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789"))
        return re.sub(r"\.{2,}|…+", "", squash(text.replace("\u0e4d\u0e32", "\u0e33")))

    ours = norm("\n".join(shared(f"{stem}.pdf").pages))
    reference = norm((PDFS / f"{stem}.cleaned.txt").read_text(encoding="utf-8"))
    assert levenshtein.distance(ours, reference) / len(reference) <= 0.01


# --- bad input -----------------------------------------------------------------------------


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError, match=r"empty\.pdf.*0 bytes.*ไฟล์ว่างเปล่า"):
        extract_pdf(path)


def test_random_bytes_are_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "random.pdf"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(CorruptFileError, match=r"random\.pdf.*not a PDF.*ไฟล์ PDF เสียหาย"):
        extract_pdf(path)


def test_text_file_named_pdf_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("นี่ไม่ใช่ไฟล์ PDF", encoding="utf-8")
    with pytest.raises(CorruptFileError):
        extract_pdf(path)


@needs_font
def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    data = text_pdf(tmp_path / "full.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(CorruptFileError, match=r"truncated\.pdf"):
        extract_pdf(path)


@needs_font
def test_generated_thai_pdf_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = extract_pdf(text_pdf(tmp_path / "thai.pdf"))
    assert got.pages == ("\n".join(THAI_LINES),)
    assert got.warnings == ()
    assert capsys.readouterr().out == ""  # the library never prints


@needs_font
def test_metadata_title_and_year(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(text_pdf(tmp_path / "a.pdf")))
    writer.add_metadata({"/Title": "รายงานประจำปี ๒๕๖๖", "/CreationDate": "D:25660115093000+07'00'"})
    writer.write(tmp_path / "meta.pdf")
    got = extract_pdf(tmp_path / "meta.pdf")
    assert (got.title, got.year) == ("รายงานประจำปี ๒๕๖๖", 2023)  # Buddhist-era date
    writer.add_metadata({"/Title": "Microsoft Word - untitled.docx", "/CreationDate": "D:2019"})
    writer.write(tmp_path / "meta2.pdf")
    got = extract_pdf(tmp_path / "meta2.pdf")
    assert (got.title, got.year) == ("", 2019)


@needs_font
@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_password_protected_pdf(tmp_path: Path, algorithm: str) -> None:
    if algorithm.startswith("AES"):
        pytest.importorskip("cryptography", reason="AES needs the cryptography package")
    path = encrypted(text_pdf(tmp_path / "plain.pdf"), tmp_path / "locked.pdf", "secret", algorithm)
    with pytest.raises(EncryptedFileError, match=r"locked\.pdf.*password.*รหัสผ่าน"):
        extract_pdf(path)


@needs_font
@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_empty_user_password_pdf_reads(tmp_path: Path, algorithm: str) -> None:
    if algorithm.startswith("AES"):
        pytest.importorskip("cryptography", reason="AES needs the cryptography package")
    path = encrypted(text_pdf(tmp_path / "plain.pdf"), tmp_path / "owner-only.pdf", "", algorithm)
    assert PdfReader(path).is_encrypted
    assert extract_pdf(path).pages == ("\n".join(THAI_LINES),)


# --- scanned pages -------------------------------------------------------------------------


@needs_font
def test_scanned_pdf_without_ocr_is_empty(tmp_path: Path) -> None:
    path = scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(EmptyFileError) as caught:
        extract_pdf(path, ocr="off")
    message = str(caught.value)
    assert "scan.pdf" in message
    assert "scanned page(s) 1" in message and "OCR is off" in message
    assert "หน้า 1 เป็นภาพสแกน" in caught.value.thai


@needs_font
def test_scanned_page_among_text_pages_is_warned(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.append(text_pdf(tmp_path / "text.pdf"))
    writer.append(scanned_pdf(tmp_path / "scan.pdf"))
    writer.write(tmp_path / "mixed.pdf")
    got = extract_pdf(tmp_path / "mixed.pdf", ocr="off")
    assert got.pages == ("\n".join(THAI_LINES), "")
    (warning,) = got.warnings
    assert warning.startswith("page 2: no text layer (scanned image), OCR is off / หน้า 2:")


@needs_font
def test_scanned_pdf_without_tesseract_names_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract, no pdftoppm on this PATH
    with pytest.raises(EmptyFileError, match=r"scanned page\(s\) 1.*tesseract not installed"):
        extract_pdf(scanned_pdf(tmp_path / "scan.pdf"), ocr="auto")


@pytest.mark.ocr
@needs_ocr
@needs_font
def test_scanned_pdf_is_ocred(tmp_path: Path) -> None:
    got = extract_pdf(
        scanned_pdf(tmp_path / "scan.pdf"), ocr="auto", ocr_lang="tha+eng", ocr_dpi=200
    )
    assert "ประเทศไทย" in squash(got.pages[0])
    assert "\u0e4d\u0e32" not in got.pages[0]


# --- cleaning --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("บทที่ ๑ ............................ ๕", "บทที่ ๑ ๕"),
        ("สารบัญ . . . . . . . 3", "สารบัญ 3"),
        ("ก าหนด   การ  \n\n\n\nถัดไป", "กำหนด การ\n\nถัดไป"),
        ("บรรทัดแรก\n  ย่อหน้าใหม่\nต่อ", "บรรทัดแรก\n\nย่อหน้าใหม่\nต่อ"),
        ("ร\uf70aาง\tรัฐธรรมนูญ", "ร่าง รัฐธรรมนูญ"),
        ("...และอื่น ๆ", "...และอื่น ๆ"),
    ],
)
def test_clean_page_text(raw: str, clean: str) -> None:
    assert clean_page_text(raw) == clean
