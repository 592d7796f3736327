r"""Thai-aware chunking: sentence boundaries, a token budget, overlap, exact offsets.

Chunks never cross a page, so a citation names one page, and for every chunk
``page.text[chunk.start:chunk.end] == chunk.text``. Tokens are counted with the
embedder's own tokenizer (passed in as a function), so a chunk fits the model.

>>> page = Page("d1", 1, "สสส. ก่อตั้งในปี 2544 ตามพระราชบัญญัติ\n\nรายได้มาจากภาษีสุราและยาสูบร้อยละ 2")
>>> [c.text for c in chunk_page(page, count_tokens=len, budget=40, overlap=0)]
['สสส. ก่อตั้งในปี 2544 ตามพระราชบัญญัติ', 'รายได้มาจากภาษีสุราและยาสูบร้อยละ 2']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, TextNode
from pydantic import PrivateAttr

from rag.data import Chunk, Page, chunk_id
from rag.thai.segment import sentence_spans, word_spans

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    tokens: int


def _pieces(text: str, start: int, end: int, level: int) -> list[tuple[int, int]]:
    """Finer spans inside ``text[start:end]``: clauses at spaces, then words."""
    part = text[start:end]
    if level == 0:
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", part)]
    else:
        spans = word_spans(part)
    return [(start + s, start + e) for s, e in spans]


def _split(
    text: str, start: int, end: int, *, count: TokenCounter, base: int, budget: int, level: int = 0
) -> list[_Unit]:
    """A span as one unit, or, when over budget, as clause- then word-level units."""
    n = max(1, count(text[start:end]) - base)
    if n <= budget or level == 2:
        return [_Unit(start, end, n)]
    pieces = _pieces(text, start, end, level)
    if len(pieces) <= 1 and level == 0:
        pieces = _pieces(text, start, end, 1)
        level = 1
    if len(pieces) <= 1:
        return [_Unit(start, end, n)]
    return [
        u
        for s, e in pieces
        for u in _split(text, s, e, count=count, base=base, budget=budget, level=level + 1)
    ]


def _units(text: str, count: TokenCounter, budget: int) -> list[_Unit]:
    """Sentences with their token counts; one over budget is cut at spaces, then words."""
    base = count("")
    return [
        u
        for s, e in sentence_spans(text)
        for u in _split(text, s, e, count=count, base=base, budget=budget)
    ]


def chunk_page(page: Page, count_tokens: TokenCounter, budget: int, overlap: int) -> list[Chunk]:
    """Split one page into chunks of whole sentences.

    Args:
        page: The page.
        count_tokens: Tokens of a string under the embedder's tokenizer.
        budget: Most tokens in a chunk (a single over-long word may exceed it).
        overlap: Tokens of trailing sentences repeated at the start of the next chunk.

    Returns:
        Chunks in page order.
    """
    text = page.text
    units = _units(text, count_tokens, budget)
    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or total + units[j].tokens <= budget):
            total += units[j].tokens
            j += 1
        start, end = units[i].start, units[j - 1].end
        body = text[start:end]
        chunks.append(
            Chunk(
                chunk_id(page.doc_id, page.number, start, body),
                page.doc_id,
                page.number,
                start,
                end,
                body,
            )
        )
        if j >= len(units):
            break
        k, carried = j, 0
        while k - 1 > i and carried + units[k - 1].tokens <= overlap:
            k -= 1
            carried += units[k].tokens
        i = k
    return chunks


# Bump when sentence or chunk boundaries change for the same text and settings, so
# existing indexes re-chunk their stored pages (2: PDF line wraps between Thai
# letters no longer end sentences; an open parenthesis runs on).
CHUNKING_VERSION = 2


def chunking_key(budget: int, overlap: int) -> str:
    """How an index's chunks were cut; when it changes, stored pages are re-chunked.

    >>> chunking_key(200, 40)
    'v2:200:40'
    """
    return f"v{CHUNKING_VERSION}:{budget}:{overlap}"


def chunk_pages(
    pages: Sequence[Page], count_tokens: TokenCounter, budget: int, overlap: int
) -> list[Chunk]:
    """Chunks of every page, in order; see :func:`chunk_page`."""
    return [c for p in pages for c in chunk_page(p, count_tokens, budget, overlap)]


class ThaiChunker(NodeParser):
    """llama-index ``NodeParser`` over :func:`chunk_page`, usable in any llama-index app.

    Each input node is one page: its ``ref_doc_id`` (or id) is the document id and
    ``metadata["page"]`` its page number. Output nodes keep that metadata plus
    ``start``/``end`` offsets, and their id is the chunk's content hash.
    """

    budget: int = 200
    overlap: int = 40
    _count: TokenCounter = PrivateAttr()

    def __init__(
        self, count_tokens: TokenCounter, budget: int = 200, overlap: int = 40, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.budget = budget
        self.overlap = overlap
        self._count = count_tokens

    def _parse_nodes(
        self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any
    ) -> list[BaseNode]:
        out: list[BaseNode] = []
        for node in nodes:
            page = Page(
                node.ref_doc_id or node.node_id,
                int(node.metadata.get("page", 1)),
                node.get_content(),
            )
            for c in chunk_page(page, self._count, self.budget, self.overlap):
                out.append(
                    TextNode(
                        id_=c.chunk_id,
                        text=c.text,
                        start_char_idx=c.start,
                        end_char_idx=c.end,
                        metadata={
                            **node.metadata,
                            "doc_id": c.doc_id,
                            "page": c.page,
                            "start": c.start,
                            "end": c.end,
                        },
                    )
                )
        return out
