"""Frozen data records passed between stages.

Offsets are exact: for a chunk, ``page.text[chunk.start:chunk.end] == chunk.text``.
A record written as JSON anywhere has one ``to_json()`` and one ``from_json()``.
:data:`FILE_TYPES` is the one table of supported file types.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

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

    def to_json(self) -> dict[str, Any]:
        """The JSON form (every field, in order) the manifest stores.

        >>> meta = DocMeta("d1", "รายงานประจำปี 2566", "a.pdf", "ab12", "pdf", year=2023)
        >>> DocMeta.from_json(meta.to_json()) == meta
        True
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> DocMeta:
        """The metadata written by :meth:`to_json`."""
        return cls(**obj)


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

    def to_json(self) -> dict[str, Any]:
        """The JSON form of ``rag search --json`` and batches (score rounded to 6 digits).

        It names the chunk but carries neither its text nor its offsets, nor the ranks.

        >>> row = {"doc_id": "d1", "title": "บุหรี่ไฟฟ้า", "page": 3, "chunk_id": "c1",
        ...        "score": 0.5, "via": "both"}
        >>> Hit.from_json(row).to_json() == row
        True
        """
        c = self.chunk
        return {
            "doc_id": c.doc_id,
            "title": self.title,
            "page": c.page,
            "chunk_id": c.chunk_id,
            "score": round(self.score, 6),
            "via": self.via,
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Hit:
        """The hit of :meth:`to_json`; its chunk has no text (offsets 0)."""
        chunk = Chunk(obj["chunk_id"], obj["doc_id"], obj["page"], 0, 0, "")
        return cls(chunk, obj["title"], obj["score"], obj["via"])


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

    def to_json(self) -> dict[str, Any]:
        """The JSON form in answers and feedback (score rounded to 6 digits, source last).

        >>> c = Citation(1, "d1", "ประวัติ", "a.md", 2, "c1", "สสส. ก่อตั้งปี 2544", 0, 19, 0.5)
        >>> Citation.from_json(c.to_json()) == c
        True
        """
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "page": self.page,
            "chunk_id": self.chunk_id,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 6),
            "source": self.source,
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Citation:
        """The citation of :meth:`to_json` (any key order)."""
        names = ("n", "doc_id", "title", "source", "page", "chunk_id", "quote", "start", "end")
        return cls(**{k: obj[k] for k in names}, score=obj["score"])


@dataclass(frozen=True)
class Answer:
    """An answer with ``[n]`` markers, its citations and how sure we are."""

    text: str
    citations: tuple[Citation, ...]
    confidence: float
    refused: bool
    timings: dict[str, float] = field(default_factory=dict)
    notice: str = ""

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the CLI and the web API (confidence rounded to 4 digits).

        >>> c = Citation(1, "d1", "ประวัติ", "a.md", 1, "c1", "สสส. ก่อตั้งปี 2544", 0, 19, 0.9)
        >>> ans = Answer("สสส. ก่อตั้งปี 2544 [1]", (c,), 0.8, False, {"total": 0.1})
        >>> Answer.from_json(ans.to_json()) == ans
        True
        """
        return {
            "text": self.text,
            "refused": self.refused,
            "confidence": round(self.confidence, 4),
            "notice": self.notice,
            "timings": dict(self.timings),
            "citations": [c.to_json() for c in self.citations],
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Answer:
        """The answer of :meth:`to_json` (other keys, such as ``qid``, are ignored)."""
        citations = tuple(Citation.from_json(c) for c in obj["citations"])
        timings = dict(obj.get("timings", {}))
        notice = obj.get("notice", "")
        return cls(obj["text"], citations, obj["confidence"], obj["refused"], timings, notice)


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation: a question and the answer given."""

    question: str
    answer: str

    def to_json(self) -> dict[str, Any]:
        """The JSON form of question sets, eval reports and feedback.

        >>> turn = Turn("สสส. คืออะไร", "กองทุนสนับสนุนการสร้างเสริมสุขภาพ [1]")
        >>> Turn.from_json(turn.to_json()) == turn
        True
        """
        return {"question": self.question, "answer": self.answer}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Turn:
        """The turn of :meth:`to_json` (values taken as text)."""
        return cls(str(obj["question"]), str(obj["answer"]))
