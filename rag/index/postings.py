"""Posting lists in CSR form: for each token id, the rows holding it and how often.

:class:`~rag.index.bm25.ThaiBM25` keeps a large immutable base segment and a small
one for rows added since; merging them re-sorts only once the small one has grown
(amortised), so an added chunk never rebuilds the index.

>>> p = Postings.build(np.array([0, 0, 1]), np.array([2, 0, 2]), np.array([1, 3, 2]), 3)
>>> [r.tolist() for r in p.of(2)], p.of(1)[0].size, p.of(7)[0].size
([[0, 1], [1.0, 2.0]], 0, 0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EMPTY_ROWS = np.zeros(0, dtype=np.int32)
_EMPTY_TFS = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class Postings:
    """Rows and term frequencies per token id (never changed once built).

    Attributes:
        indptr: ``indptr[t]:indptr[t + 1]`` is token ``t``'s slice (int64).
        rows: Row of each posting (int32).
        tfs: Term frequency of each posting (float32).
    """

    indptr: np.ndarray
    rows: np.ndarray
    tfs: np.ndarray

    @classmethod
    def empty(cls) -> Postings:
        """No postings at all."""
        return cls(np.zeros(1, dtype=np.int64), _EMPTY_ROWS, _EMPTY_TFS)

    @classmethod
    def build(cls, rows: np.ndarray, tids: np.ndarray, tfs: np.ndarray, vocab: int) -> Postings:
        """Postings of ``(row, token id, tf)`` triples, for token ids below ``vocab``."""
        tids = np.asarray(tids, dtype=np.int64)
        order = np.argsort(tids, kind="stable")
        indptr = np.zeros(vocab + 1, dtype=np.int64)
        np.cumsum(np.bincount(tids, minlength=vocab), out=indptr[1:])
        return cls(
            indptr,
            np.asarray(rows, dtype=np.int32)[order],
            np.asarray(tfs, dtype=np.float32)[order],
        )

    def __len__(self) -> int:
        return int(self.rows.size)

    def of(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and term frequencies of one token (empty when it has none here)."""
        if tid + 1 >= self.indptr.size:
            return _EMPTY_ROWS, _EMPTY_TFS
        start, end = int(self.indptr[tid]), int(self.indptr[tid + 1])
        return self.rows[start:end], self.tfs[start:end]

    def token_ids(self) -> np.ndarray:
        """The token id of each posting (aligned with :attr:`rows`)."""
        return np.repeat(np.arange(self.indptr.size - 1, dtype=np.int64), np.diff(self.indptr))

    def merged(self, other: Postings, vocab: int) -> Postings:
        """One segment holding the postings of both."""
        return Postings.build(
            np.concatenate([self.rows, other.rows]),
            np.concatenate([self.token_ids(), other.token_ids()]),
            np.concatenate([self.tfs, other.tfs]),
            vocab,
        )

    def of_row(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and term frequencies of one row, by token id (a scan: for rare use)."""
        where = np.flatnonzero(self.rows == row)
        tids = np.searchsorted(self.indptr, where, side="right") - 1
        return tids, self.tfs[where]
