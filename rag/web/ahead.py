"""Embedding an upload ahead of its ingest, outside the index's write lock.

:meth:`rag.index.index.Index.ingest` loads, chunks, embeds and stores a file in one
call, which the staff library runs under its write lock, so partners' answers wait
for it. Embedding is the long part, and it goes through the index's content-hash
cache. :func:`embed_ahead` loads and chunks the file the same way first and embeds
its chunks into that cache while answers go on; the ingest that follows under the
lock then finds every vector cached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from rag.index.embedders import count_tokens
from rag.index.index import Index
from rag.ingest.chunking import chunk_pages
from rag.ingest.files import file_sha256
from rag.ingest.loaders import load

log = logging.getLogger(__name__)
AHEAD_BATCH = 64  # chunks embedded between two progress reports
Progress = Callable[[int, int], None]
"""``(done, total)`` in chunks."""


class ReadLock(Protocol):
    """A lock with a shared side (:class:`rag.web.rwlock.RWLock`)."""

    def read(self) -> AbstractContextManager[None]:
        """Hold the lock shared."""


def embed_ahead(index: Index, path: Path, lock: ReadLock, on_embed: Progress | None = None) -> int:
    """Embed a new or changed file's chunks into the index's embedding cache.

    Only the manifest look-up takes ``lock`` (shared). A file that does not load is
    left to the ingest, which reports it to staff.

    Args:
        index: The index whose cache and embedder to use.
        path: The stored file.
        lock: The library's readers-writer lock.
        on_embed: Progress callback.

    Returns:
        Chunks embedded or found cached (0 for an unchanged or unreadable file).
    """
    sha = file_sha256(path)
    with lock.read():
        if index.manifest.source_sha(str(path.resolve())) == sha:
            return 0
    cfg = index.cfg
    try:
        docs = load(path, sha, cfg)
    except Exception:  # a refused or broken file: the ingest reports it
        log.debug("embed ahead: %s does not load", path, exc_info=True)
        return 0
    counter = count_tokens(index.embedder)
    texts = [
        c.text
        for d in docs
        for c in chunk_pages(d.pages, counter, cfg.chunk_tokens, cfg.chunk_overlap)
    ]
    for start in range(0, len(texts), AHEAD_BATCH):
        index.embeddings.passages(texts[start : start + AHEAD_BATCH])
        if on_embed:
            on_embed(min(start + AHEAD_BATCH, len(texts)), len(texts))
    return len(texts)
