"""Chunking and BM25 tokenising on ``workers`` processes give what one process gives."""

from __future__ import annotations

import pickle

import pytest

from rag.config import Config
from rag.data import Page
from rag.index.bm25 import tokenize_many
from rag.index.embedders import TokenCounting, count_tokens, make_embedder
from rag.ingest import parallel
from rag.ingest.parallel import chunk_documents, cpu_workers, in_windows

TEXT = (
    "สสส. รณรงค์ลดการดื่มสุราในเยาวชนอย่างต่อเนื่อง โดยร่วมมือกับโรงเรียนทั่วประเทศ "
    "การออกกำลังกายวันละสามสิบนาทีช่วยลดความเสี่ยงโรคหัวใจ และควรนอนหลับให้เพียงพอ"
)


def test_workers_chunk_and_tokenise_as_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = Config(workers=2)
    assert cpu_workers(cfg.workers) == 2 and cpu_workers(0, cpus=3) == 3
    counter = TokenCounting(cfg, count_tokens(make_embedder(cfg)))
    assert pickle.loads(pickle.dumps(counter))(TEXT) == counter(TEXT)  # a worker loads its own
    pages = [[Page(f"d{i}", 1, f"ข่าวที่ {i} " + TEXT * (1 + i % 3))] for i in range(6)]
    monkeypatch.setattr(parallel, "PARALLEL_MIN_DOCS", 2)
    alone = chunk_documents(pages, counter, (24, 4), workers=1)
    together = chunk_documents(pages, counter, (24, 4), workers=2)
    assert together == alone and sum(map(len, alone)) > len(pages)
    texts = [[c.text for c in chunks] for chunks in alone]
    assert list(in_windows(tokenize_many, texts, 2, parallel=True)) == [
        tokenize_many(t) for t in texts
    ]
