"""Bring the search stores in line with the manifest, by chunk id, keyword store first.

:func:`sync_keywords` deletes stale vectors, changes the saved BM25 index chunk by
chunk (:class:`~rag.index.bm25_store.BM25Store`) and records which chunks still
lack a dense vector (the manifest's ``pending`` table: manifest ids minus Chroma
ids). :func:`store_vectors` later adds the vectors of pending chunks
(:mod:`rag.index.backfill`). An interrupted sync or backfill therefore resumes
where it stopped, and a re-run changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rag.data import Chunk, DocMeta
from rag.index.bm25 import ThaiBM25, tokenize_many
from rag.index.bm25_rows import RowData
from rag.index.bm25_store import BM25Store, write_whole
from rag.index.vectors import VectorStore
from rag.ingest.manifest import Manifest
from rag.ingest.parallel import PARALLEL_MIN_CHUNKS, in_windows

log = logging.getLogger(__name__)
BATCH = 256


@dataclass(frozen=True)
class SyncResult:
    """What a sync changed in the search stores.

    Attributes:
        added: Chunks added to a store (BM25 now, and Chroma now or by the backfill).
        removed: Chunks removed from the stores.
        embedded: Chunks newly embedded (not found in the embedding cache).
        pending: Chunks still searchable by keyword only (waiting for vectors).
    """

    added: int
    removed: int
    embedded: int
    pending: int = 0


@dataclass(frozen=True)
class KeywordSync:
    """What :func:`sync_keywords` did, with the BM25 changes to replay on a loaded index."""

    result: SyncResult
    removed_ids: frozenset[str]
    changes: list[tuple[list[str], list[RowData]]] = field(default_factory=list)


def chunk_meta(chunk: Chunk, doc: DocMeta) -> dict[str, Any]:
    """Store metadata of a chunk: what filters and citations need."""
    return {
        "doc_id": chunk.doc_id,
        "page": chunk.page,
        "start": chunk.start,
        "end": chunk.end,
        "title": doc.title,
        "file_type": doc.file_type,
        "year": doc.year,
        "collection": doc.collection,
    }


def sync_keywords(
    manifest: Manifest,
    vectors: VectorStore,
    store: BM25Store,
    params: tuple[float, float],
    *,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> KeywordSync:
    """Make the saved BM25 index hold exactly the manifest's chunks; record pending ones.

    Args:
        manifest: The source of truth.
        vectors: The Chroma store (stale vectors are deleted).
        store: The saved BM25 index (changed in place, one transaction per batch).
        params: BM25 ``(k1, b)`` of a new store.
        progress: Called with ``(done, total)`` chunks tokenised.
        workers: Processes tokenising, when there are many chunks.

    Returns:
        The counts and the BM25 changes made.
    """
    want = manifest.chunk_ids()
    have_vectors, have_bm25 = set(vectors.ids()), store.ids()
    stale_vectors = sorted(have_vectors - want)
    vectors.delete(stale_vectors)
    gone = frozenset(have_bm25 - want)
    missing = sorted(want - have_bm25)
    docs = {d.meta.doc_id: d.meta for d in manifest.documents()}
    changes = []
    if gone and not missing:
        changes.append(store.change([], [], gone, params))
    batches = [manifest.chunks(missing[s : s + BATCH]) for s in range(0, len(missing), BATCH)]
    texts = [[c.text for c in chunks] for chunks in batches]
    parallel = len(missing) >= PARALLEL_MIN_CHUNKS
    tokenised = in_windows(tokenize_many, texts, workers, parallel)
    for number, (chunks, tokens) in enumerate(zip(batches, tokenised, strict=True)):
        pairs = [(c, chunk_meta(c, docs[c.doc_id])) for c in chunks]
        changes.append(store.change(pairs, tokens, gone if number == 0 else (), params))
        if progress:
            progress(min((number + 1) * BATCH, len(missing)), len(missing))
    pending = want - have_vectors
    manifest.set_pending(pending)
    added = len(set(missing) | pending)
    log.info(
        "keyword sync: +%d chunks, -%d, %d waiting for vectors", added, len(gone), len(pending)
    )
    result = SyncResult(added, max(len(stale_vectors), len(gone)), 0, len(pending))
    return KeywordSync(result, gone, changes)


def sync_bm25(
    manifest: Manifest,
    vectors: VectorStore,
    directory: Path,
    loaded: ThaiBM25 | None,
    *,
    rebuild: bool = False,
    workers: int = 1,
) -> tuple[KeywordSync, ThaiBM25 | None]:
    """:func:`sync_keywords` on the BM25 store in ``directory``, replayed on a copy of ``loaded``.

    Args:
        manifest: The source of truth.
        vectors: The Chroma store.
        directory: The BM25 folder.
        loaded: The index searches use now, if loaded (never changed).
        rebuild: Empty the BM25 store first.
        workers: Processes tokenising, when there are many chunks.

    Returns:
        What changed, and the changed copy of ``loaded`` (``None`` when it was not
        loaded or not at the saved version: it is then read again on first use).
    """
    if rebuild:
        write_whole(ThaiBM25(), directory)
    store = BM25Store(directory)
    try:
        fresh = loaded.clone() if loaded and loaded.version == store.version() else None
        params = (loaded or ThaiBM25()).params
        done = sync_keywords(manifest, vectors, store, params, workers=workers)
        if fresh is not None:
            fresh.remove(done.removed_ids)
            for words, rows in done.changes:
                fresh.extend_vocab(words)
                fresh.add_rows(rows)
            fresh.version = store.version()
    finally:
        store.close()
    return done, fresh


def store_vectors(
    manifest: Manifest, vectors: VectorStore, chunks: list[Chunk], embeddings: np.ndarray
) -> int:
    """Add the vectors of chunks that are still in the manifest; clear them from pending.

    Call it under the write lock: a chunk deleted while it was embedded is skipped.

    Returns:
        How many vectors were stored.
    """
    docs = {d.meta.doc_id: d.meta for d in manifest.documents()}
    present = {c.chunk_id for c in manifest.chunks([c.chunk_id for c in chunks])}
    keep = [i for i, c in enumerate(chunks) if c.chunk_id in present and c.doc_id in docs]
    if keep:
        vectors.upsert(
            [chunks[i].chunk_id for i in keep],
            embeddings[keep],
            [chunk_meta(chunks[i], docs[chunks[i].doc_id]) for i in keep],
            [chunks[i].text for i in keep],
        )
    manifest.clear_pending(c.chunk_id for c in chunks)
    return len(keep)


def store_problems(manifest: Manifest, vector_ids: set[str], bm25_ids: set[str]) -> list[str]:
    """Consistency problems between the manifest and the stores (empty when healthy).

    Chunks waiting for their vectors (pending) are not missing from Chroma.
    """
    want = manifest.chunk_ids()
    pending = set(manifest.pending_ids())
    problems = []
    for name, have in (("chroma", vector_ids | pending), ("bm25", bm25_ids)):
        if missing := want - have:
            problems.append(f"{name}: {len(missing)} chunk(s) of the manifest are missing")
        if extra := have - want:
            problems.append(f"{name}: {len(extra)} chunk(s) not in the manifest")
    for row in manifest.documents():
        if row.chunks != len(manifest.doc_chunk_ids(row.meta.doc_id)):
            problems.append(f"document {row.meta.doc_id}: chunk count mismatch")
    return problems
