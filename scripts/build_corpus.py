"""Render the bundled demo corpus (``corpus/``) from the Thai sources in ``scripts/corpus_src/``.

Every document in the demo corpus is written by the team; the sources are
Markdown-ish text files with a small front matter block::

    ---
    file: tobacco-control-2567.pdf      # output name in corpus/ (.pdf .docx .html .md .txt)
    title: <Thai document title>         # PDF/DOCX metadata title and the H1
    short: <short title>                 # running header "สสส. | <short>" (PDF only)
    year: 2567                           # Buddhist Era; metadata creation year = year - 543
    author: <organisation line>          # optional
    date: <Thai date line>               # optional, printed under the title
    ---
    > demo note (one line, printed in grey under the title)
    ## Heading
    ### Sub-heading
    A paragraph is one line (or several lines with no blank line between them).
    - bullet item
    1) numbered item
    | table | header |
    | cell  | cell   |

Usage::

    .venv/bin/python scripts/build_corpus.py            # rebuild everything into corpus/
    .venv/bin/python scripts/build_corpus.py --check    # rebuild in a temp dir, compare page counts

PDFs are rendered with fpdf2 and the TLWG font Laksaman (a Sarabun clone shipped
by the Debian package ``fonts-thai-tlwg``). Thai has no spaces between words, so
lines are broken at word boundaries found by pythainlp's ``newmm`` tokenizer and
each line is written as one cell. HarfBuzz text shaping is *off* by default:
with fpdf2 2.8 it decomposes SARA AM (U+0E33) into NIKHAHIT + SARA AA glyphs and
the second glyph gets no ToUnicode entry, so extracted text shows control
characters instead of ``ำ``. Unshaped output extracts byte-exact with pypdf and
poppler; ``--shaping`` turns it on for comparison. Output is deterministic
(fixed creation dates, no random IDs beyond what fpdf2 derives from content).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "scripts" / "corpus_src"
OUT = ROOT / "corpus"
FONT_DIR = Path("/usr/share/fonts/truetype/tlwg")
FONT_REGULAR = "Laksaman.ttf"
FONT_BOLD = "Laksaman-Bold.ttf"
FONT_ITALIC = "Laksaman-Italic.ttf"

BODY_PT = 14.0  # Laksaman, like TH Sarabun, is drawn small: 14pt reads like 11pt Latin
LINE_H = 7.0  # mm
ORG = "สสส."
ORG_FULL = "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ (สสส.)"


# --- source parsing ----------------------------------------------------------------------------


@dataclass
class Block:
    kind: str  # h2 h3 p note bullet num table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Doc:
    meta: dict[str, str]
    blocks: list[Block]
    src: Path

    @property
    def file(self) -> str:
        return self.meta["file"]

    @property
    def title(self) -> str:
        return self.meta["title"]

    @property
    def created(self) -> dt.datetime:
        year = int(self.meta["year"]) - 543
        month = int(self.meta.get("month", "6"))
        return dt.datetime(year, month, 1, 9, 0, 0, tzinfo=dt.UTC)


def parse_source(path: Path) -> Doc:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ValueError(f"{path}: missing front matter")
    head, body = text[4:].split("\n---\n", 1)
    meta: dict[str, str] = {}
    for line in head.splitlines():
        if line.strip():
            key, value = line.split(":", 1)
            meta[key.strip()] = value.strip()
    for key in ("file", "title", "year"):
        if key not in meta:
            raise ValueError(f"{path}: front matter lacks {key!r}")
    blocks: list[Block] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("p", " ".join(para)))
            para.clear()

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("### "):
            flush()
            blocks.append(Block("h3", line[4:].strip()))
        elif line.startswith("## "):
            flush()
            blocks.append(Block("h2", line[3:].strip()))
        elif line.startswith("> "):
            flush()
            blocks.append(Block("note", line[2:].strip()))
        elif line.startswith("- "):
            flush()
            blocks.append(Block("bullet", line[2:].strip()))
        elif re.match(r"^\d{1,2}\) ", line):
            flush()
            blocks.append(Block("num", line))
        elif line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                continue  # Markdown separator row
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        else:
            para.append(line)
    flush()
    return Doc(meta, blocks, path)


def load_sources() -> list[Doc]:
    docs = [parse_source(p) for p in sorted(SRC.glob("*.md"))]
    names = [d.file for d in docs]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate output names: {names}")
    return docs


# --- PDF ---------------------------------------------------------------------------------------


_NO_BREAK_BEFORE = set(")]}.,;:!?%–-—/”’\"'") | {"ๆ", "ฯ"}
_NO_BREAK_AFTER = set("([{“‘–-—/")


def _tokens(text: str) -> list[str]:
    """Word tokens with punctuation glued on, so lines never start with ")" or "–"."""
    from pythainlp.tokenize import word_tokenize

    out: list[str] = []
    for tok in word_tokenize(text, engine="newmm", keep_whitespace=True):
        if (
            out
            and not tok.isspace()
            and not out[-1].isspace()
            and (
                tok[0] in _NO_BREAK_BEFORE
                or out[-1][-1] in _NO_BREAK_AFTER
                or (out[-1][-1].isascii() and tok[0].isascii())  # "PM" + "2.5", "Co-" + "Learning"
            )
        ):
            out[-1] += tok
        else:
            out.append(tok)
    return out


def wrap_thai(pdf: object, text: str, width: float, first_width: float | None = None) -> list[str]:
    """Greedy line filling at Thai word boundaries, measured with the current font.

    ``first_width`` (default ``width``) is the room on the first line, for indents.
    """
    lines: list[str] = []
    cur = ""

    def room() -> float:
        return first_width if (first_width is not None and not lines) else width

    def fits(s: str) -> bool:
        return bool(pdf.get_string_width(s) <= room())  # type: ignore[attr-defined]

    for tok in _tokens(text):
        if fits(cur + tok) or not cur.strip():
            cur += tok
            while not fits(cur) and len(cur) > 1:  # one over-long token (URL): split by chars
                cut = len(cur)
                while cut > 1 and not fits(cur[:cut]):
                    cut -= 1
                lines.append(cur[:cut])
                cur = cur[cut:]
            continue
        lines.append(cur.rstrip())
        cur = tok.lstrip()
    if cur.strip():
        lines.append(cur.rstrip())
    return lines


def build_pdf(doc: Doc, out_path: Path, shaping: bool) -> int:
    from fpdf import FPDF

    short = doc.meta.get("short", doc.title)

    class Report(FPDF):  # type: ignore[misc]
        def header(self) -> None:
            self.set_font("th", "", 11)
            self.set_text_color(110, 110, 110)
            self.set_y(9)
            self.cell(0, 6, f"{ORG} | {short}", align="L", new_x="LMARGIN", new_y="NEXT")
            self.set_draw_color(170, 170, 170)
            self.line(self.l_margin, 16, self.w - self.r_margin, 16)
            self.set_text_color(0, 0, 0)
            self.set_y(22)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("th", "", 11)
            self.set_text_color(110, 110, 110)
            self.cell(0, 6, f"หน้า {self.page_no()} จาก {{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    pdf = Report(format="A4", unit="mm")
    pdf.set_margins(22, 22, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("th", "", str(FONT_DIR / FONT_REGULAR))
    pdf.add_font("th", "B", str(FONT_DIR / FONT_BOLD))
    pdf.add_font("th", "I", str(FONT_DIR / FONT_ITALIC))
    if shaping:
        pdf.set_text_shaping(True)
    pdf.set_title(doc.title)
    pdf.set_author(doc.meta.get("author", ORG_FULL))
    pdf.set_subject(doc.meta.get("subject", short))
    pdf.set_creator("scripts/build_corpus.py (demo corpus)")
    pdf.set_lang("th")
    pdf.set_creation_date(doc.created)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def room(mm: float) -> None:
        if pdf.get_y() + mm > pdf.page_break_trigger:
            pdf.add_page()

    def lines(
        text: str,
        pt: float,
        style: str = "",
        *,
        indent: float = 0.0,
        lh: float = LINE_H,
        prefix: str = "",
    ) -> None:
        """Paragraph (prefix "indent": first-line indent) or list item (hanging indent)."""
        pdf.set_font("th", style, pt)
        if prefix == "indent":
            wrapped = wrap_thai(pdf, text, width - indent, first_width=width - indent - 10.0)
            offsets = [10.0] + [0.0] * (len(wrapped) - 1)
            prefix = ""
        else:
            pw = pdf.get_string_width(prefix) if prefix else 0.0
            wrapped = wrap_thai(pdf, text, width - indent - pw)
            offsets = [pw] * len(wrapped)
        for i, line in enumerate(wrapped):
            room(lh)
            pdf.set_x(pdf.l_margin + indent)
            if prefix and i == 0:
                pdf.cell(offsets[0], lh, prefix)
            else:
                pdf.set_x(pdf.l_margin + indent + offsets[i])
            pdf.cell(width - indent - offsets[i], lh, line, new_x="LMARGIN", new_y="NEXT")

    # title block
    pdf.set_font("th", "B", 20)
    for line in wrap_thai(pdf, doc.title, width):
        pdf.cell(width, 10, line, align="C", new_x="LMARGIN", new_y="NEXT")
    if doc.meta.get("author"):
        pdf.set_font("th", "", 13)
        pdf.cell(width, 7, doc.meta["author"], align="C", new_x="LMARGIN", new_y="NEXT")
    if doc.meta.get("date"):
        pdf.set_font("th", "", 13)
        pdf.cell(width, 7, doc.meta["date"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    def render_toc(pdf: FPDF, outline: list) -> None:  # type: ignore[type-arg]
        pdf.ln(4)
        pdf.set_font("th", "B", 17)
        pdf.cell(width, 9, "สารบัญ", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for sec in outline:
            if sec.level > 0:
                continue
            pdf.set_font("th", "", BODY_PT)
            num = str(sec.page_number)
            name_w = width - 15
            pdf.cell(name_w, 8, sec.name)
            pdf.cell(15, 8, num, align="R", new_x="LMARGIN", new_y="NEXT")

    want_toc = doc.meta.get("toc", "").lower() in ("yes", "true", "1")
    for b in doc.blocks:
        if want_toc and b.kind != "note":
            pdf.insert_toc_placeholder(render_toc, pages=1, reset_page_indices=False)
            want_toc = False
        if b.kind == "h2":
            room(LINE_H * 4)
            pdf.ln(3)
            pdf.start_section(b.text, level=0)
            lines(b.text, 17, "B", lh=9)
            pdf.ln(1)
        elif b.kind == "h3":
            room(LINE_H * 3)
            pdf.ln(1)
            pdf.start_section(b.text, level=1, strict=False)
            lines(b.text, 15, "B", lh=8)
        elif b.kind == "note":
            pdf.set_text_color(90, 90, 90)
            lines(b.text, 12, "I", lh=6)
            pdf.set_text_color(0, 0, 0)
            pdf.ln(2)
        elif b.kind == "p":
            lines(b.text, BODY_PT, prefix="indent")
            pdf.ln(1.5)
        elif b.kind == "bullet":
            lines(b.text, BODY_PT, indent=6.0, prefix="•  ")
            pdf.ln(0.5)
        elif b.kind == "num":
            num, rest = b.text.split(" ", 1)
            lines(rest, BODY_PT, indent=6.0, prefix=f"{num}  ")
            pdf.ln(0.5)
        elif b.kind == "table":
            draw_table(pdf, b.rows, width)
    pdf.output(str(out_path))
    from pypdf import PdfReader

    return len(PdfReader(str(out_path)).pages)


def draw_table(pdf: object, rows: list[list[str]], width: float) -> None:
    pt, lh, pad = 13.0, 6.5, 1.5
    ncol = max(len(r) for r in rows)
    rows = [r + [""] * (ncol - len(r)) for r in rows]
    pdf.set_font("th", "", pt)  # type: ignore[attr-defined]
    natural = [
        max(pdf.get_string_width(r[c]) + 2 * pad + 1 for r in rows)  # type: ignore[attr-defined]
        for c in range(ncol)
    ]
    if sum(natural) <= width:
        widths = [n * width / sum(natural) for n in natural]
    else:  # shrink wide columns first
        widths = natural[:]
        fair = width / ncol
        excess = sum(widths) - width
        wide = [i for i in range(ncol) if widths[i] > fair]
        wide_total = sum(widths[i] - fair for i in wide)
        for i in wide:
            widths[i] -= excess * (widths[i] - fair) / wide_total
    pdf.ln(1)  # type: ignore[attr-defined]

    def row_lines(row: list[str], bold: bool) -> list[list[str]]:
        pdf.set_font("th", "B" if bold else "", pt)  # type: ignore[attr-defined]
        return [wrap_thai(pdf, cell, widths[i] - 2 * pad) for i, cell in enumerate(row)]

    def row_height(row: list[str], bold: bool) -> float:
        return max(len(c) for c in row_lines(row, bold)) * lh + 2 * pad - 1

    def draw_row(row: list[str], bold: bool) -> None:
        h = row_height(row, bold)
        need = h + (row_height(rows[1], False) if bold and len(rows) > 1 else 0.0)
        if pdf.get_y() + need > pdf.page_break_trigger:  # type: ignore[attr-defined]
            pdf.add_page()  # type: ignore[attr-defined]
            if not bold:
                draw_row(rows[0], True)
        cells = row_lines(row, bold)  # also sets the font for this row
        x0, y0 = pdf.l_margin, pdf.get_y()  # type: ignore[attr-defined]
        x = x0
        for i, cell_lines in enumerate(cells):
            if bold:
                pdf.set_fill_color(232, 240, 232)  # type: ignore[attr-defined]
                pdf.rect(x, y0, widths[i], h, style="DF")  # type: ignore[attr-defined]
            else:
                pdf.rect(x, y0, widths[i], h)  # type: ignore[attr-defined]
            for j, text in enumerate(cell_lines):
                pdf.set_xy(x + pad, y0 + pad - 0.5 + j * lh)  # type: ignore[attr-defined]
                pdf.cell(widths[i] - 2 * pad, lh, text)  # type: ignore[attr-defined]
            x += widths[i]
        pdf.set_xy(x0, y0 + h)  # type: ignore[attr-defined]

    pdf.set_draw_color(120, 120, 120)  # type: ignore[attr-defined]
    for k, row in enumerate(rows):
        draw_row(row, k == 0)
    pdf.set_font("th", "", BODY_PT)  # type: ignore[attr-defined]
    pdf.ln(3)  # type: ignore[attr-defined]


# --- DOCX --------------------------------------------------------------------------------------


def build_docx(doc: Doc, out_path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    d = Document()
    thai_font = "TH Sarabun New"
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "List Bullet", "List Number"):
        style = d.styles[style_name]
        style.font.name = thai_font
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(attr), thai_font)
        style.font.size = Pt(16)
        rpr_cs = rpr.find(qn("w:szCs"))
        if rpr_cs is None:
            rpr_cs = rpr.makeelement(qn("w:szCs"), {})
            rpr.append(rpr_cs)
        rpr_cs.set(qn("w:val"), "32")
    d.styles["Title"].font.size = Pt(24)
    d.styles["Heading 1"].font.size = Pt(20)
    d.styles["Heading 2"].font.size = Pt(18)

    props = d.core_properties
    props.title = doc.title
    props.author = doc.meta.get("author", ORG_FULL)
    props.subject = doc.meta.get("short", "")
    props.language = "th-TH"
    props.created = doc.created.replace(tzinfo=None)
    props.modified = doc.created.replace(tzinfo=None)
    props.last_modified_by = "build_corpus.py"
    props.revision = 1

    d.add_heading(doc.title, level=0)
    for key in ("author", "date"):
        if doc.meta.get(key):
            p = d.add_paragraph(doc.meta[key])
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for b in doc.blocks:
        if b.kind == "h2":
            d.add_heading(b.text, level=1)
        elif b.kind == "h3":
            d.add_heading(b.text, level=2)
        elif b.kind == "note":
            p = d.add_paragraph()
            run = p.add_run(b.text)
            run.italic = True
            run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        elif b.kind == "p":
            d.add_paragraph(b.text)
        elif b.kind == "bullet":
            d.add_paragraph(b.text, style="List Bullet")
        elif b.kind == "num":
            d.add_paragraph(b.text.split(" ", 1)[1], style="List Number")
        elif b.kind == "table":
            ncol = max(len(r) for r in b.rows)
            t = d.add_table(rows=len(b.rows), cols=ncol)
            t.style = "Table Grid"
            for i, row in enumerate(b.rows):
                for j, cell in enumerate(row):
                    t.cell(i, j).text = cell
                    if i == 0:
                        for run in t.cell(i, j).paragraphs[0].runs:
                            run.bold = True
            d.add_paragraph("")
    d.save(str(out_path))
    _normalise_zip(out_path, doc.created)


def _normalise_zip(path: Path, when: dt.datetime) -> None:
    """Rewrite a zip (DOCX) with fixed member timestamps so rebuilds are byte-stable."""
    import zipfile

    stamp = (when.year, when.month, when.day, 9, 0, 0)
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, data)


# --- HTML --------------------------------------------------------------------------------------

HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | ศูนย์เรียนรู้สุขภาวะ สสส. (ตัวอย่าง)</title>
<meta name="description" content="{description}">
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="{iso_date}">
<link rel="stylesheet" href="/static/css/site.css">
</head>
<body>
<header class="site-header">
  <a class="logo" href="/">ศูนย์เรียนรู้สุขภาวะ (เว็บไซต์ตัวอย่าง)</a>
  <form class="search" action="/search" method="get">
    <input type="text" name="q" placeholder="ค้นหาบทความ ชุดความรู้ สื่อ">
    <button type="submit">ค้นหา</button>
  </form>
</header>
<nav class="main-nav" aria-label="เมนูหลัก">
  <ul>
    <li><a href="/">หน้าแรก</a></li>
    <li><a href="/about">เกี่ยวกับเรา</a></li>
    <li><a href="/issues">ประเด็นสุขภาวะ</a></li>
    <li><a href="/knowledge">คลังความรู้</a></li>
    <li><a href="/media">สื่อและอินโฟกราฟิก</a></li>
    <li><a href="/news">ข่าวสาร</a></li>
    <li><a href="/contact">ติดต่อเรา</a></li>
  </ul>
</nav>
<div class="breadcrumb"><a href="/">หน้าแรก</a> &rsaquo;
  <a href="/knowledge">คลังความรู้</a> &rsaquo; การจัดการความรู้</div>
<main>
<article class="post">
<h1>{title}</h1>
<p class="post-meta">{meta_line}</p>
{body}
</article>
<aside class="related">
  <h2>บทความที่เกี่ยวข้อง</h2>
  <ul>
    <li><a href="/knowledge/partner-network">เครือข่ายภาคีกับการทำงานเชิงประเด็น</a></li>
    <li><a href="/knowledge/story-telling">เทคนิคการเล่าเรื่องเพื่อถอดบทเรียน</a></li>
    <li><a href="/knowledge/online-community">ชุมชนนักปฏิบัติออนไลน์</a></li>
  </ul>
  <p class="share">แชร์บทความนี้:
    <a href="#">Facebook</a> | <a href="#">LINE</a> | <a href="#">X</a></p>
</aside>
</main>
<footer class="site-footer">
  <p>ศูนย์เรียนรู้สุขภาวะ (เว็บไซต์ตัวอย่างสำหรับสาธิตระบบ) ถนนตัวอย่าง เขตตัวอย่าง กรุงเทพมหานคร 10000</p>
  <p>โทรศัพท์ 0-0000-0000 | <a href="/privacy">นโยบายความเป็นส่วนตัว</a>
    | <a href="/sitemap">แผนผังเว็บไซต์</a></p>
  <p>&copy; {ce_year} สงวนลิขสิทธิ์ เนื้อหาในหน้านี้เป็นตัวอย่าง</p>
</footer>
<script src="/static/js/site.js"></script>
</body>
</html>
"""


def build_html(doc: Doc, out_path: Path) -> None:
    esc = html.escape
    parts: list[str] = []
    open_list: str | None = None

    def close_list() -> None:
        nonlocal open_list
        if open_list:
            parts.append(f"</{open_list}>")
            open_list = None

    for b in doc.blocks:
        want = {"bullet": "ul", "num": "ol"}.get(b.kind)
        if want != open_list:
            close_list()
            if want:
                parts.append(f"<{want}>")
                open_list = want
        if b.kind == "h2":
            parts.append(f"<h2>{esc(b.text)}</h2>")
        elif b.kind == "h3":
            parts.append(f"<h3>{esc(b.text)}</h3>")
        elif b.kind == "note":
            parts.append(f'<p class="note"><em>{esc(b.text)}</em></p>')
        elif b.kind == "p":
            parts.append(f"<p>{esc(b.text)}</p>")
        elif b.kind == "bullet":
            parts.append(f"<li>{esc(b.text)}</li>")
        elif b.kind == "num":
            parts.append(f"<li>{esc(b.text.split(' ', 1)[1])}</li>")
        elif b.kind == "table":
            head, *rest = b.rows
            rows = "".join(
                "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>\n" for r in rest
            )
            parts.append(
                "<table>\n<thead><tr>"
                + "".join(f"<th>{esc(c)}</th>" for c in head)
                + f"</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>"
            )
    close_list()
    first_p = next((b.text for b in doc.blocks if b.kind == "p"), doc.title)
    meta_line = " | ".join(x for x in (doc.meta.get("author"), doc.meta.get("date")) if x)
    out_path.write_text(
        HTML_TEMPLATE.format(
            title=esc(doc.title),
            description=esc(first_p[:150]),
            iso_date=doc.created.date().isoformat(),
            meta_line=esc(meta_line),
            body="\n".join(parts),
            ce_year=doc.created.year,
        ),
        encoding="utf-8",
    )


# --- Markdown / plain text ---------------------------------------------------------------------


def build_text(doc: Doc, out_path: Path, markdown: bool) -> None:
    out: list[str] = []
    out.append(f"# {doc.title}" if markdown else doc.title)
    if not markdown:
        out.append("=" * 40)
    for key in ("author", "date"):
        if doc.meta.get(key):
            out.append(doc.meta[key])
    out.append("")
    for b in doc.blocks:
        if b.kind in ("h2", "h3"):
            if markdown:
                out += ["", ("## " if b.kind == "h2" else "### ") + b.text, ""]
            else:
                out += ["", b.text, ""]
        elif b.kind == "note":
            out += [f"> {b.text}" if markdown else b.text, ""]
        elif b.kind == "p":
            out += [b.text, ""]
        elif b.kind == "bullet":
            out.append(f"- {b.text}")
        elif b.kind == "num":
            num, rest = b.text.split(" ", 1)
            out.append(f"{num[:-1]}. {rest}" if markdown else b.text)
        elif b.kind == "table":
            out.append("")
            for i, row in enumerate(b.rows):
                out.append("| " + " | ".join(row) + " |" if markdown else "  ".join(row))
                if markdown and i == 0:
                    out.append("|" + "|".join("---" for _ in row) + "|")
            out.append("")
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"
    out_path.write_text(text, encoding="utf-8")


# --- driver ------------------------------------------------------------------------------------


def build_all(out_dir: Path, shaping: bool = False) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    pages: dict[str, int] = {}
    for doc in load_sources():
        target = out_dir / doc.file
        suffix = target.suffix.lower()
        if suffix == ".pdf":
            pages[doc.file] = build_pdf(doc, target, shaping)
        elif suffix == ".docx":
            build_docx(doc, target)
            pages[doc.file] = 1
        elif suffix in (".html", ".htm"):
            build_html(doc, target)
            pages[doc.file] = 1
        elif suffix in (".md", ".txt"):
            build_text(doc, target, markdown=suffix == ".md")
            pages[doc.file] = 1
        else:
            raise ValueError(f"{doc.src}: unsupported output type {suffix}")
    return pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT, help="output folder (default corpus/)")
    ap.add_argument("--shaping", action="store_true", help="turn on HarfBuzz shaping (see doc)")
    ap.add_argument(
        "--check",
        action="store_true",
        help="build into a temp dir and compare PDF page counts with corpus/",
    )
    args = ap.parse_args(argv)
    if args.check:
        from pypdf import PdfReader

        with tempfile.TemporaryDirectory() as tmp:
            pages = build_all(Path(tmp), args.shaping)
        bad = 0
        for name, n in pages.items():
            if not name.endswith(".pdf"):
                continue
            have = len(PdfReader(str(OUT / name)).pages) if (OUT / name).exists() else None
            if have != n:
                bad += 1
                print(f"MISMATCH {name}: corpus has {have} pages, rebuild gives {n}")
        print("ok" if not bad else f"{bad} mismatches")
        return 1 if bad else 0
    pages = build_all(args.out, args.shaping)
    for extra in sorted(set(p.name for p in args.out.iterdir()) - set(pages)):
        print(f"note: {extra} in {args.out} is not built from scripts/corpus_src/")
    total = 0
    for name, n in pages.items():
        size = (args.out / name).stat().st_size
        if name.endswith(".pdf"):
            total += n
            print(f"{name:45s} {n:2d} pages {size / 1024:7.1f} KiB")
        else:
            print(f"{name:45s}          {size / 1024:7.1f} KiB")
    print(f"total PDF pages: {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
