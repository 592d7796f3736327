r"""A persistent embedding cache, so re-ingesting or rebuilding embeds nothing twice.

Vectors live in SQLite (``<index_dir>/embed_cache.sqlite3``), keyed by
``sha256(embedder_id + "\x1f" + role + "\x1f" + text)`` and stored as raw
float32 bytes. The embedder id is part of the key, so one cache file serves any
number of embedders without mixing their spaces.

>>> import tempfile, numpy as np
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as d, EmbedCache(Path(d) / "c.sqlite3", "test:x") as c:
...     c.put_many("passage", ["ก"], np.ones((1, 3), dtype=np.float32))
...     c.get_many("passage", ["ก", "ข"])[1] is None, len(c)
(True, 1)
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Literal

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding

logger = logging.getLogger(__name__)

CACHE_FILE = "embed_cache.sqlite3"
Role = Literal["query", "passage"]
_SQL_VARS = 500  # keys per SELECT … IN (…)


def cache_key(embedder_id: str, role: Role, text: str) -> bytes:
    """The 32-byte key of one text's vector.

    >>> cache_key("e", "passage", "ก") == cache_key("e", "query", "ก")
    False
    """
    return hashlib.sha256(f"{embedder_id}\x1f{role}\x1f{text}".encode()).digest()


class EmbedCache:
    """Vectors of one embedder in a SQLite file.

    Safe to share between threads (one connection behind a lock). Each
    :meth:`put_many` commits, so an interrupted ingest keeps what it embedded.

    Args:
        path: The SQLite file; its folder is created.
        embedder_id: Identity of the embedding space (see :func:`rag.index.embedders.embedder_id`).
    """

    def __init__(self, path: Path, embedder_id: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.embedder_id = embedder_id
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS vectors "
            "(key BLOB PRIMARY KEY, dim INTEGER NOT NULL, vec BLOB NOT NULL) WITHOUT ROWID"
        )
        self._db.commit()

    @classmethod
    def in_index(cls, index_dir: Path, embedder_id: str) -> EmbedCache:
        """Open the cache file of an index folder."""
        return cls(index_dir / CACHE_FILE, embedder_id)

    def get_many(self, role: Role, texts: Sequence[str]) -> list[np.ndarray | None]:
        """Cached vectors of ``texts`` (``None`` for a miss), in order."""
        keys = [cache_key(self.embedder_id, role, t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), _SQL_VARS):
                part = keys[start : start + _SQL_VARS]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT key, dim, vec FROM vectors WHERE key IN ({marks})", part
                )
                for key, dim, blob in rows:
                    vec = np.frombuffer(blob, dtype=np.float32)
                    if vec.size == dim:
                        found[key] = vec
        return [found.get(k) for k in keys]

    def put_many(self, role: Role, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store the vectors of ``texts`` (row ``i`` belongs to ``texts[i]``) and commit."""
        rows = [
            (cache_key(self.embedder_id, role, t), int(v.size), np.ascontiguousarray(v).tobytes())
            for t, v in zip(texts, np.asarray(vectors, dtype=np.float32), strict=True)
        ]
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            (n,) = self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()
        return int(n)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> EmbedCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def embed_passages(
    embedder: BaseEmbedding,
    texts: Sequence[str],
    cache: EmbedCache | None,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Embed passages, computing only what the cache lacks.

    Identical texts are embedded once. Misses go to the embedder in batches of
    ``batch_size`` and are stored after each batch.

    Args:
        embedder: Any llama-index embedder (its passage/text role is used).
        texts: Passages, in the order of the returned rows.
        cache: The cache, or ``None`` to embed everything.
        batch_size: Texts per embedder call.
        progress: Called with the number of texts just finished (hits are reported
            at once, then each batch), e.g. ``tqdm.update``.

    Returns:
        A ``(len(texts), dim)`` float32 array (``(0, 0)`` for no texts).
    """
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    cached = cache.get_many("passage", texts) if cache is not None else [None] * len(texts)
    vectors: dict[str, np.ndarray] = {
        t: v for t, v in zip(texts, cached, strict=True) if v is not None
    }
    copies = Counter(texts)
    missing = [t for t in copies if t not in vectors]
    hits = len(texts) - sum(copies[t] for t in missing)
    logger.debug("embed cache: %d of %d texts cached, %d to embed", hits, len(texts), len(missing))
    if progress and hits:
        progress(hits)
    for start in range(0, len(missing), batch_size):
        batch = missing[start : start + batch_size]
        embedded = np.asarray(embedder.get_text_embedding_batch(batch), dtype=np.float32)
        if cache is not None:
            cache.put_many("passage", batch, embedded)
        vectors.update(zip(batch, embedded, strict=True))
        if progress:
            progress(sum(copies[t] for t in batch))
    return np.stack([vectors[t] for t in texts]).astype(np.float32, copy=False)
