"""Every client's question passes one check in rag.answer: size, token window, control chars."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rag.answer.answerer import make_answerer
from rag.answer.ask import answer
from rag.answer.services import Services
from rag.answer.settings import AnswerSettings
from rag.config import load_config
from rag.errors import ConfigError, InputError, TooLargeError
from rag.index.index import Index

SLEEP = "# การนอนหลับของผู้สูงอายุ\n\nผู้สูงอายุควรนอนหลับวันละ 7 ถึง 8 ชั่วโมง และไม่ควรงีบกลางวันนานเกิน 30 นาที"
QUESTION = "ผู้สูงอายุควรนอนหลับวันละกี่ชั่วโมง"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    root = tmp_path_factory.mktemp("limits")
    (root / "docs").mkdir()
    (root / "docs" / "sleep.md").write_text(SLEEP, encoding="utf-8")
    opened = Index(load_config(env={}).with_(index_dir=root / "index"))
    report, _ = opened.ingest([root / "docs"])
    assert not report.failed
    yield opened
    opened.close()


def bilingual(exc: InputError) -> None:
    assert exc.subject == "question"
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in exc.thai) and exc.english.isascii()


def test_a_huge_question_is_refused_by_characters(index: Index) -> None:
    with pytest.raises(TooLargeError) as caught:
        answer("ก" * 100_000, index)
    bilingual(caught.value)
    assert "100000 characters" in caught.value.english
    assert "max_question_chars=1000" in caught.value.english


def test_the_llm_answerer_refuses_it_too(index: Index) -> None:
    cfg = index.cfg.with_(llm_base_url="http://127.0.0.1:9", max_question_chars=50)
    settings = AnswerSettings.from_config(cfg)
    answerer = make_answerer(settings, Services.of(index, settings.retrieval))
    with pytest.raises(TooLargeError, match="max_question_chars=50"):
        next(iter(answerer.stream("ก" * 51)))


def test_a_question_over_the_token_window_is_refused(index: Index) -> None:
    question = "ก1" * 450  # 900 characters, about 900 tokens
    with pytest.raises(TooLargeError) as caught:
        answer(question, index)
    bilingual(caught.value)
    assert "window of 512" in caught.value.english


def test_a_question_at_the_limit_is_answered(index: Index) -> None:
    padded = QUESTION + " " * (1000 - len(QUESTION))
    assert not answer(padded, index).refused


@pytest.mark.parametrize("noise", ["\ud800", "\x00", "\x1b[31m", "\x7f\x9b"])
def test_control_characters_and_lone_surrogates_are_removed(index: Index, noise: str) -> None:
    ans = answer(QUESTION[:9] + noise + QUESTION[9:], index)
    assert not ans.refused and "7 ถึง 8 ชั่วโมง" in ans.text


def test_a_question_of_only_control_characters_is_empty(index: Index) -> None:
    with pytest.raises(InputError) as caught:
        answer("\ud800\x00 \x1b", index)
    assert caught.value.english == "the question is empty"


@pytest.mark.parametrize("raw", ["0", "-5", "many"])
def test_max_question_chars_is_validated(raw: str) -> None:
    with pytest.raises(ConfigError, match="max_question_chars"):
        load_config(env={"RAG_MAX_QUESTION_CHARS": raw})
