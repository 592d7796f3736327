from __future__ import annotations

from pathlib import Path

import pytest

from rag.data import Chunk
from rag.errors import ConfigError, StoreError
from rag.index.bm25 import ThaiBM25, tokenize_many
from rag.index.filters import check_where

TEXTS = {
    "c1": ("d1", "pdf", 2566, "สสส.รณรงค์ลดการดื่มสุราในเยาวชนอย่างต่อเนื่อง"),
    "c2": ("d2", "docx", 2565, "การออกกำลังกายวันละสามสิบนาทีช่วยลดความเสี่ยงโรคหัวใจ"),
    "c3": ("d3", "html", 2566, "ภาษีบาปจากสุราและยาสูบเป็นรายได้ของกองทุน"),
    "c4": ("d4", "pdf", 2564, "โครงการลดเค็มลดโรคชวนคนไทยกินเกลือน้อยลง"),
}


def chunk(cid: str, doc_id: str, text: str) -> Chunk:
    return Chunk(cid, doc_id, 1, 0, len(text), text)


def items() -> list[tuple[Chunk, dict[str, str | int]]]:
    return [
        (chunk(cid, d, text), {"doc_id": d, "file_type": ft, "year": y, "collection": "test"})
        for cid, (d, ft, y, text) in TEXTS.items()
    ]


@pytest.fixture
def bm() -> ThaiBM25:
    index = ThaiBM25()
    index.add(items())
    return index


def test_finds_a_word_inside_unspaced_thai(bm: ThaiBM25) -> None:
    text = TEXTS["c1"][3]
    assert "เยาวชน" not in text.split()  # whitespace tokenisation would never match it
    hits = bm.search("เยาวชน", k=3)
    assert [cid for cid, _ in hits] == ["c1"]
    assert hits[0][1] > 0


def test_ranks_by_shared_words(bm: ThaiBM25) -> None:
    hits = bm.search("รายได้จากภาษีสุรา", k=4)
    assert hits[0][0] == "c3"
    assert {cid for cid, _ in hits} == {"c1", "c3"}  # only chunks sharing a word
    assert bm.search("ฟุตบอล", k=4) == []
    assert bm.search("", k=4) == []


def test_precomputed_tokens_equal_computed(bm: ThaiBM25) -> None:
    other = ThaiBM25()
    pairs = items()
    other.add(pairs, tokens=tokenize_many(c.text for c, _ in pairs))
    assert other.search("สุรา", 4) == bm.search("สุรา", 4)
    with pytest.raises(ValueError, match="token lists"):
        other.add(pairs, tokens=[])


def test_filters_apply_before_top_k() -> None:
    index = ThaiBM25()
    strong = [(chunk(f"s{i}", "big", "สุรา สุรา สุรา"), {"doc_id": "big"}) for i in range(20)]
    weak = [(chunk("w", "small", "สุราพื้นบ้านและการท่องเที่ยวชุมชนในหลายจังหวัด"), {"doc_id": "small"})]
    index.add(strong + weak)
    assert "w" not in [cid for cid, _ in index.search("สุรา", k=5)]
    assert [cid for cid, _ in index.search("สุรา", k=5, where={"doc_id": "small"})] == ["w"]


def test_metadata_filters(bm: ThaiBM25) -> None:
    assert {c for c, _ in bm.search("สุรา", 5, where={"year": 2566})} == {"c1", "c3"}
    assert {c for c, _ in bm.search("สุรา", 5, where={"file_type": ["html", "docx"]})} == {"c3"}
    assert bm.search("สุรา", 5, where={"year": "2566", "doc_id": "d3"})[0][0] == "c3"
    assert bm.search("สุรา", 5, where={"collection": "other"}) == []
    with pytest.raises(ConfigError, match="page"):
        bm.search("สุรา", 5, where={"page": 1})
    with pytest.raises(ConfigError):
        check_where({"year": []})


def test_remove_and_replace(bm: ThaiBM25) -> None:
    assert bm.remove(["c3", "missing"]) == 1
    assert "c3" not in bm.ids() and len(bm) == 3
    assert [c for c, _ in bm.search("ภาษีบาป", 5)] == []
    bm.add([(chunk("c1", "d1", "ภาษีบาป"), {"doc_id": "d1"})])  # same id replaces
    assert [c for c, _ in bm.search("ภาษีบาป", 5)] == ["c1"]
    assert bm.search("เยาวชน", 5) == []
    assert bm.meta("c1") == {"doc_id": "d1"}


def test_save_load_round_trip(bm: ThaiBM25, tmp_path: Path) -> None:
    bm.save(tmp_path / "bm25")
    bm.save(tmp_path / "bm25")  # saving over an existing index replaces it
    loaded = ThaiBM25.load(tmp_path / "bm25")
    assert loaded.ids() == bm.ids()
    for query in ("สุรา", "เยาวชน", "โรคหัวใจ", "ลดเค็ม"):
        assert loaded.search(query, 3, where={"year": [2566, 2565]}) == bm.search(
            query, 3, where={"year": [2566, 2565]}
        )
    assert loaded.tokens("c1") == bm.tokens("c1")
    loaded.remove(["c1"])
    loaded.add([(chunk("c9", "d9", "เยาวชนไทยห่างไกลบุหรี่ไฟฟ้า"), {"doc_id": "d9"})])
    assert [c for c, _ in loaded.search("เยาวชน", 3)] == ["c9"]


def test_empty_index_round_trip(tmp_path: Path) -> None:
    empty = ThaiBM25()
    assert empty.search("สุรา", 3) == []
    empty.save(tmp_path / "e")
    assert ThaiBM25.load(tmp_path / "e").search("สุรา", 3) == []


def test_load_missing_is_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="rebuild"):
        ThaiBM25.load(tmp_path / "nothing")
