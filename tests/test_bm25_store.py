"""The BM25 index on disk: incremental changes, equivalence with a rebuild and with
``bm25s`` (the engine it replaced), and indexes of the earlier JSON format."""

from __future__ import annotations

import json
from pathlib import Path

import bm25s
import numpy as np
import pytest

from rag.data import Chunk
from rag.index import bm25 as bm25_module
from rag.index import bm25_rows
from rag.index.bm25 import ThaiBM25, tokenize_many
from rag.index.bm25_saved import read_saved
from rag.index.bm25_store import STORE_FILE, BM25Store, load_index, saved_version

WORDS = [
    "สสส.รณรงค์ลดการดื่มสุราในเยาวชน", "การออกกำลังกายวันละสามสิบนาที", "ภาษีบาปจากสุราและยาสูบ",
    "โครงการลดเค็มลดโรคชวนคนไทยกินเกลือน้อยลง", "บุหรี่ไฟฟ้าอันตรายต่อปอดของเยาวชน",
    "นอนหลับให้เพียงพอวันละเจ็ดชั่วโมง", "ผักผลไม้วันละห้าส่วนช่วยลดโรคหัวใจ",
    "กองทุนสนับสนุนการสร้างเสริมสุขภาพ ปี 2566", "สุขภาพจิตของคนทำงานในเมือง",
]  # fmt: skip
QUERIES = ["สุรา", "เยาวชน สุรา", "ลดโรคหัวใจ", "สุขภาพ 2566", "บุหรี่ บุหรี่ ปอด", "ฟุตบอล"]


def corpus(n: int = 40) -> list[tuple[Chunk, dict[str, str | int]]]:
    """``n`` chunks of varied length mixing the sentences above."""
    out = []
    for i in range(n):
        text = " ".join(WORDS[(i * k + 1) % len(WORDS)] for k in range(1, 2 + i % 4))
        out.append(
            (Chunk(f"c{i:03d}", f"d{i % 7}", 1, 0, len(text), text), {"doc_id": f"d{i % 7}"})
        )
    return out


def scores(bm: ThaiBM25, query: str) -> dict[str, float]:
    return dict(bm.search(query, 1000))


def bm25s_scores(items: list[tuple[Chunk, dict[str, str | int]]], query: str) -> dict[str, float]:
    """What the earlier index (bm25s, Lucene variant) scores."""
    engine = bm25s.BM25(k1=1.2, b=0.75)
    engine.index(tokenize_many(c.text for c, _ in items), show_progress=False)
    ids = engine.get_tokens_ids(bm25_module.index_tokens(query))
    if not ids:
        return {}
    raw = np.asarray(engine.get_scores_from_ids(ids))
    return {items[i][0].chunk_id: float(s) for i, s in enumerate(raw) if s > 0}


def assert_same(a: dict[str, float], b: dict[str, float]) -> None:
    assert a.keys() == b.keys()
    for cid, value in a.items():
        assert value == pytest.approx(b[cid], rel=1e-5)


def test_incremental_changes_score_as_a_full_rebuild_and_as_bm25s(tmp_path: Path) -> None:
    items = corpus()
    store = BM25Store(tmp_path / "bm25")
    for start in range(0, 30, 10):  # three batches, then removals and a replacement
        part = items[start : start + 10]
        store.change(part, tokenize_many(c.text for c, _ in part))
    store.change(items[30:], tokenize_many(c.text for c, _ in items[30:]), remove=["c003", "c017"])
    store.change([], [], remove=["c025"])
    store.close()
    final = [p for p in items if p[0].chunk_id not in {"c003", "c017", "c025"}]
    loaded = load_index(tmp_path / "bm25", ThaiBM25)
    rebuilt = ThaiBM25()
    rebuilt.add(final)
    assert sorted(loaded.ids()) == sorted(rebuilt.ids())
    for query in QUERIES:
        assert_same(scores(loaded, query), scores(rebuilt, query))
        assert_same(scores(loaded, query), bm25s_scores(final, query))


def test_a_loaded_index_changed_in_memory_matches_the_saved_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bm25_rows, "MERGE_MIN", 0)  # merge the fresh segment at once
    items = corpus(30)
    store = BM25Store(tmp_path / "bm25")
    store.change(items[:20], tokenize_many(c.text for c, _ in items[:20]))
    snapshot = load_index(tmp_path / "bm25", ThaiBM25)
    copy = snapshot.clone()
    words, rows = store.change(items[20:], tokenize_many(c.text for c, _ in items[20:]), ["c001"])
    copy.remove(["c001"])
    copy.extend_vocab(words)
    copy.add_rows(rows)
    assert len(snapshot) == 20  # searches under way keep their snapshot
    saved = load_index(tmp_path / "bm25", ThaiBM25)
    assert saved.version == store.version() == snapshot.version + 1
    for query in QUERIES:
        assert_same(scores(copy, query), scores(saved, query))
    assert copy.document_frequencies() == saved.document_frequencies()


def write_old_format(folder: Path, items: list[tuple[Chunk, dict[str, str | int]]]) -> None:
    """An index as the JSON format (format 2) saved it."""
    folder.mkdir(parents=True)
    ids = [c.chunk_id for c, _ in items]
    head = {"format": 2, "k1": 1.2, "b": 0.75, "ids": ids, "meta": [m for _, m in items]}
    tokens = {"ids": ids, "tokens": tokenize_many(c.text for c, _ in items)}
    (folder / "bm25.json").write_text(json.dumps(head, ensure_ascii=False), "utf-8")
    (folder / "tokens.json").write_text(json.dumps(tokens, ensure_ascii=False), "utf-8")
    (folder / "bm25s").mkdir()


def test_an_index_of_the_json_format_opens_and_migrates(tmp_path: Path) -> None:
    items = corpus(25)
    folder = tmp_path / "bm25"
    write_old_format(folder, items)
    assert saved_version(folder) == -1
    old = read_saved(folder)
    assert len(old) == 25
    for query in QUERIES:
        assert_same(scores(old, query), bm25s_scores(items, query))
    BM25Store(folder).close()  # the first writer migrates it
    assert (folder / STORE_FILE).exists() and not (folder / "bm25.json").exists()
    assert saved_version(folder) == 1
    migrated = read_saved(folder)
    assert migrated.ids() == old.ids() and migrated.meta("c004") == {"doc_id": "d4"}
    for query in QUERIES:
        assert_same(scores(migrated, query), scores(old, query))
