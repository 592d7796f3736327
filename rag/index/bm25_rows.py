"""The rows of a BM25 index: chunk ids, metadata, lengths and posting segments.

:class:`BM25Rows` holds what :class:`~rag.index.bm25.ThaiBM25` scores: each chunk's
distinct token ids and counts, in a large base segment of posting lists plus a
small fresh one (:mod:`rag.index.postings`). Adding appends rows; removing clears a
flag; the fresh segment is merged into the base only once it has grown past a
quarter of it, so no change rebuilds the index.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Self

import numpy as np

from rag.index.filters import MetaValue
from rag.index.postings import Postings

MERGE_MIN = 2048  # postings / 50 in the fresh segment before it may be merged into the base
RowData = tuple[str, dict[str, MetaValue], np.ndarray, np.ndarray]
"""``(chunk id, metadata, token ids, term frequencies)`` of one row."""


class BM25Rows:
    """Rows and posting lists of a BM25 index, changed in place.

    Args:
        k1: BM25 term-frequency saturation.
        b: BM25 length normalisation.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.version = 0
        """The saved version this index was loaded at (:mod:`rag.index.bm25_store`)."""
        self.words: list[str] = []  # token id -> token
        self._vocab: dict[str, int] = {}
        self._ids: list[str] = []  # row -> chunk id
        self._row: dict[str, int] = {}  # chunk id of a live row -> row
        self._meta: list[dict[str, MetaValue]] = []
        self._lengths = np.zeros(0, dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._total = 0.0  # summed length of live rows
        self._base = Postings.empty()
        self._fresh: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # rows not in the base
        self._fresh_postings: Postings | None = Postings.empty()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._row)

    @property
    def params(self) -> tuple[float, float]:
        """``(k1, b)``."""
        return self.k1, self.b

    def clone(self) -> Self:
        """A copy to change while searches go on with this one (segments are shared)."""
        with self._lock:
            other = copy.copy(self)
            other.words, other._vocab = list(self.words), dict(self._vocab)
            other._ids, other._row, other._meta = list(self._ids), dict(self._row), list(self._meta)
            other._lengths, other._alive = self._lengths.copy(), self._alive.copy()
            other._fresh = dict(self._fresh)
            other._lock = threading.Lock()
        return other

    def ids(self) -> list[str]:
        """Chunk ids in the index, in insertion order."""
        return list(self._row)

    def meta(self, chunk_id: str) -> dict[str, MetaValue] | None:
        """The filter metadata of a chunk, or ``None`` if it is not indexed."""
        row = self._row.get(chunk_id)
        return None if row is None else self._meta[row]

    def _row_arrays(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        return self._fresh[row] if row in self._fresh else self._base.of_row(row)

    def tokens(self, chunk_id: str) -> list[str] | None:
        """The indexed tokens of a chunk, by token id (``None`` if it is not indexed)."""
        row = self._row.get(chunk_id)
        if row is None:
            return None
        tids, tfs = self._row_arrays(row)
        pairs = sorted(zip(tids.tolist(), tfs.tolist(), strict=True))
        return [self.words[t] for t, n in pairs for _ in range(int(n))]

    def token_ids(self, tokens: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Distinct token ids of a token list (new tokens get ids) and their counts."""
        counts = Counter(tokens)
        for token in counts:
            if token not in self._vocab:
                self._vocab[token] = len(self.words)
                self.words.append(token)
        tids = np.fromiter((self._vocab[t] for t in counts), np.int64, len(counts))
        tfs = np.fromiter(counts.values(), np.float32, len(counts))
        return tids, tfs

    def extend_vocab(self, words: Sequence[str]) -> None:
        """Append tokens saved after this index's vocabulary (their ids follow on)."""
        with self._lock:
            for word in words:
                self._vocab[word] = len(self.words)
                self.words.append(word)

    def add_rows(self, rows: Sequence[RowData]) -> None:
        """Add or replace chunks given as token ids of this index's vocabulary."""
        rows = list({r[0]: r for r in rows}.values())  # the last of a repeated id wins
        self.remove(cid for cid, *_ in rows)
        with self._lock:
            first = len(self._ids)
            lengths = np.zeros(len(rows), dtype=np.float32)
            for i, (cid, meta, tids, tfs) in enumerate(rows):
                self._row[cid] = first + i
                self._ids.append(cid)
                self._meta.append(meta)
                self._fresh[first + i] = (tids, tfs)
                lengths[i] = float(tfs.sum())
            self._lengths = np.concatenate([self._lengths, lengths])
            self._alive = np.concatenate([self._alive, np.ones(len(rows), dtype=bool)])
            self._total += float(lengths.sum())
            self._fresh_postings = None

    def remove(self, chunk_ids: Iterable[str]) -> int:
        """Remove chunks; unknown ids are ignored.

        Returns:
            How many chunks were removed.
        """
        removed = 0
        with self._lock:
            for cid in chunk_ids:
                row = self._row.pop(cid, None)
                if row is not None:
                    self._alive[row] = False
                    self._total -= float(self._lengths[row])
                    removed += 1
        return removed

    def _segments(self) -> tuple[Postings, Postings]:
        """The base and fresh segments (the fresh one built or merged when stale)."""
        with self._lock:
            if self._fresh_postings is None:
                rows = list(self._fresh)
                tids = [self._fresh[r][0] for r in rows]
                fresh = Postings.build(
                    np.repeat(np.asarray(rows, dtype=np.int64), [t.size for t in tids]),
                    np.concatenate(tids) if tids else np.zeros(0, np.int64),
                    np.concatenate([self._fresh[r][1] for r in rows]) if rows else np.zeros(0),
                    len(self.words),
                )
                if len(fresh) > max(MERGE_MIN * 50, len(self._base) // 4):
                    self._base, self._fresh = self._base.merged(fresh, len(self.words)), {}
                    fresh = Postings.empty()
                self._fresh_postings = fresh
            return self._base, self._fresh_postings

    def _postings(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        parts = [s.of(tid) for s in self._segments()]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def rows(self) -> Iterator[RowData]:
        """Every live row, in insertion order (for writing the whole index)."""
        base = self._base
        order = np.argsort(base.rows, kind="stable")
        tids, rows = base.token_ids()[order], base.rows[order]
        tfs = base.tfs[order]
        bounds = np.searchsorted(rows, np.arange(len(self._ids) + 1))
        for row, cid in enumerate(self._ids):
            if self._row.get(cid) != row:
                continue
            if row in self._fresh:
                t, f = self._fresh[row]
            else:
                t, f = tids[bounds[row] : bounds[row + 1]], tfs[bounds[row] : bounds[row + 1]]
            yield cid, self._meta[row], t, f

    @classmethod
    def from_arrays(
        cls,
        params: tuple[float, float, int],
        words: list[str],
        ids: list[str],
        metas: list[dict[str, MetaValue]],
        postings: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> Self:
        """An index from saved parts: ``(k1, b, version)``, ``(rows, token ids, tfs)``."""
        bm = cls(params[0], params[1])
        bm.version = params[2]
        bm.words, bm._vocab = words, {w: i for i, w in enumerate(words)}
        bm._ids, bm._row, bm._meta = ids, {c: i for i, c in enumerate(ids)}, metas
        rows, tids, tfs = postings
        bm._lengths = np.bincount(rows, weights=tfs, minlength=len(ids)).astype(np.float32)
        bm._alive = np.ones(len(ids), dtype=bool)
        bm._total = float(bm._lengths.sum())
        bm._base = Postings.build(rows, tids, tfs, len(words))
        return bm
