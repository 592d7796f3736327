"""Frozen data records passed between stages.

Offsets are exact: for a chunk, ``page.text[chunk.start:chunk.end] == chunk.text``.
:data:`FILE_TYPES` is the one table of supported file types.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

FileType = Literal["pdf", "docx", "html", "txt", "md", "jsonl"]
Via = Literal["bm25", "dense", "both"]
_PLAIN = "text/plain; charset=utf-8"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class FileKind:
    """How a file type is recognised (lower-case suffixes) and served (media type)."""

    suffixes: tuple[str, ...]
    media_type: str


FILE_TYPES: Mapping[FileType, FileKind] = MappingProxyType(
    {
        "pdf": FileKind((".pdf",), "application/pdf"),
        "docx": FileKind((".docx",), _DOCX),
        "html": FileKind((".html", ".htm"), "text/html; charset=utf-8"),
        "txt": FileKind((".txt",), _PLAIN),
        "md": FileKind((".md",), _PLAIN),
        "jsonl": FileKind((".jsonl", ".jsonl.gz"), _PLAIN),
    }
)
"""The one table of supported file types, in the order suffixes are tried."""


@dataclass(frozen=True)
class DocMeta:
    """Metadata of one document.

    Attributes:
        doc_id: Stable id: the content hash for files, the line id for JSONL articles.
        title: Human title (from the file's metadata, first heading or the line's title).
        source: Path of the file the document came from, as given to ingest.
        sha256: Hash of the source file's bytes.
        file_type: The loader that read it.
        collection: The JSONL collection or folder name; empty for single files.
        year: Year (CE) found in the metadata or title, if any.
        url: Source URL for web articles.
        date: ISO date for dated articles.
    """

    doc_id: str
    title: str
    source: str
    sha256: str
    file_type: FileType
    collection: str = ""
    year: int | None = None
    url: str = ""
    date: str = ""


@dataclass(frozen=True)
class Page:
    """The indexed text of one page (1-based ``number``)."""

    doc_id: str
    number: int
    text: str


@dataclass(frozen=True)
class Document:
    """A loaded document: metadata, pages, and notes about skipped pages."""

    meta: DocMeta
    pages: tuple[Page, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def text_chars(self) -> int:
        """Characters of indexed text over all pages."""
        return sum(len(p.text) for p in self.pages)


def chunk_id(doc_id: str, page: int, start: int, text: str) -> str:
    """Content hash that identifies a chunk.

    >>> chunk_id("d1", 1, 0, "สวัสดี") == chunk_id("d1", 1, 0, "สวัสดี")
    True
    >>> len(chunk_id("d1", 1, 0, "สวัสดี"))
    16
    """
    h = hashlib.sha256(f"{doc_id}\x1f{page}\x1f{start}\x1f{text}".encode())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage inside one page.

    Attributes:
        chunk_id: Content hash of ``(doc_id, page, start, text)``.
        doc_id: Owning document.
        page: 1-based page number.
        start: Offset of the first character in the page text.
        end: Offset one past the last character.
        text: ``page_text[start:end]``.
    """

    chunk_id: str
    doc_id: str
    page: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and which retriever(s) found it."""

    chunk: Chunk
    title: str
    score: float
    via: Via
    rank_bm25: int | None = None
    rank_dense: int | None = None


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer, with the exact quoted passage."""

    n: int
    doc_id: str
    title: str
    source: str
    page: int
    chunk_id: str
    quote: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Answer:
    """An answer with ``[n]`` markers, its citations and how sure we are."""

    text: str
    citations: tuple[Citation, ...]
    confidence: float
    refused: bool
    timings: dict[str, float] = field(default_factory=dict)
    notice: str = ""


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation: a question and the answer given."""

    question: str
    answer: str
