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

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding

from rag.config import Config
from rag.data import Chunk
from rag.errors import StoreError
from rag.index.backfill import BackfillResult, backfill
from rag.index.bm25 import ThaiBM25
from rag.index.bm25_saved import read_saved, saved_or_empty
from rag.index.bm25_store import saved_version
from rag.index.embed_cache import EmbedCache
from rag.index.embedders import TokenCounting, count_tokens, embedder_id, make_embedder, mismatch
from rag.index.embedding import Embeddings
from rag.index.sync import SyncResult, store_problems, sync_bm25
from rag.index.vectors import VectorStore
from rag.index.writelock import WriteLock
from rag.ingest.files import FileResult, IngestReport, ingest, reingest
from rag.ingest.manifest import Manifest
from rag.ingest.parallel import cpu_workers
from rag.ingest.rechunk import rechunk_if_stale
from rag.ingest.removal import Deletion, forget_document

__all__ = ["BackfillResult", "Index", "SyncResult"]

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
            raise mismatch(str(cfg.index_dir), stored, self.embedder_id)
        self._rebuild = rebuild
        self._write_lock = WriteLock(cfg.index_dir, cfg.write_lock_timeout)
        self._state = threading.RLock()  # guards swapping the loaded stores
        self._generation = self.manifest.generation()
        self._embedder: BaseEmbedding | None = None
        self._vectors: VectorStore | None = None
        self._bm25: ThaiBM25 | None = None
        self._titles: dict[str, str] | None = None
        self._pending: frozenset[str] | None = None
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
                self._bm25 = ThaiBM25() if self._rebuild else self._read_bm25()
            return self._bm25

    def _read_bm25(self) -> ThaiBM25:
        """The saved BM25 index; one of the earlier format is migrated when no one writes."""
        with self._write_lock.try_hold() as held:
            return saved_or_empty(self.bm25_dir, migrate=held)

    def pending(self) -> frozenset[str]:
        """Chunks searchable by keyword whose vectors are not stored yet (as last loaded)."""
        with self._state:
            if self._pending is None:
                self._pending = frozenset(self.manifest.pending_ids())
            return self._pending

    def refresh(self) -> bool:
        """Load what other processes committed since this index loaded its stores.

        Cheap when nothing changed: one SQLite read of the manifest's generation.
        Otherwise the embedded Chroma store is reopened (its in-memory HNSW misses
        vectors other processes added) and BM25 read again if its saved version
        changed; the new objects replace the old ones, which searches already under
        way keep using. Returns whether the generation changed.
        """
        if self.manifest.generation() <= self._generation:
            return False
        with self._state:
            generation = self.manifest.generation()
            if generation <= self._generation:
                return False
            if self._vectors is not None and not self.cfg.chroma_host:
                self._vectors = self._open_vectors()
            self._titles, self._pending = None, None
            try:
                if self._bm25 is not None and saved_version(self.bm25_dir) != self._bm25.version:
                    self._bm25 = read_saved(self.bm25_dir)
                self._generation = generation
            except StoreError as exc:  # keep the old snapshot, try again next time
                log.warning("kept the loaded BM25 index: %s", exc)
        log.info("reloaded the search stores of %s (generation %d)", self.cfg.index_dir, generation)
        return True

    def close(self) -> None:
        """Release the manifest and the embedding cache."""
        self.embeddings.close()
        self.manifest.close()

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
        dense: bool = True,
    ) -> tuple[IngestReport, SyncResult]:
        """Ingest files into the manifest and BM25, commit, then add the dense vectors.

        Stored documents are re-chunked first when the chunking settings changed. The
        manifest and BM25 part is committed under the write lock (:meth:`writing`):
        the new chunks are then searchable by keyword. The vectors follow
        (:meth:`backfill`), embedded outside the lock unless the caller holds it.

        Args:
            paths: Files and folders (a folder's files get its name as collection);
                ``None`` reads every file already ingested again.
            prune: Remove documents whose files are gone: under the folders of
                ``paths``, or anywhere when ``paths`` is ``None``.
            skip: Files under ``paths`` to leave out (e.g. deleted by staff); no result.
            on_file: Progress callback per file.
            on_embed: Progress callback ``(done, total)`` in chunks.
            dense: Add the vectors too; ``False`` leaves the new chunks pending for
                a later :meth:`backfill` (``rag ingest --keyword-only``, staff jobs).

        Returns:
            Per-file results and what the sync changed.
        """
        with self.writing():
            cfg, manifest = self.cfg, self.manifest
            counter = TokenCounting(cfg, count_tokens(self.embedder))
            rechunk_if_stale(manifest, lambda: counter, cfg.chunk_tokens, cfg.chunk_overlap)
            report = (
                reingest(cfg, manifest, counter, remove_missing=prune, on_file=on_file)
                if paths is None
                else ingest(
                    paths, cfg, manifest, counter, remove_missing=prune, skip=skip, on_file=on_file
                )
            )
            result = self.sync(dense=False)
        if not dense:
            return report, result
        filled = self.backfill(on_embed)
        return report, dataclasses.replace(result, embedded=filled.embedded, pending=filled.left)

    def delete(
        self, doc_id: str, within: Callable[[Deletion], None] | None = None
    ) -> tuple[Deletion, SyncResult]:
        """Delete a document (and the files that produced only it) from the index.

        ``within`` is called inside the manifest transaction of the deletion. Raises
        :class:`InputError` (no such document) or :class:`IndexBusyError`.
        """
        with self.writing():
            deletion = forget_document(self.manifest, doc_id, within)
            return deletion, self.sync(dense=False)

    def sync(
        self, progress: Callable[[int, int], None] | None = None, *, dense: bool = True
    ) -> SyncResult:
        """Make Chroma and BM25 hold exactly the manifest's chunks.

        BM25 is changed chunk by chunk on disk; the loaded index is replaced by a
        changed copy, so a search under way never sees a half-changed index.

        Args:
            progress: ``(done, total)`` chunks embedded.
            dense: Also embed the pending chunks now, under the lock; ``False``
                leaves them for :meth:`backfill`.
        """
        with self.writing():
            with self._state:
                loaded = self._bm25
            done, fresh = sync_bm25(
                *(self.manifest, self.vectors, self.bm25_dir, loaded),
                rebuild=self._rebuild,
                workers=cpu_workers(self.cfg.workers),
            )
            self.manifest.set_meta("embedder_id", self.embedder_id)
            with self._state:
                self._bm25, self._titles, self._pending = fresh, None, None
                self._rebuild = False
            result = done.result
            if dense and result.pending:
                filled = self.backfill(progress)
                result = dataclasses.replace(result, embedded=filled.embedded, pending=filled.left)
        return result

    def backfill(
        self, progress: Callable[[int, int], None] | None = None, limit: int | None = None
    ) -> BackfillResult:
        """Embed and store the vectors of pending chunks (:func:`rag.index.backfill.backfill`).

        ``progress`` gets ``(done, total)`` chunks stored; ``limit`` caps the chunks
        done now (``None``: all).
        """
        result = backfill(self, progress, limit)
        with self._state:
            self._pending = None
        return result

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
