"""The BM25 index on disk: one SQLite file in ``<index_dir>/bm25/``, changed chunk by chunk.

Tables: ``vocab(tid, token)`` (append-only: a token keeps its id), ``chunks(row,
chunk_id, meta, tids, tfs)`` (each chunk's distinct token ids as little-endian
uint32 and their counts as uint16, metadata as JSON) and ``info`` (``format``,
``k1``, ``b`` and ``version``, bumped by every change). A change is one transaction
that inserts and deletes only the chunks concerned (:meth:`BM25Store.change`), so
adding a document costs the same in an index of 100 chunks or of 100,000. Readers
read in one transaction (WAL), so they see one whole version.

Indexes of the earlier format (``bm25.json`` + ``tokens.json`` + a ``bm25s`` matrix,
rewritten whole at every change) still open: they are read as they are and written
into the SQLite file by the first writer (:func:`migrate`), which removes them.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from rag.data import Chunk
from rag.errors import StoreError
from rag.index.bm25_rows import BM25Rows, RowData
from rag.index.filters import Meta, clean_meta

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BM25Rows)

STORE_FILE = "bm25.sqlite3"
FORMAT = 3
OLD_FILES = ("bm25.json", "tokens.json", "bm25s")
_OLD_FORMAT = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS info(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vocab(tid INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS chunks(row INTEGER PRIMARY KEY AUTOINCREMENT,
  chunk_id TEXT NOT NULL UNIQUE, meta TEXT NOT NULL, tids BLOB NOT NULL, tfs BLOB NOT NULL);
"""


def store_error(path: Path, why: str) -> StoreError:
    """The error of an unreadable BM25 index."""
    return StoreError(
        str(path),
        "ดัชนีคำค้น (BM25) เสียหายหรืออ่านไม่ได้ ให้สร้างดัชนีใหม่ด้วย rag ingest --rebuild",
        f"cannot read the BM25 index ({why}); rebuild it with rag ingest --rebuild",
    )


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_SCHEMA)
    return db


def _info(db: sqlite3.Connection) -> dict[str, str]:
    return dict(db.execute("SELECT key, value FROM info").fetchall())


def _old_dir(directory: Path) -> Path | None:
    """The folder holding an index of the earlier format, if any."""
    for folder in (directory, directory.with_name(directory.name + ".old")):
        if (folder / OLD_FILES[0]).exists():
            return folder
    return None


def saved_version(directory: Path) -> int:
    """The saved index's version: 0 when none is saved, -1 for the earlier format."""
    path = directory / STORE_FILE
    if path.exists():
        try:
            with _connect(path) as db:
                return int(_info(db).get("version", 0))
        except sqlite3.Error as exc:
            raise store_error(path, str(exc)) from exc
    return -1 if _old_dir(directory) else 0


def load_index(directory: Path, cls: type[T]) -> T:
    """Read the index saved in ``directory`` (either format) as a ``cls``.

    Raises:
        StoreError: Nothing readable is saved there.
    """
    path = directory / STORE_FILE
    if not path.exists():
        old = _old_dir(directory)
        if old is None:
            raise store_error(directory, "no index saved")
        return _load_old(old, cls)
    try:
        db = _connect(path)
        try:
            db.execute("BEGIN")
            info = _info(db)
            words = [t for (t,) in db.execute("SELECT token FROM vocab ORDER BY tid")]
            rows = db.execute(
                "SELECT chunk_id, meta, tids, tfs FROM chunks ORDER BY row"
            ).fetchall()
            db.execute("COMMIT")
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise store_error(path, str(exc)) from exc
    if int(info.get("format", FORMAT)) != FORMAT:
        raise store_error(path, "unknown format")
    counts = np.fromiter((len(r[2]) // 4 for r in rows), np.int64, len(rows))
    tids = np.frombuffer(b"".join(r[2] for r in rows), dtype="<u4").astype(np.int64)
    tfs = np.frombuffer(b"".join(r[3] for r in rows), dtype="<u2").astype(np.float32)
    if tids.size != tfs.size or (tids.size and int(tids.max()) >= len(words)):
        raise store_error(path, "token ids do not match the vocabulary")
    params = (float(info.get("k1", 1.2)), float(info.get("b", 0.75)), int(info.get("version", 0)))
    return cls.from_arrays(
        params,
        words,
        [r[0] for r in rows],
        [json.loads(r[1]) for r in rows],
        (np.repeat(np.arange(len(rows)), counts), tids, tfs),
    )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise store_error(path, str(exc)) from exc
    if not isinstance(payload, dict) or payload.get("format", _OLD_FORMAT) != _OLD_FORMAT:
        raise store_error(path, "unknown format")
    return payload


def _load_old(folder: Path, cls: type[T]) -> T:
    """An index of the earlier JSON format (its ``bm25s`` matrix is not needed)."""
    head = _read_json(folder / OLD_FILES[0])
    tokens = _read_json(folder / OLD_FILES[1])
    try:
        bm = cls(k1=float(head["k1"]), b=float(head["b"]))
        if tokens["ids"] != head["ids"]:
            raise ValueError("tokens do not match the index ids")
        rows = [
            (cid, meta, *bm.token_ids(toks))
            for cid, meta, toks in zip(head["ids"], head["meta"], tokens["tokens"], strict=True)
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise store_error(folder / OLD_FILES[0], str(exc)) from exc
    bm.add_rows(rows)
    bm.version = -1
    return bm


def _blobs(tids: np.ndarray, tfs: np.ndarray) -> tuple[bytes, bytes]:
    return tids.astype("<u4").tobytes(), np.minimum(tfs, 65535).astype("<u2").tobytes()


def _insert(db: sqlite3.Connection, rows: Iterable[RowData]) -> None:
    db.executemany(
        "INSERT INTO chunks(chunk_id, meta, tids, tfs) VALUES(?,?,?,?)",
        (
            (cid, json.dumps(meta, ensure_ascii=False), *_blobs(tids, tfs))
            for cid, meta, tids, tfs in rows
        ),
    )


def _set_version(db: sqlite3.Connection, version: int, bm: tuple[float, float]) -> None:
    values = {"format": FORMAT, "k1": bm[0], "b": bm[1], "version": version}
    db.executemany(
        "INSERT OR REPLACE INTO info VALUES(?,?)", [(k, str(v)) for k, v in values.items()]
    )


def write_whole(bm: BM25Rows, directory: Path) -> int:
    """Replace the saved index by ``bm`` in one transaction; old-format files are removed.

    Returns:
        The new version (also set on ``bm``).
    """
    directory.mkdir(parents=True, exist_ok=True)
    db = _connect(directory / STORE_FILE)
    try:
        db.execute("BEGIN IMMEDIATE")
        version = int(_info(db).get("version", 0)) + 1
        db.execute("DELETE FROM chunks")
        db.execute("DELETE FROM vocab")
        db.executemany("INSERT INTO vocab VALUES(?,?)", enumerate(bm.words))
        _insert(db, bm.rows())
        _set_version(db, version, (bm.k1, bm.b))
        db.execute("COMMIT")
    finally:
        db.close()
    for folder in (directory, directory.with_name(directory.name + ".old")):
        for name in OLD_FILES:
            shutil.rmtree(folder / name, ignore_errors=True)
            (folder / name).unlink(missing_ok=True)
    bm.version = version
    return version


def migrate(directory: Path) -> bool:
    """Write an index of the earlier format into the SQLite file (under the write lock).

    Returns:
        Whether there was one to migrate.
    """
    if (directory / STORE_FILE).exists() or _old_dir(directory) is None:
        return False
    bm = load_index(directory, BM25Rows)
    write_whole(bm, directory)
    log.info("migrated the BM25 index in %s to the SQLite format (%d chunks)", directory, len(bm))
    return True


class BM25Store:
    """The saved index, changed in place by the one writer.

    Args:
        directory: The BM25 folder (created; an old-format index there is migrated).
    """

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        migrate(directory)
        self.path = directory / STORE_FILE
        self._db = _connect(self.path)
        self._vocab: tuple[int, dict[str, int]] = (-1, {})  # (version, token -> id)

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    def version(self) -> int:
        """The saved version (0 for a new store)."""
        return int(_info(self._db).get("version", 0))

    def ids(self) -> set[str]:
        """Every saved chunk id."""
        return {cid for (cid,) in self._db.execute("SELECT chunk_id FROM chunks")}

    def change(
        self,
        add: Sequence[tuple[Chunk, Meta]],
        tokens: Sequence[list[str]],
        remove: Iterable[str] = (),
        params: tuple[float, float] = (1.2, 0.75),
    ) -> tuple[list[str], list[RowData]]:
        """Add (or replace) and remove chunks in one transaction.

        Args:
            add: ``(chunk, metadata)`` pairs.
            tokens: Their :func:`~rag.index.bm25.tokenize_many` lists.
            remove: Chunk ids to delete (unknown ones are ignored).
            params: ``(k1, b)`` recorded with a new store.

        Returns:
            The tokens new to the vocabulary (in id order) and the added rows, to
            apply the same change to a loaded index of the previous version.
        """
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            info = _info(db)
            version = int(info.get("version", 0))
            vocab = self._vocab[1]
            if self._vocab[0] != version:  # read once per writer, not per batch
                vocab = dict(db.execute("SELECT token, tid FROM vocab").fetchall())
            first = len(vocab)
            rows: list[RowData] = []
            for (chunk, meta), toks in zip(add, tokens, strict=True):
                counts = Counter(toks)
                for token in counts:
                    vocab.setdefault(token, len(vocab))
                tids = np.fromiter((vocab[t] for t in counts), np.int64, len(counts))
                tfs = np.fromiter(counts.values(), np.float32, len(counts))
                rows.append((chunk.chunk_id, clean_meta(meta), tids, tfs))
            new = sorted((tid, t) for t, tid in vocab.items() if tid >= first)
            db.executemany("INSERT INTO vocab VALUES(?,?)", new)
            gone = [(cid,) for cid in {*remove, *(r[0] for r in rows)}]
            db.executemany("DELETE FROM chunks WHERE chunk_id=?", gone)
            _insert(db, rows)
            k1, b = float(info.get("k1", params[0])), float(info.get("b", params[1]))
            _set_version(db, version + 1, (k1, b))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._vocab = (-1, {})
            raise
        self._vocab = (version + 1, vocab)
        return [t for _, t in new], rows
