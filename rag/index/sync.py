"""Bring the search stores in line with the manifest, by chunk id.

Stale ids are deleted, missing ones embedded (through the content-hash cache) and
added in batches. An interrupted sync therefore resumes where it stopped, and a
re-run embeds nothing. :meth:`rag.index.index.Index.sync` calls it under the
index's write lock, with a BM25 object no search is using.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.data import Chunk, DocMeta
from rag.index.bm25 import ThaiBM25, tokenize_many
from rag.index.embed_cache import EmbedCache, embed_passages
from rag.index.vectors import VectorStore
from rag.ingest.manifest import Manifest

log = logging.getLogger(__name__)
BATCH = 256


@dataclass(frozen=True)
class SyncResult:
    """What a sync changed in the search stores."""

    added: int
    removed: int
    embedded: int


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


def sync_stores(
    manifest: Manifest,
    vectors: VectorStore,
    bm25: ThaiBM25,
    embedder: BaseEmbedding,
    cache: EmbedCache,
    *,
    embed_batch: int,
    progress: Callable[[int, int], None] | None = None,
) -> SyncResult:
    """Make ``vectors`` and ``bm25`` hold exactly the manifest's chunks.

    Args:
        manifest: The source of truth.
        vectors: The Chroma store (changed in place).
        bm25: The BM25 index (changed in place; the caller saves it).
        embedder: Embeds the missing chunks.
        cache: The content-hash embedding cache of the index.
        embed_batch: Passages per embedding batch.
        progress: Called with ``(done, total)`` chunks.

    Returns:
        How many chunks were added, removed and newly embedded.
    """
    want = manifest.chunk_ids()
    have_vectors, have_bm25 = set(vectors.ids()), set(bm25.ids())
    stale_vectors = sorted(have_vectors - want)
    vectors.delete(stale_vectors)
    removed = bm25.remove(have_bm25 - want)
    missing = sorted((want - have_vectors) | (want - have_bm25))
    docs = {d.meta.doc_id: d.meta for d in manifest.documents()}
    embedded = 0
    for start in range(0, len(missing), BATCH):
        chunks = manifest.chunks(missing[start : start + BATCH])
        metas = [chunk_meta(c, docs[c.doc_id]) for c in chunks]
        texts = [c.text for c in chunks]
        before = len(cache)
        if need := [i for i, c in enumerate(chunks) if c.chunk_id not in have_vectors]:
            embeddings = embed_passages(embedder, [texts[i] for i in need], cache, embed_batch)
            vectors.upsert(
                [chunks[i].chunk_id for i in need],
                embeddings,
                [metas[i] for i in need],
                [texts[i] for i in need],
            )
        embedded += len(cache) - before
        if need := [i for i, c in enumerate(chunks) if c.chunk_id not in have_bm25]:
            bm25.add([(chunks[i], metas[i]) for i in need], tokenize_many(texts[i] for i in need))
        if progress:
            progress(min(start + BATCH, len(missing)), len(missing))
    log.info("sync: +%d chunks, -%d, %d embedded", len(missing), len(stale_vectors), embedded)
    return SyncResult(len(missing), max(len(stale_vectors), removed), embedded)


def store_problems(manifest: Manifest, vector_ids: set[str], bm25_ids: set[str]) -> list[str]:
    """Consistency problems between the manifest and the stores (empty when healthy)."""
    want = manifest.chunk_ids()
    problems = []
    for name, have in (("chroma", vector_ids), ("bm25", bm25_ids)):
        if missing := want - have:
            problems.append(f"{name}: {len(missing)} chunk(s) of the manifest are missing")
        if extra := have - want:
            problems.append(f"{name}: {len(extra)} chunk(s) not in the manifest")
    for row in manifest.documents():
        if row.chunks != len(manifest.doc_chunk_ids(row.meta.doc_id)):
            problems.append(f"document {row.meta.doc_id}: chunk count mismatch")
    return problems
