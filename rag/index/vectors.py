"""Dense vectors in Chroma: the embedded store by default, a Chroma server on request.

One collection (``chunks``, cosine space) holds a vector, the text and the filter
metadata of every chunk. The collection's metadata records the ``embedder_id``
it was built with; opening it with another embedder raises
:class:`~rag.errors.EmbedderMismatchError`, because vectors of two models must
never be compared. Chroma's default embedding function (which would download a
model) is disabled: vectors always come from :mod:`rag.index.embedders`.

Chroma searches an HNSW graph, which is approximate, and it builds a different
graph each time. The search breadth (``Config.dense_ef_search``) is set wide enough
that the top of the list is exact: then two builds of one corpus retrieve alike.
An index built with another breadth is switched to the configured one on opening;
the embedded store searches with it at once, a Chroma server once it restarts
(measured with chromadb 1.5.9: the server keeps the breadth of a loaded index).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.config import Config
from rag.errors import BackendError, EmbedderMismatchError
from rag.index.filters import Where, check_where

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from llama_index.vector_stores.chroma import ChromaVectorStore

logger = logging.getLogger(__name__)

COLLECTION = "chunks"
CHROMA_DIR = "chroma"
_PAGE = 5000
ChromaValue = str | int | float | bool


def open_chroma(cfg: Config, fresh: bool = False) -> ClientAPI:
    """A Chroma client for the configured store, with telemetry off.

    Args:
        cfg: Uses ``index_dir`` (embedded store in ``<index_dir>/chroma``), or
            ``chroma_host``/``chroma_port`` when a host is set.
        fresh: Open the embedded store anew. chromadb shares one system per path
            within a process, and that system's in-memory HNSW index never sees
            vectors another process added (measured with chromadb 1.5.9: ``count``
            and ``get`` do, ``query`` does not), so a reader reopens after another
            process committed. Clients already open keep working on their view.

    Returns:
        A ``chromadb`` client.

    Raises:
        BackendError: The Chroma server cannot be reached.
    """
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if not cfg.chroma_host:
        if fresh:
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient.clear_system_cache()
        path = cfg.index_dir / CHROMA_DIR
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    try:
        return chromadb.HttpClient(host=cfg.chroma_host, port=cfg.chroma_port, settings=settings)
    except ValueError as exc:
        where = f"{cfg.chroma_host}:{cfg.chroma_port}"
        raise BackendError(
            where,
            f"เชื่อมต่อเซิร์ฟเวอร์ Chroma ที่ {where} ไม่ได้ ตรวจว่าเซิร์ฟเวอร์ทำงานอยู่",
            f"cannot reach the Chroma server ({exc})",
        ) from exc


def to_chroma_where(where: Where | None) -> dict[str, Any] | None:
    """Translate a simple filter into a Chroma ``where`` clause.

    >>> to_chroma_where({"doc_id": "d1"})
    {'doc_id': {'$eq': 'd1'}}
    >>> to_chroma_where({"year": [2566, 2567], "file_type": "pdf"})
    {'$and': [{'year': {'$in': [2566, 2567]}}, {'file_type': {'$eq': 'pdf'}}]}
    >>> to_chroma_where({}) is None
    True
    """
    clauses: list[dict[str, Any]] = [
        {key: {"$eq": values[0]} if len(values) == 1 else {"$in": values}}
        for key, values in check_where(where).items()
    ]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _search_breadth(collection: Collection, ef_search: int) -> None:
    """Give ``collection`` the HNSW search breadth ``ef_search`` unless it has it."""
    from chromadb.errors import ChromaError

    was = ((collection.configuration_json or {}).get("hnsw") or {}).get("ef_search")
    if was == ef_search:
        return
    try:
        collection.modify(configuration={"hnsw": {"ef_search": ef_search}})
        logger.info("HNSW ef_search of %s: %s -> %d", collection.name, was, ef_search)
    except (ChromaError, sqlite3.Error) as exc:  # another process may hold the store
        logger.warning("HNSW ef_search of %s stays %s: %s", collection.name, was, exc)


def _clean(meta: Mapping[str, Any]) -> dict[str, ChromaValue]:
    return {k: v for k, v in meta.items() if isinstance(v, ChromaValue) and v != ""}


class VectorStore:
    """One Chroma collection of chunk vectors built by one embedder.

    Args:
        client: From :func:`open_chroma`.
        embedder_id: Identity of the embedder (see :func:`rag.index.embedders.embedder_id`).
        name: Collection name.
        rebuild: Delete the collection first (``rag ingest --rebuild``).
        ef_search: Breadth of the HNSW search (``Config.dense_ef_search``).

    Raises:
        EmbedderMismatchError: The collection was built with another embedder.
    """

    def __init__(
        self,
        client: ClientAPI,
        embedder_id: str,
        name: str = COLLECTION,
        rebuild: bool = False,
        *,
        ef_search: int,
    ) -> None:
        from chromadb.errors import NotFoundError

        self.client = client
        self.embedder_id = embedder_id
        self.name = name
        if rebuild:
            try:
                client.delete_collection(name)
                logger.info("deleted Chroma collection %s for a rebuild", name)
            except (NotFoundError, ValueError):
                pass
        try:
            collection = client.get_collection(name, embedding_function=None)
        except (NotFoundError, ValueError):
            collection = client.create_collection(
                name,
                configuration={"hnsw": {"space": "cosine", "ef_search": ef_search}},
                metadata={"embedder_id": embedder_id},
                embedding_function=None,
            )
        stored = (collection.metadata or {}).get("embedder_id", "unknown")
        if stored != embedder_id:
            raise EmbedderMismatchError(
                name,
                f"ดัชนีนี้สร้างด้วยตัวฝังเวกเตอร์ {stored} แต่ค่าตั้งปัจจุบันคือ {embedder_id} "
                "ให้สร้างดัชนีใหม่ด้วยคำสั่ง rag ingest --rebuild <โฟลเดอร์เอกสาร> "
                "หรือตั้งค่า embedder/embed_model ให้ตรงกับดัชนี",
                f"the index was built with embedder {stored!r} but {embedder_id!r} is configured; "
                "rebuild it with `rag ingest --rebuild <docs>` or configure the original embedder",
            )
        _search_breadth(collection, ef_search)
        self.collection: Collection = collection

    @classmethod
    def open(
        cls,
        cfg: Config,
        embedder_id: str,
        name: str = COLLECTION,
        rebuild: bool = False,
        fresh: bool = False,
    ) -> VectorStore:
        """Open the collection of the configured store (see :func:`open_chroma`)."""
        client = open_chroma(cfg, fresh)
        return cls(client, embedder_id, name=name, rebuild=rebuild, ef_search=cfg.dense_ef_search)

    def count(self) -> int:
        """Number of vectors."""
        return int(self.collection.count())

    def ids(self) -> list[str]:
        """Every chunk id in the collection."""
        out: list[str] = []
        while True:
            page = self.collection.get(include=[], limit=_PAGE, offset=len(out))["ids"]
            out.extend(page)
            if len(page) < _PAGE:
                return out

    def upsert(
        self,
        chunk_ids: Sequence[str],
        embeddings: np.ndarray | Sequence[Sequence[float]],
        metadatas: Sequence[Mapping[str, Any]],
        documents: Sequence[str],
    ) -> None:
        """Insert or replace chunks, in batches Chroma accepts.

        Metadata values that are ``None``, empty strings or not scalars are dropped.
        """
        vectors = np.asarray(embeddings, dtype=np.float32)
        n = len(chunk_ids)
        if not len(vectors) == len(metadatas) == len(documents) == n:
            raise ValueError("chunk_ids, embeddings, metadatas and documents differ in length")
        step = self.client.get_max_batch_size()
        for start in range(0, n, step):
            end = start + step
            self.collection.upsert(
                ids=list(chunk_ids[start:end]),
                embeddings=vectors[start:end],
                metadatas=[_clean(m) for m in metadatas[start:end]],
                documents=list(documents[start:end]),
            )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Delete chunks; unknown ids are ignored."""
        step = self.client.get_max_batch_size()
        for start in range(0, len(chunk_ids), step):
            self.collection.delete(ids=list(chunk_ids[start : start + step]))

    def query(
        self, embedding: Sequence[float] | np.ndarray, k: int, where: Where | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` nearest chunks among those matching ``where``.

        Args:
            embedding: A query vector of the collection's embedder.
            k: How many results at most.
            where: Metadata filter (see :func:`rag.index.filters.check_where`); Chroma
                filters before the nearest-neighbour search.

        Returns:
            ``(chunk_id, cosine similarity)`` pairs, most similar first.
        """
        if k <= 0 or self.count() == 0:
            return []
        vector: list[float] = np.asarray(embedding, dtype=np.float32).ravel().tolist()
        result = self.collection.query(
            query_embeddings=vector,
            n_results=k,
            where=to_chroma_where(where),
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = (result["distances"] or [[]])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]

    def as_llama_store(self) -> ChromaVectorStore:
        """This collection as a llama-index ``ChromaVectorStore``.

        Any llama-index app can query it (``VectorStoreIndex.from_vector_store``)
        with the same embedder; nodes come back with our chunk id, text and
        metadata.
        """
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)
