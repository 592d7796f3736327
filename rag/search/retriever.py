"""Hybrid retrieval: Thai BM25 and dense vectors, fused, deduplicated.

Each retriever returns its ``candidates`` best chunks (filters applied before
its top-k); the lists are fused as the :class:`~rag.search.settings.RetrievalSettings`
say (:mod:`rag.search.fusion`), the head of the fused list is reordered by how much
of the question each chunk holds (:mod:`rag.search.rerank`), and near-duplicate
passages are dropped so the same text posted under two documents does not take two
of the ``k`` places.

:class:`HybridRetriever` is a llama-index ``BaseRetriever`` (``retrieve`` gives
``NodeWithScore`` objects) and has :meth:`HybridRetriever.search` for our
:class:`~rag.data.Hit` records.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.callbacks import CallbackManager
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag.data import Chunk, Hit, Via
from rag.index.bm25 import ThaiBM25
from rag.index.filters import Where
from rag.index.vectors import VectorStore
from rag.search.fusion import Ranked, fuse
from rag.search.rerank import rerank
from rag.search.settings import RetrievalSettings
from rag.search.terms import evidence_terms
from rag.thai.match import cached_search_tokens, is_mostly_thai, text_key
from rag.thai.years import expand_years

if TYPE_CHECKING:
    from rag.index.index import Index

logger = logging.getLogger(__name__)

Lookup = Callable[[list[str]], dict[str, tuple[Chunk, str]]]
DEDUP_JACCARD = 0.9


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two token sets (1.0 for two empty sets).

    >>> jaccard(frozenset("abc"), frozenset("abd"))
    0.5
    """
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


class HybridRetriever(BaseRetriever):
    """BM25 + dense retrieval with rank fusion and near-duplicate removal.

    Args:
        embedder: The embedder the vector store was built with.
        vectors: The dense store.
        bm25: The keyword index.
        lookup: ``chunk ids -> {chunk_id: (Chunk, document title)}``; ids it does
            not know are skipped.
        settings: Mode, depth and fusion (:class:`~rag.search.settings.RetrievalSettings`,
            built once from the configuration).
        dedup_jaccard: Drop a hit whose :func:`~rag.thai.match.search_tokens` set has at
            least this Jaccard similarity with a higher-ranked hit (identical
            normalised text is always dropped); ``None`` keeps near-duplicates.
            Measured on 6,361 chunks of 400 Thai government news articles:
            overlapping neighbour chunks of one article reach at most 0.84;
            pairs across articles at 0.9 or more were the same passage
            republished, while 0.8-0.9 still held distinct facts (the same
            cabinet-meeting header with another date). Hence 0.9.
        where: Default metadata filter for :meth:`retrieve`.
        pending: Chunks searchable by keyword whose vectors are not stored yet
            (:meth:`rag.index.index.Index.pending`): ranked by keyword alone.
        callback_manager: llama-index callbacks (never the global ``Settings``).
    """

    def __init__(
        self,
        embedder: BaseEmbedding,
        vectors: VectorStore,
        bm25: ThaiBM25,
        lookup: Lookup,
        settings: RetrievalSettings,
        *,
        dedup_jaccard: float | None = DEDUP_JACCARD,
        where: Where | None = None,
        pending: Collection[str] = frozenset(),
        callback_manager: CallbackManager | None = None,
    ) -> None:
        super().__init__(callback_manager=callback_manager or CallbackManager([]))
        self.embedder = embedder
        self.vectors = vectors
        self.bm25 = bm25
        self.lookup = lookup
        self.settings = settings
        self.dedup_jaccard = dedup_jaccard
        self.where = where
        self.pending = pending

    def candidate_lists(
        self,
        query: str,
        where: Where | None = None,
        embedding: list[float] | None = None,
        stats: dict[str, float] | None = None,
    ) -> tuple[Ranked, Ranked]:
        """The BM25 and dense candidate lists (either is empty when its mode is off).

        ``stats``, when given, receives ``bm25_s``, ``dense_s`` (seconds) and
        ``pending_candidates``: BM25 candidates whose vectors are not stored yet.
        """
        sparse: Ranked = []
        dense: Ranked = []
        started = time.perf_counter()
        mode, candidates = self.settings.mode, self.settings.candidates
        if mode in ("hybrid", "bm25"):
            sparse = self.bm25.search(keyword_query(query, self.settings), candidates, where)
        bm25_s = time.perf_counter() - started
        if mode in ("hybrid", "dense"):
            vector = embedding or self.embedder.get_query_embedding(query)
            dense = self.vectors.query(vector, candidates, where)
        dense_s = time.perf_counter() - started - bm25_s
        waiting = sum(1 for cid, _ in sparse if cid in self.pending) if self.pending else 0
        logger.debug(
            "retrieval: bm25 %d hits in %.3f s (%d without vectors yet), dense %d hits in %.3f s",
            *(len(sparse), bm25_s, waiting, len(dense), dense_s),
        )
        if stats is not None:
            stats.update(bm25_s=bm25_s, dense_s=dense_s, pending_candidates=float(waiting))
        return sparse, dense

    def search(
        self,
        query: str,
        k: int | None = None,
        where: Where | None = None,
        embedding: list[float] | None = None,
        stats: dict[str, float] | None = None,
    ) -> list[Hit]:
        """The best chunks for ``query``.

        Args:
            query: The question, in Thai or English.
            k: Hits wanted (default: the retriever's ``k``).
            where: Metadata filter (default: the retriever's ``where``).
            embedding: A precomputed query embedding, if any.
            stats: Filled with timings and the count of candidates without vectors
                (see :meth:`candidate_lists`).

        Returns:
            Hits, best first. ``score`` is the fused score in hybrid mode and the
            retriever's own score (BM25 or cosine similarity) in a single mode, plus
            the coverage gain (:func:`rag.search.rerank.rerank`);
            ``via`` says which lists held the chunk and ``rank_*`` its 1-based rank there.
        """
        k = self.settings.k if k is None else k
        where = self.where if where is None else where
        sparse, dense = self.candidate_lists(query, where, embedding, stats)
        fused = fuse(sparse, dense, self.settings, self.pending)
        if not fused or k <= 0:
            return []
        rank_bm25 = {cid: rank for rank, (cid, _) in enumerate(sparse, start=1)}
        rank_dense = {cid: rank for rank, (cid, _) in enumerate(dense, start=1)}
        found = self.lookup([cid for cid, _ in fused])
        if self.settings.coverage > 0:
            terms = evidence_terms(self.bm25, query, self.settings.glossary)
            fused = rerank(fused, found, terms, self.settings.coverage, self.settings.title_share)
        hits: list[Hit] = []
        seen_keys: set[str] = set()
        seen_tokens: list[frozenset[str]] = []
        for cid, score in fused:
            if cid not in found:
                logger.warning("chunk %s is in the search index but not in the manifest", cid)
                continue
            chunk, title = found[cid]
            if self._is_duplicate(chunk.text, seen_keys, seen_tokens):
                logger.debug("dropped near-duplicate chunk %s", cid)
                continue
            via: Via = (
                "both"
                if cid in rank_bm25 and cid in rank_dense
                else "bm25"
                if cid in rank_bm25
                else "dense"
            )
            hits.append(Hit(chunk, title, score, via, rank_bm25.get(cid), rank_dense.get(cid)))
            if len(hits) == k:
                break
        return hits

    def _is_duplicate(
        self, text: str, seen_keys: set[str], seen_tokens: list[frozenset[str]]
    ) -> bool:
        key = text_key(text)
        if key in seen_keys:
            return True
        seen_keys.add(key)
        if self.dedup_jaccard is None:
            return False
        tokens = frozenset(cached_search_tokens(text))  # the answerer tokenises these again
        if any(jaccard(tokens, other) >= self.dedup_jaccard for other in seen_tokens):
            return True
        seen_tokens.append(tokens)
        return False

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self.search(query_bundle.query_str, embedding=query_bundle.embedding)
        return [to_node(hit) for hit in hits]


def keyword_query(query: str, settings: RetrievalSettings) -> str:
    """The BM25 query: years in both eras, and glossary spellings for non-Thai questions.

    A question that is not mostly Thai gets the Thai spellings of its glossary
    terms. Thai questions are not expanded through the glossary: on thaihealth-news that
    cost containment (0.721 to 0.699) and added a false refusal.

    >>> from rag.config import Config
    >>> s = RetrievalSettings.from_config(Config())
    >>> keyword_query("ปี 2024 คนไทยสูบบุหรี่ร้อยละเท่าไร", s)
    'ปี 2024 คนไทยสูบบุหรี่ร้อยละเท่าไร 2567'
    >>> "สูบบุหรี่" in keyword_query("smoking rate in 2024", s)
    True
    """
    if not is_mostly_thai(query):
        query = settings.glossary.expand(query)
    return expand_years(query)


def retriever_for(
    index: Index, settings: RetrievalSettings, where: Where | None = None
) -> HybridRetriever:
    """A hybrid retriever over the stores of an open index, as last committed.

    The index first loads what other processes committed (:meth:`Index.refresh`:
    one SQLite read when nothing changed), so a running app sees a CLI ingest.

    Args:
        index: The index (its embedder, Chroma and BM25 stores, and chunk lookup).
        settings: How to search (:meth:`RetrievalSettings.from_config` for the
            configured ones).
        where: Default metadata filter.
    """
    index.refresh()
    return HybridRetriever(
        index.embedder,
        index.vectors,
        index.bm25,
        index.lookup,
        settings,
        where=where,
        pending=index.pending(),
    )


def to_node(hit: Hit) -> NodeWithScore:
    """A hit as a llama-index node (id = chunk id; citation fields in metadata)."""
    chunk = hit.chunk
    node = TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        start_char_idx=chunk.start,
        end_char_idx=chunk.end,
        metadata={
            "doc_id": chunk.doc_id,
            "page": chunk.page,
            "title": hit.title,
            "start": chunk.start,
            "end": chunk.end,
            "via": hit.via,
        },
        excluded_embed_metadata_keys=["doc_id", "start", "end", "via"],
        excluded_llm_metadata_keys=["doc_id", "start", "end", "via"],
    )
    return NodeWithScore(node=node, score=hit.score)
