"""The services an answerer works with, taken from an open index once.

An answerer never reaches into the :class:`~rag.index.index.Index`: it gets the
retriever, the BM25 store (term weights, sources of earlier answers), the embedding
service, the ``doc_id -> source file`` lookup and the page texts explicitly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from rag.index.bm25 import ThaiBM25
from rag.index.embedding import Embeddings
from rag.index.index import Index
from rag.search.retriever import HybridRetriever, retriever_for
from rag.search.settings import RetrievalSettings


def page_text_of(index: Index, doc_id: str, page: int) -> str:
    """The indexed text of a page (chunk offsets are offsets in it), ``""`` if unknown."""
    return next((p.text for p in index.manifest.pages(doc_id, page)), "")


def no_pages(doc_id: str, page: int) -> str:
    """No page texts: quotes stay inside their chunks."""
    return ""


@dataclass(frozen=True)
class Services:
    """What answering uses of an index.

    Attributes:
        retriever: Retrieves the passages (its settings' ``k`` for an answer).
        bm25: The keyword index (IDF weights, quoted documents).
        embeddings: Query and passage vectors through the embedding cache.
        source_of: The file a document was ingested from.
        page_text: The text of a document's page (``""`` when unknown): a quote that
            stops mid-clause at its chunk's end goes on from it.
    """

    retriever: HybridRetriever
    bm25: ThaiBM25
    embeddings: Embeddings
    source_of: Callable[[str], str]
    page_text: Callable[[str, int], str] = no_pages

    @classmethod
    def of(cls, index: Index, retrieval: RetrievalSettings) -> Services:
        """The services of an open index, retrieving as ``retrieval`` says."""
        return cls(
            retriever_for(index, retrieval),
            index.bm25,
            index.embeddings,
            index.source_of,
            functools.partial(page_text_of, index),
        )
