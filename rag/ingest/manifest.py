"""The manifest: documents, pages, chunks and the files they came from, in SQLite.

It is the source of truth of the index. The vector store and the BM25 index are
derived from its chunk table and reconciled against it by chunk id, so an
interrupted ingest resumes by embedding exactly the chunks the stores lack.

Tables:
    sources(path, sha256, updated_at): every ingested file.
    source_docs(path, doc_id): which documents a file produced (duplicates share).
    documents(doc_id, …): one row per document, with its metadata.
    pages(doc_id, number, text): the indexed text of each page.
    chunks(chunk_id, doc_id, page, start, end, text).
    meta(key, value): e.g. the embedder that built the index, and its ``generation``.
    pending(chunk_id): chunks searchable by keyword whose dense vector is not stored
        yet (:meth:`rag.index.index.Index.backfill` stores them).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rag.data import Chunk, DocMeta, Document, Page

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources(path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, updated_at TEXT);
CREATE INDEX IF NOT EXISTS sources_sha ON sources(sha256);
CREATE TABLE IF NOT EXISTS source_docs(path TEXT, doc_id TEXT, PRIMARY KEY(path, doc_id));
CREATE INDEX IF NOT EXISTS source_docs_doc ON source_docs(doc_id);
CREATE TABLE IF NOT EXISTS documents(doc_id TEXT PRIMARY KEY, meta TEXT NOT NULL,
  pages INTEGER, chunks INTEGER, warnings TEXT, added_at TEXT);
CREATE TABLE IF NOT EXISTS pages(doc_id TEXT, number INTEGER, text TEXT,
  PRIMARY KEY(doc_id, number));
CREATE TABLE IF NOT EXISTS chunks(chunk_id TEXT PRIMARY KEY, doc_id TEXT, page INTEGER,
  start INTEGER, "end" INTEGER, text TEXT);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS pending(chunk_id TEXT PRIMARY KEY);
"""
GENERATION = "generation"


@dataclass(frozen=True)
class DocRow:
    """A document as listed to staff."""

    meta: DocMeta
    pages: int
    chunks: int
    added_at: str
    warnings: tuple[str, ...]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Manifest:
    """SQLite-backed document store under ``<index_dir>/manifest.sqlite3``.

    Writes happen inside :meth:`transaction`, so a file is replaced completely or
    not at all.
    """

    def __init__(self, index_dir: Path) -> None:
        index_dir.mkdir(parents=True, exist_ok=True)
        self.path = index_dir / "manifest.sqlite3"
        # another process may be creating it: wait for its lock, not the default 5 s
        self._db = sqlite3.connect(self.path, 60.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing block of writes."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # --- sources ---------------------------------------------------------------

    def source_sha(self, path: str) -> str | None:
        """The recorded hash of a file, or None if never ingested."""
        row = self._db.execute("SELECT sha256 FROM sources WHERE path=?", (path,)).fetchone()
        return row[0] if row else None

    def path_with_sha(self, sha256: str, other_than: str) -> str | None:
        """Another ingested file with the same bytes, if any."""
        row = self._db.execute(
            "SELECT path FROM sources WHERE sha256=? AND path<>? LIMIT 1", (sha256, other_than)
        ).fetchone()
        return row[0] if row else None

    def move_source(self, old: str, new: str) -> None:
        """Record that a file was renamed (its documents stay as they are)."""
        self._db.execute("UPDATE sources SET path=? WHERE path=?", (new, old))
        self._db.execute("UPDATE source_docs SET path=? WHERE path=?", (new, old))

    def source_docs(self, path: str) -> list[str]:
        """Documents a file produced."""
        return [
            r[0] for r in self._db.execute("SELECT doc_id FROM source_docs WHERE path=?", (path,))
        ]

    def sources(self) -> list[str]:
        """Every ingested file path."""
        return [r[0] for r in self._db.execute("SELECT path FROM sources ORDER BY path")]

    def put_source(self, path: str, sha256: str, doc_ids: Iterable[str]) -> None:
        """Record a file and the documents it produced (replacing earlier links)."""
        self._db.execute("INSERT OR REPLACE INTO sources VALUES(?,?,?)", (path, sha256, _now()))
        self._db.execute("DELETE FROM source_docs WHERE path=?", (path,))
        self._db.executemany(
            "INSERT OR IGNORE INTO source_docs VALUES(?,?)", [(path, d) for d in doc_ids]
        )

    def drop_source(self, path: str) -> list[str]:
        """Forget a file and delete the documents no other file still provides.

        Returns:
            The deleted document ids.
        """
        doc_ids = self.source_docs(path)
        self._db.execute("DELETE FROM sources WHERE path=?", (path,))
        self._db.execute("DELETE FROM source_docs WHERE path=?", (path,))
        orphans = [
            d
            for d in doc_ids
            if not self._db.execute("SELECT 1 FROM source_docs WHERE doc_id=?", (d,)).fetchone()
        ]
        for doc_id in orphans:
            self.delete_document(doc_id)
        return orphans

    # --- documents --------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        """Whether a document id is stored."""
        found = self._db.execute("SELECT 1 FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return found is not None

    def put_document(self, doc: Document, chunks: list[Chunk]) -> None:
        """Store a document with its pages and chunks (replacing one with the same id)."""
        self.delete_document(doc.meta.doc_id)
        self._db.execute(
            "INSERT INTO documents VALUES(?,?,?,?,?,?)",
            (
                doc.meta.doc_id,
                json.dumps(doc.meta.to_json(), ensure_ascii=False),
                len(doc.pages),
                len(chunks),
                json.dumps(doc.warnings, ensure_ascii=False),
                _now(),
            ),
        )
        self._db.executemany(
            "INSERT INTO pages VALUES(?,?,?)", [(p.doc_id, p.number, p.text) for p in doc.pages]
        )
        self._insert_chunks(chunks)

    def _insert_chunks(self, chunks: list[Chunk]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO chunks VALUES(?,?,?,?,?,?)",
            [(c.chunk_id, c.doc_id, c.page, c.start, c.end, c.text) for c in chunks],
        )

    def replace_chunks(self, doc_id: str, chunks: list[Chunk]) -> None:
        """Replace a document's chunks, keeping its pages (after a chunking change)."""
        self._forget_pending(doc_id)
        self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
        self._insert_chunks(chunks)
        self._db.execute("UPDATE documents SET chunks=? WHERE doc_id=?", (len(chunks), doc_id))

    def delete_document(self, doc_id: str) -> None:
        """Delete a document, its pages and chunks."""
        self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        self._db.execute("DELETE FROM pages WHERE doc_id=?", (doc_id,))
        self._forget_pending(doc_id)
        self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))

    def _forget_pending(self, doc_id: str) -> None:
        self._db.execute(
            "DELETE FROM pending WHERE chunk_id IN (SELECT chunk_id FROM chunks WHERE doc_id=?)",
            (doc_id,),
        )

    def documents(self) -> list[DocRow]:
        """Every document, oldest first."""
        rows = self._db.execute(
            "SELECT meta, pages, chunks, added_at, warnings FROM documents"
            " ORDER BY added_at, doc_id"
        )
        return [
            DocRow(DocMeta.from_json(json.loads(m)), p, c, a, tuple(json.loads(w)))
            for m, p, c, a, w in rows
        ]

    def document(self, doc_id: str) -> DocMeta | None:
        """Metadata of one document."""
        row = self._db.execute("SELECT meta FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return DocMeta.from_json(json.loads(row[0])) if row else None

    def pages(self, doc_id: str, number: int | None = None) -> list[Page]:
        """Pages of a document, in order; only page ``number`` when it is given."""
        sql = "SELECT number, text FROM pages WHERE doc_id=? AND (? IS NULL OR number=?)"
        rows = self._db.execute(sql + " ORDER BY number", (doc_id, number, number))
        return [Page(doc_id, n, t) for n, t in rows]

    # --- chunks ------------------------------------------------------------------

    def chunk_ids(self) -> set[str]:
        """Every chunk id."""
        return {r[0] for r in self._db.execute("SELECT chunk_id FROM chunks")}

    def chunks(self, ids: Iterable[str] | None = None) -> list[Chunk]:
        """Chunks by id (all when ``ids`` is None), in document/page/offset order."""
        query = 'SELECT chunk_id, doc_id, page, start, "end", text FROM chunks'
        if ids is None:
            rows = self._db.execute(query + " ORDER BY doc_id, page, start").fetchall()
        else:
            wanted = list(ids)
            rows = []
            for i in range(0, len(wanted), 500):
                part = wanted[i : i + 500]
                rows += self._db.execute(
                    query + f" WHERE chunk_id IN ({','.join('?' * len(part))})", part
                ).fetchall()
        return [Chunk(*r) for r in rows]

    def doc_chunk_ids(self, doc_id: str) -> list[str]:
        """Chunk ids of one document."""
        return [
            r[0] for r in self._db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))
        ]

    # --- chunks waiting for their vectors ----------------------------------------

    def pending_ids(self) -> list[str]:
        """Chunks of the manifest whose dense vector is not stored yet, in id order."""
        query = "SELECT chunk_id FROM pending JOIN chunks USING(chunk_id) ORDER BY chunk_id"
        return [r[0] for r in self._db.execute(query)]

    def set_pending(self, chunk_ids: Iterable[str]) -> None:
        """Record exactly these chunks as waiting for vectors."""
        with self.transaction():
            self._db.execute("DELETE FROM pending")
            self._db.executemany(
                "INSERT OR IGNORE INTO pending VALUES(?)", ((c,) for c in chunk_ids)
            )

    def clear_pending(self, chunk_ids: Iterable[str]) -> None:
        """Record that these chunks' vectors are stored."""
        with self.transaction():
            self._db.executemany("DELETE FROM pending WHERE chunk_id=?", ((c,) for c in chunk_ids))

    # --- meta --------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A stored setting of the index."""
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting of the index."""
        self._db.execute("INSERT OR REPLACE INTO meta VALUES(?,?)", (key, value))

    def generation(self) -> int:
        """How many writes the index has committed (0 for a new index).

        Every process that writes the index bumps it (:meth:`bump_generation`) once
        its stores are saved; a reader holding an older number reloads them.
        """
        return int(self.get_meta(GENERATION) or 0)

    def bump_generation(self) -> int:
        """Count one more committed write.

        >>> import tempfile
        >>> m = Manifest(Path(tempfile.mkdtemp()))
        >>> m.generation(), m.bump_generation(), m.bump_generation(), m.generation()
        (0, 1, 2, 2)
        """
        with self.transaction():
            self.set_meta(GENERATION, str(self.generation() + 1))
            return self.generation()
