r"""Files to :class:`rag.data.Document` objects, one loader per file type.

>>> file_type(Path("รายงาน ปี 2566.PDF"))
'pdf'
>>> file_type(Path("news.jsonl.gz"))
'jsonl'
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.config import Config
from rag.data import FILE_TYPES, DocMeta, Document, FileType, Page
from rag.errors import EmptyFileError, UnsupportedFileError
from rag.ingest.headers import strip_running_lines
from rag.ingest.loaders.base import Extracted, display_name

SUFFIXES: dict[str, FileType] = {s: kind for kind, f in FILE_TYPES.items() for s in f.suffixes}
_YEAR = re.compile(r"(?<!\d)(25[0-9]{2}|19[5-9][0-9]|20[0-9]{2})(?!\d)")


def file_type(path: Path) -> FileType:
    """The loader for a path, from its (case-insensitive) suffix.

    Raises:
        UnsupportedFileError: For any other suffix.
    """
    name = path.name.lower()
    for suffix, kind in SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    supported = ", ".join(SUFFIXES)
    raise UnsupportedFileError(
        display_name(path.name),
        f"ไม่รองรับไฟล์ชนิดนี้ (รองรับ {supported})",
        f"unsupported file type {path.suffix or '(none)'!r}; supported: {supported}",
    )


def year_from_name(name: str) -> int | None:
    """A CE year written in a file name; Buddhist-era years are converted.

    >>> year_from_name("tobacco-control-2567.pdf"), year_from_name("report-2019.pdf")
    (2024, 2019)
    """
    match = _YEAR.search(name)
    if not match:
        return None
    year = int(match.group(1))
    return year - 543 if year >= 2500 else year


def extract(path: Path, cfg: Config) -> Extracted:
    """Run the loader of a single-document file (not JSONL)."""
    kind = file_type(path)
    if kind == "pdf":
        from rag.ingest.loaders.pdf import extract_pdf

        return extract_pdf(path, ocr=cfg.ocr, ocr_lang=cfg.ocr_lang, ocr_dpi=cfg.ocr_dpi)
    if kind == "docx":
        from rag.ingest.loaders.docx import extract_docx

        return extract_docx(path, cfg.max_unpacked_mb * 2**20)
    if kind == "html":
        from rag.ingest.loaders.html import extract_html

        return extract_html(path)
    from rag.ingest.loaders.text import extract_text_file

    return extract_text_file(path)


def load(path: Path, sha256: str, cfg: Config, collection: str = "") -> list[Document]:
    """Load a file into documents with cleaned page text.

    A JSONL collection yields one document per valid line (its ``id``/``pid`` is the
    document id); any other file yields one document whose id is its content hash.

    Args:
        path: The file.
        sha256: Hash of its bytes (the caller has already read them).
        cfg: Configuration (OCR settings).
        collection: Collection name to record, e.g. the folder ingested.

    Returns:
        The documents.

    Raises:
        InputError: A subclass naming what is wrong with the file.
    """
    if path.stat().st_size == 0:
        raise EmptyFileError(
            display_name(path.name), "ไฟล์ว่างเปล่า (0 ไบต์)", "the file is empty (0 bytes)"
        )
    kind = file_type(path)
    source = str(path)
    if kind == "jsonl":
        from rag.ingest.loaders.jsonl import read_articles

        articles, warnings = read_articles(path, cfg.max_unpacked_mb * 2**20)
        name = collection or path.name.split(".")[0]
        return [
            Document(
                meta=DocMeta(
                    doc_id=a.doc_id,
                    title=a.title or a.doc_id,
                    source=source,
                    sha256=sha256,
                    file_type="jsonl",
                    collection=name,
                    year=a.year,
                    url=a.url,
                    date=a.date,
                ),
                pages=(Page(a.doc_id, 1, a.text),),
                warnings=tuple(warnings) if i == 0 else (),
            )
            for i, a in enumerate(articles)
        ]
    got = extract(path, cfg)
    texts = (
        strip_running_lines(got.pages)
        if len(got.pages) > 1
        else tuple(p.strip() for p in got.pages)
    )
    doc_id = sha256[:16]
    meta = DocMeta(
        doc_id=doc_id,
        title=got.title or display_name(path.stem),
        source=source,
        sha256=sha256,
        file_type=kind,
        collection=collection,
        year=got.year or year_from_name(path.name),
    )
    pages = tuple(Page(doc_id, i, t) for i, t in enumerate(texts, start=1))
    return [Document(meta=meta, pages=pages, warnings=got.warnings)]
