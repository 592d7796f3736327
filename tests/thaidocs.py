"""Builders of real Thai test files (PDF via fpdf2 with a TLWG font, DOCX, HTML)."""

from __future__ import annotations

from pathlib import Path

import pytest

FONT = Path("/usr/share/fonts/truetype/tlwg/Garuda.ttf")


def make_pdf(path: Path, pages: list[str], header: str = "") -> Path:
    """Write a real text PDF with one Thai page per item (needs fonts-thai-tlwg)."""
    if not FONT.exists():
        pytest.skip("fonts-thai-tlwg is not installed (make sysdeps installs it)")
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_font("garuda", fname=str(FONT))
    for number, text in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("garuda", size=12)
        if header:
            pdf.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 8, text)
        if header:
            pdf.set_y(-20)
            pdf.cell(0, 8, f"- {number} -", align="C")
    pdf.output(str(path))
    return path


def make_docx(path: Path, paragraphs: list[str], title: str = "") -> Path:
    """Write a DOCX; an empty string in ``paragraphs`` is a page break."""
    import docx

    doc = docx.Document()
    doc.core_properties.title = title
    for text in paragraphs:
        if text:
            doc.add_paragraph(text)
        else:
            doc.add_page_break()
    doc.save(str(path))
    return path
