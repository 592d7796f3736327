"""The index: the manifest plus the two search stores, kept consistent by chunk id.

The manifest (:mod:`rag.ingest.manifest`) is the source of truth. :meth:`Index.sync`
makes Chroma and BM25 hold exactly its chunks (:mod:`rag.index.sync`).

One writer at a time, across processes: every write holds the index's write lock
(:mod:`rag.index.writelock`), starts from the stores as saved on disk and ends by
bumping the manifest's ``generation``. A reader calls :meth:`Index.refresh` (one
SQLite read when nothing changed) to load what other processes committed; the new
stores replace the old objects, which searches already under way keep using.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import Config
from rag.data import Chunk
from rag.errors import EmbedderMismatchError, StoreError
from rag.index.bm25 import ThaiBM25
from rag.index.bm25_saved import read_saved, saved_or_empty
from rag.index.embed_cache import EmbedCache
from rag.index.embedders import count_tokens, embedder_id, make_embedder
from rag.index.embedding import Embeddings
from rag.index.sync import SyncResult, store_problems, sync_stores
from rag.index.vectors import VectorStore
from rag.index.writelock import WriteLock
from rag.ingest.chunking import chunk_pages, chunking_key
from rag.ingest.files import FileResult, IngestReport, ingest, reingest
from rag.ingest.manifest import Manifest
from rag.ingest.removal import Deletion, forget_document

__all__ = ["Index", "SyncResult"]

log = logging.getLogger(__name__)


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
        self._write_lock = WriteLock(cfg.index_dir, cfg.write_lock_timeout)
        self._state = threading.RLock()  # guards swapping the loaded stores
        self._generation = self.manifest.generation()
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
        with self._state:
            if self._vectors is None:
                self._vectors = self._open_vectors()
            return self._vectors

    def _open_vectors(self) -> VectorStore:
        return VectorStore.open(self.cfg, self.embedder_id, rebuild=self._rebuild, fresh=True)

    @property
    def bm25(self) -> ThaiBM25:
        """The Thai BM25 index (the loaded snapshot: never changed in place)."""
        with self._state:
            if self._bm25 is None:
                self._bm25 = ThaiBM25() if self._rebuild else saved_or_empty(self.bm25_dir, False)
            return self._bm25

    def refresh(self) -> bool:
        """Load what other processes committed since this index loaded its stores.

        Cheap when nothing changed: one SQLite read of the manifest's generation.
        Otherwise the BM25 index is read again and the embedded Chroma store reopened
        (its in-memory HNSW misses vectors other processes added); the new objects
        replace the old ones, which searches already under way keep using.

        Returns:
            Whether anything was reloaded (a BM25 index that another process is
            replacing right now is kept and read on the next call).
        """
        if self.manifest.generation() <= self._generation:
            return False
        with self._state:
            generation = self.manifest.generation()
            if generation <= self._generation:
                return False
            if self._vectors is not None and not self.cfg.chroma_host:
                self._vectors = self._open_vectors()
            self._titles = None
            try:
                if self._bm25 is not None:
                    self._bm25 = read_saved(self.bm25_dir, tokens=True)
                self._generation = generation
            except StoreError as exc:  # keep the old snapshot, try again next time
                log.warning("kept the loaded BM25 index: %s", exc)
        log.info("reloaded the search stores of %s (generation %d)", self.cfg.index_dir, generation)
        return True

    def close(self) -> None:
        """Release the manifest and the embedding cache."""
        self.embeddings.close()
        self.manifest.close()

    # --- writing --------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the index's cross-process write lock (re-entrant within a thread).

        The outermost hold first loads what other writers committed (:meth:`refresh`)
        and at its end bumps the generation, so readers elsewhere reload. The staff
        library holds it around its own manifest changes too.

        Raises:
            IndexBusyError: Another writer held it over ``write_lock_timeout``.
        """
        with self._write_lock.hold() as outermost:
            if not outermost:
                yield
                return
            self.refresh()
            try:
                yield
            finally:
                with self._state:
                    self._generation = self.manifest.bump_generation()

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

        Stored documents are re-chunked first when the chunking settings changed. All
        of it holds the write lock (:meth:`writing`).

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
        with self.writing():
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
            IndexBusyError: Another writer held the index over ``write_lock_timeout``.
        """
        with self.writing():
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
        with self.writing(), self.manifest.transaction():
            rows = self.manifest.documents()
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
        """Make Chroma and BM25 hold exactly the manifest's chunks.

        BM25 changes happen on a copy read from disk, which then replaces the
        loaded one: a search under way never sees a half-changed index.
        """
        with self.writing():
            bm25 = ThaiBM25() if self._rebuild else saved_or_empty(self.bm25_dir, True)
            with EmbedCache.in_index(self.cfg.index_dir, self.embedder_id) as cache:
                result = sync_stores(
                    self.manifest,
                    self.vectors,
                    bm25,
                    self.embedder,
                    cache,
                    embed_batch=self.cfg.embed_batch,
                    progress=progress,
                )
            if result.added or result.removed or self._rebuild or not self.bm25_dir.exists():
                bm25.save(self.bm25_dir)
            self.manifest.set_meta("embedder_id", self.embedder_id)
            with self._state:
                self._bm25, self._titles, self._rebuild = bm25, None, False
        return result

    # --- reading --------------------------------------------------------------------

    def lookup(self, ids: list[str]) -> dict[str, tuple[Chunk, str]]:
        """Chunks by id with their document titles (for the retriever)."""
        titles = self._titles
        if titles is None:
            titles = self._titles = {d.meta.doc_id: d.meta.title for d in self.manifest.documents()}
        return {c.chunk_id: (c, titles.get(c.doc_id, c.doc_id)) for c in self.manifest.chunks(ids)}

    def source_of(self, doc_id: str) -> str:
        """The file a document was ingested from, ``""`` when it is unknown."""
        meta = self.manifest.document(doc_id)
        return meta.source if meta else ""

    def doctor(self) -> list[str]:
        """Consistency problems between the manifest and the stores (empty when healthy)."""
        return store_problems(self.manifest, set(self.vectors.ids()), set(self.bm25.ids()))
