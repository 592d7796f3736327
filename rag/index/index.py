"""The index: the manifest plus the two search stores, kept consistent by chunk id.

The manifest (:mod:`rag.ingest.manifest`) is the source of truth. :meth:`Index.sync`
makes Chroma and BM25 hold exactly its chunks: stale ids are deleted, missing
ones embedded (through the content-hash cache) and added in batches. An
interrupted sync therefore resumes where it stopped, and a re-run embeds nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import Config
from rag.data import Chunk, DocMeta
from rag.errors import EmbedderMismatchError, StoreError
from rag.index.bm25 import ThaiBM25, tokenize_many
from rag.index.embed_cache import EmbedCache, embed_passages
from rag.index.embedders import count_tokens, embedder_id, make_embedder
from rag.index.embedding import Embeddings
from rag.index.vectors import VectorStore
from rag.ingest.chunking import chunk_pages, chunking_key
from rag.ingest.files import FileResult, IngestReport, ingest, reingest
from rag.ingest.manifest import Manifest
from rag.ingest.removal import Deletion, forget_document

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


class Index:
    """Open (or create) the index under ``cfg.index_dir``.

    Args:
        cfg: Configuration.
        rebuild: Drop the search stores and rebuild them from the manifest (e.g.
            after changing the embedder). Cached embeddings are reused.

    Raises:
        EmbedderMismatchError: The index was built with another embedder.
    """

    def __init__(self, cfg: Config, rebuild: bool = False) -> None:
        self.cfg = cfg
        self.manifest = Manifest(cfg.index_dir)
        self.embedder_id = embedder_id(cfg)
        stored = self.manifest.get_meta("embedder_id")
        if stored and stored != self.embedder_id and not rebuild:
            self.manifest.close()
            raise EmbedderMismatchError(
                str(cfg.index_dir),
                f"ดัชนีนี้สร้างด้วย {stored} แต่ค่าตั้งคือ {self.embedder_id} "
                "ให้สร้างใหม่ด้วย rag ingest --rebuild <โฟลเดอร์เอกสาร>",
                f"index built with {stored!r} but {self.embedder_id!r} is configured; "
                "run `rag ingest --rebuild <docs>` or configure the original embedder",
            )
        self._rebuild = rebuild
        self._embedder: BaseEmbedding | None = None
        self._vectors: VectorStore | None = None
        self._bm25: ThaiBM25 | None = None
        self._titles: dict[str, str] | None = None
        self.embeddings = Embeddings(
            lambda: self.embedder,
            lambda: EmbedCache.in_index(cfg.index_dir, self.embedder_id),
            cfg.embed_batch,
        )
        """The embedding service (the embedder behind the index's embedding cache)."""

    @property
    def bm25_dir(self) -> Path:
        """Where the BM25 index is persisted."""
        return self.cfg.index_dir / "bm25"

    @property
    def embedder(self) -> BaseEmbedding:
        """The configured embedder (loaded on first use)."""
        if self._embedder is None:
            self._embedder = make_embedder(self.cfg)
        return self._embedder

    @property
    def vectors(self) -> VectorStore:
        """The Chroma store (embedded, or the server named in the config)."""
        if self._vectors is None:
            self._vectors = VectorStore.open(self.cfg, self.embedder_id, rebuild=self._rebuild)
        return self._vectors

    @property
    def bm25(self) -> ThaiBM25:
        """The Thai BM25 index."""
        if self._bm25 is None:
            saved = self.bm25_dir.exists() or self.bm25_dir.with_name("bm25.old").exists()
            self._bm25 = ThaiBM25()
            if saved and not self._rebuild:
                try:
                    self._bm25 = ThaiBM25.load(self.bm25_dir)
                except StoreError as exc:  # derived data: rebuilt from the manifest by sync()
                    log.warning("BM25 index unreadable or outdated, rebuilding: %s", exc)
        return self._bm25

    def close(self) -> None:
        """Release the manifest and the embedding cache."""
        self.embeddings.close()
        self.manifest.close()

    # --- writing --------------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[Path] | None = None,
        *,
        prune: bool = False,
        skip: Callable[[Path], bool] | None = None,
        on_file: Callable[[FileResult], None] | None = None,
        on_embed: Callable[[int, int], None] | None = None,
    ) -> tuple[IngestReport, SyncResult]:
        """Ingest files into the manifest, then bring the search stores in line.

        Stored documents are re-chunked first when the chunking settings changed.

        Args:
            paths: Files and folders (a folder's files get its name as collection);
                ``None`` reads every file already ingested again.
            prune: Remove documents whose files are gone: under the folders of
                ``paths``, or anywhere when ``paths`` is ``None``.
            skip: Files under ``paths`` to leave out (e.g. deleted by staff); no result.
            on_file: Progress callback per file.
            on_embed: Progress callback ``(done, total)`` in chunks.

        Returns:
            Per-file results and what the sync changed.
        """
        self._rechunk_if_stale()
        counter = count_tokens(self.embedder)
        if paths is None:
            report = reingest(
                self.cfg, self.manifest, counter, remove_missing=prune, on_file=on_file
            )
        else:
            report = ingest(
                paths,
                self.cfg,
                self.manifest,
                counter,
                remove_missing=prune,
                skip=skip,
                on_file=on_file,
            )
        return report, self.sync(on_embed)

    def delete(
        self, doc_id: str, within: Callable[[Deletion], None] | None = None
    ) -> tuple[Deletion, SyncResult]:
        """Delete a document (and the files that produced only it) from the index.

        Args:
            doc_id: The document.
            within: Called inside the manifest transaction of the deletion.

        Raises:
            InputError: No document has this id.
        """
        deletion = forget_document(self.manifest, doc_id, within)
        return deletion, self.sync()

    def _rechunk_if_stale(self) -> None:
        """Re-chunk every stored document when the chunking settings or code changed.

        Pages are kept in the manifest, so no file is read again; :meth:`sync` then
        embeds the new chunks (the embedding cache covers unchanged text).
        """
        want = chunking_key(self.cfg.chunk_tokens, self.cfg.chunk_overlap)
        if self.manifest.get_meta("chunking") == want:
            return
        rows = self.manifest.documents()
        with self.manifest.transaction():
            if rows:
                counter = count_tokens(self.embedder)
                budget, overlap = self.cfg.chunk_tokens, self.cfg.chunk_overlap
                for row in rows:
                    pages = self.manifest.pages(row.meta.doc_id)
                    chunks = chunk_pages(pages, counter, budget, overlap)
                    self.manifest.replace_chunks(row.meta.doc_id, chunks)
                log.info("re-chunking %d documents for chunking %s", len(rows), want)
            self.manifest.set_meta("chunking", want)

    def sync(self, progress: Callable[[int, int], None] | None = None) -> SyncResult:
        """Make Chroma and BM25 hold exactly the manifest's chunks."""
        want = self.manifest.chunk_ids()
        have_vectors, have_bm25 = set(self.vectors.ids()), set(self.bm25.ids())
        stale_vectors = sorted(have_vectors - want)
        self.vectors.delete(stale_vectors)
        removed = self.bm25.remove(have_bm25 - want)
        missing = sorted((want - have_vectors) | (want - have_bm25))
        docs = {d.meta.doc_id: d.meta for d in self.manifest.documents()}
        embedded = 0
        with EmbedCache.in_index(self.cfg.index_dir, self.embedder_id) as cache:
            for start in range(0, len(missing), BATCH):
                chunks = self.manifest.chunks(missing[start : start + BATCH])
                metas = [chunk_meta(c, docs[c.doc_id]) for c in chunks]
                texts = [c.text for c in chunks]
                before = len(cache)
                if need := [i for i, c in enumerate(chunks) if c.chunk_id not in have_vectors]:
                    vectors = embed_passages(
                        self.embedder, [texts[i] for i in need], cache, self.cfg.embed_batch
                    )
                    self.vectors.upsert(
                        [chunks[i].chunk_id for i in need],
                        vectors,
                        [metas[i] for i in need],
                        [texts[i] for i in need],
                    )
                embedded += len(cache) - before
                if need := [i for i, c in enumerate(chunks) if c.chunk_id not in have_bm25]:
                    self.bm25.add(
                        [(chunks[i], metas[i]) for i in need], tokenize_many(texts[i] for i in need)
                    )
                if progress:
                    progress(min(start + BATCH, len(missing)), len(missing))
        if missing or removed or stale_vectors or not self.bm25_dir.exists():
            self.bm25.save(self.bm25_dir)
        self.manifest.set_meta("embedder_id", self.embedder_id)
        self._titles = None
        log.info("sync: +%d chunks, -%d, %d embedded", len(missing), len(stale_vectors), embedded)
        return SyncResult(len(missing), max(len(stale_vectors), removed), embedded)

    # --- reading --------------------------------------------------------------------

    def lookup(self, ids: list[str]) -> dict[str, tuple[Chunk, str]]:
        """Chunks by id with their document titles (for the retriever)."""
        if self._titles is None:
            self._titles = {d.meta.doc_id: d.meta.title for d in self.manifest.documents()}
        return {
            c.chunk_id: (c, self._titles.get(c.doc_id, c.doc_id)) for c in self.manifest.chunks(ids)
        }

    def source_of(self, doc_id: str) -> str:
        """The file a document was ingested from, ``""`` when it is unknown."""
        meta = self.manifest.document(doc_id)
        return meta.source if meta else ""

    def doctor(self) -> list[str]:
        """Consistency problems between the manifest and the stores (empty when healthy)."""
        want = self.manifest.chunk_ids()
        problems = []
        for name, have in (("chroma", set(self.vectors.ids())), ("bm25", set(self.bm25.ids()))):
            if missing := want - have:
                problems.append(f"{name}: {len(missing)} chunk(s) of the manifest are missing")
            if extra := have - want:
                problems.append(f"{name}: {len(extra)} chunk(s) not in the manifest")
        for row in self.manifest.documents():
            if row.chunks != len(self.manifest.doc_chunk_ids(row.meta.doc_id)):
                problems.append(f"document {row.meta.doc_id}: chunk count mismatch")
        return problems
