"""The follow-up rule, the LLM rewrite fallback, and preferring earlier sources."""

from __future__ import annotations

import sys
import types

import pytest

from rag.answer.followup import (
    ANAPHORA,
    LEADS,
    is_followup,
    prefer,
    quoted_docs,
    resolve,
    rewrite,
)
from rag.answer.settings import LlmSettings
from rag.config import Config
from rag.data import Chunk, Hit, Turn, chunk_id
from rag.errors import BackendError
from rag.index.bm25 import ThaiBM25
from rag.thai.match import STOP_WORDS

PROGRAM = Turn(
    "โครงการงดเหล้าเข้าพรรษาปี 2566 มีผู้เข้าร่วมกี่คน",
    "ในปี 2566 มีผู้ร่วมงดเหล้าตลอดพรรษา 1.2 ล้านคน [1]",
)


LLM = LlmSettings.from_config(Config())  # no endpoint: the rewrite falls back to the rule


def hit(doc_id: str, text: str) -> Hit:
    return Hit(
        Chunk(chunk_id(doc_id, 1, 0, text), doc_id, 1, 0, len(text), text), doc_id, 1.0, "both"
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("แล้วปี 2567 ล่ะ", True),
        ("โครงการนี้เริ่มเมื่อไร", True),
        ("มาตรการดังกล่าวได้ผลไหม", True),
        ("เขาเกิดที่ไหน", True),
        ("ทำไม", True),
        ("ผู้สูงอายุควรนอนหลับวันละกี่ชั่วโมงตามคำแนะนำของแพทย์", False),
    ],
)
def test_is_followup(question: str, expected: bool) -> None:
    assert is_followup(question) is expected


def test_no_history_means_no_change() -> None:
    assert resolve("แล้วปี 2567 ล่ะ", []).query == "แล้วปี 2567 ล่ะ"


def test_new_year_replaces_the_old_one() -> None:
    r = resolve("แล้วปี 2567 ล่ะ", [PROGRAM])
    assert r.followup and r.query.startswith("แล้วปี 2567 ล่ะ ")
    assert "2566" not in r.query and "เข้าพรรษา" in r.carried


def test_standalone_question_is_kept() -> None:
    r = resolve("คนไทยสูบบุหรี่ร้อยละเท่าไรในปี 2567 ตามผลสำรวจล่าสุด", [PROGRAM])
    assert not r.followup and r.carried == ()


def test_chained_followups_keep_the_topic() -> None:
    second = Turn("แล้วปี 2567 ล่ะ", "1.5 ล้านคน [1]")
    r = resolve("โครงการนี้เริ่มเมื่อไร", [PROGRAM, second])
    assert "เข้าพรรษา" in r.carried


def test_quoted_docs_and_prefer() -> None:
    bm = ThaiBM25()
    program = hit("alcohol", "ในปี 2566 มีผู้ร่วมงดเหล้าตลอดพรรษา 1.2 ล้านคน")
    smoking = hit("tobacco", "ในปี 2567 คนไทยสูบบุหรี่ร้อยละ 16.9")
    bm.add([(h.chunk, {"doc_id": h.chunk.doc_id}) for h in (program, smoking)])
    docs = quoted_docs(PROGRAM.answer, bm)
    assert docs == {"alcohol"}
    assert [h.chunk.doc_id for h in prefer([smoking, program], docs, 2)] == ["alcohol", "tobacco"]
    assert prefer([smoking, program], set(), 1) == [smoking]


@pytest.mark.parametrize("marker", ["[๑]", "[1, 2]", "[1-2]", "[๑][๒]"])
def test_quoted_docs_reads_every_marker_form(marker: str) -> None:
    bm = ThaiBM25()
    program = hit("alcohol", "ในปี 2566 มีผู้ร่วมงดเหล้าตลอดพรรษา 1.2 ล้านคน")
    smoking = hit("tobacco", "ในปี 2567 คนไทยสูบบุหรี่ร้อยละ 16.9")
    bm.add([(h.chunk, {"doc_id": h.chunk.doc_id}) for h in (program, smoking)])
    answer = f"ในปี 2566 มีผู้ร่วมงดเหล้าตลอดพรรษา {marker} คนไทยสูบบุหรี่ร้อยละ 16.9 {marker}"
    assert quoted_docs(answer, bm) == {"alcohol", "tobacco"}


def test_cue_words_are_stop_words_and_never_carried() -> None:
    assert ANAPHORA | LEADS <= STOP_WORDS
    r = resolve("แล้วโครงการนี้ล่ะ", [Turn("สสส. ก่อตั้งเมื่อปีใด และมีรายได้จากที่ใด", "2544 [๑]")])
    assert r.followup and not set(r.carried) & (ANAPHORA | LEADS)


def test_rewrite_uses_the_llm_and_falls_back_to_the_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("rag.answer.llm")

    def good(question: str, history: object, cfg: Config) -> str:
        return "โครงการงดเหล้าเข้าพรรษาปี 2567 มีผู้เข้าร่วมกี่คน"

    def down(question: str, history: object, cfg: Config) -> str:
        raise BackendError("http://llm", "ระบบ LLM ไม่ตอบสนอง", "connection refused")

    monkeypatch.setitem(sys.modules, "rag.answer.llm", fake)
    monkeypatch.setattr(fake, "rewrite_query", good, raising=False)
    assert rewrite("แล้วปี 2567 ล่ะ", [PROGRAM], LLM).query.startswith("โครงการงดเหล้า")
    monkeypatch.setattr(fake, "rewrite_query", down, raising=False)
    assert rewrite("แล้วปี 2567 ล่ะ", [PROGRAM], LLM) == resolve("แล้วปี 2567 ล่ะ", [PROGRAM])
    assert rewrite("แล้วปี 2567 ล่ะ", [], LLM).query == "แล้วปี 2567 ล่ะ"
