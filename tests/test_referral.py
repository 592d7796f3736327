"""Health-safety referral lines (rag.answer.referral): rules, loading, and the answer path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.answer.ask import answer
from rag.answer.referral import Referrals
from rag.answer.settings import AnswerSettings
from rag.cli.main import main
from rag.config import Config
from rag.errors import ConfigError
from rag.index.index import Index
from tests.test_answer import qa_dir, qa_index  # noqa: F401  (fixtures)

STARTER = Referrals.load()


def lines(question: str) -> str:
    return " ".join(STARTER.lines_for(question))


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("พ่อเจ็บหน้าอกและหายใจไม่ออก ต้องทำอย่างไร", "1669"),
        ("What should I do if someone is unconscious?", "1669"),
        ("ช่วงนี้รู้สึกอยากตาย ควรทำอย่างไร", "1323"),
        ("I keep thinking about suicide", "1323"),
        ("เป็นเบาหวาน ควรหยุดยาเองไหม", "แพทย์หรือเภสัชกร"),
        ("Should I take sleeping pills every night?", "doctor or pharmacist"),
    ],
)
def test_safety_questions_get_their_referral_line(question: str, number: str) -> None:
    assert number in lines(question)


@pytest.mark.parametrize(
    "question",
    [
        "ผู้ใหญ่ควรออกกำลังกายสัปดาห์ละกี่นาที",
        "ปี 2567 คนไทยสูบบุหรี่ร้อยละเท่าไร",
        "How many people joined the Songkran campaign?",
    ],
)
def test_ordinary_questions_get_none(question: str) -> None:
    assert STARTER.lines_for(question) == []


def test_english_triggers_match_whole_words_only() -> None:
    assert STARTER.lines_for("Tips on how to improve my strokes in swimming") == []
    assert "1669" in lines("Signs of a stroke in older people")


def test_the_answer_keeps_its_grounded_text_and_adds_the_line(qa_index: Index) -> None:  # noqa: F811
    plain = answer("ผู้สูงอายุควรนอนหลับวันละกี่ชั่วโมง", qa_index)
    urgent = answer("ผู้สูงอายุหมดสติ ปกติควรนอนหลับวันละกี่ชั่วโมง", qa_index)
    assert "1669" not in plain.notice
    assert "1669" in urgent.notice
    assert not urgent.refused and "[1]" in urgent.text and "1669" not in urgent.text


def test_a_refusal_still_carries_the_line(qa_index: Index) -> None:  # noqa: F811
    refused = answer("เพื่อนกินยาเกินขนาด ต้องล้างท้องที่โรงพยาบาลไหน", qa_index)
    assert refused.refused and "1669" in refused.notice


def test_the_cli_json_shows_the_referral(qa_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    code = main(["ask", "--index", str(qa_dir), "--json", "อยากทำร้ายตัวเอง ควรนอนกี่ชั่วโมง"])
    assert code == 0
    assert "1323" in json.loads(capsys.readouterr().out)["notice"]


def test_staff_rules_replace_the_starter_ones(tmp_path: Path) -> None:
    own = tmp_path / "referrals.toml"
    own.write_text('[[referral]]\nline = "โทร 1422"\nwhen = ["ไข้เลือดออก"]\n', encoding="utf-8")
    settings = AnswerSettings.from_config(Config(referrals=str(own)))
    assert settings.referrals.lines_for("ลูกเป็นไข้เลือดออก") == ["โทร 1422"]
    assert settings.referrals.lines_for("หมดสติ") == []


@pytest.mark.parametrize(
    "text",
    [
        '[[referral]]\nline = ""\nwhen = ["x"]\n',
        '[[referral]]\nline = "โทร 1669"\nwhen = []\n',
        "referral = 3\n",
        "[[referral\n",
    ],
)
def test_broken_rules_are_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "referrals.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Referrals.load(path)
    assert "referral" in str(err.value) and "สายด่วน" in err.value.thai
