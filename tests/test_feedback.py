"""Feedback store: what is kept, retention, and 👎 items as draft question-set entries."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from rag.config import Config
from rag.data import Answer, Citation, Turn
from rag.errors import InputError
from rag.web.feedback import FeedbackStore, config_snapshot, draft_entries, export_drafts

# The top-level keys of eval/sets/*.jsonl (eval/sets/README.md).
SET_KEYS = {
    "id", "question", "answerable", "gold", "answer", "must_contain", "tags", "history",
}  # fmt: skip


def cited_answer() -> Answer:
    cite = Citation(
        1, "d1", "รายงานยาสูบ", "/data/corpus/tobacco-control-2567.pdf", 2, "c1",
        "อัตราการสูบบุหรี่ร้อยละ 16.9", 10, 36, 0.8,
    )  # fmt: skip
    return Answer("อัตราการสูบบุหรี่ร้อยละ 16.9 [1]", (cite,), 0.7, False)


def test_rows_keep_question_answer_citations_config(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    cfg = Config(index_dir=tmp_path, staff_password="secret", llm_api_key="sk-x")
    store.add(
        "down",
        "แล้วปี 2566 ล่ะ",
        cited_answer(),
        history=[Turn("ปี 2567 สูบบุหรี่ร้อยละเท่าไร", "16.9 [1]")],
        comment="  ตัวเลขผิดปี  ",
        config=config_snapshot(cfg),
    )
    store.add("up", "คำถามที่สอง", Answer("ไม่พบ", (), 0.1, True))
    rows = store.rows()
    assert [r.rating for r in rows] == ["down", "up"]
    first = rows[0]
    assert first.question == "แล้วปี 2566 ล่ะ"
    assert first.comment == "ตัวเลขผิดปี"
    assert first.history == (Turn("ปี 2567 สูบบุหรี่ร้อยละเท่าไร", "16.9 [1]"),)
    assert first.citations == cited_answer().citations
    assert first.config["index_dir"] == str(tmp_path)
    assert "staff_password" not in first.config and "llm_api_key" not in first.config
    assert "secret" not in json.dumps(first.config)
    assert rows[1].refused
    assert [r.id for r in store.rows("up")] == [rows[1].id]


def test_no_personal_data_columns(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.close()
    with sqlite3.connect(tmp_path / "f.sqlite3") as db:
        columns = {r[1] for r in db.execute("PRAGMA table_info(feedback)")}
    assert not columns & {"ip", "user", "username", "session", "email", "user_agent"}


def test_invalid_input_is_refused(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(InputError):
        store.add("meh", "คำถาม", cited_answer())  # type: ignore[arg-type]
    with pytest.raises(InputError):
        store.add("up", "   ", cited_answer())


def test_retention_purges_old_rows_on_open(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    store = FeedbackStore(path)
    old = store.add("down", "เก่า", cited_answer())
    store.add("down", "ใหม่", cited_answer())
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE feedback SET created_at='2020-01-01T00:00:00+00:00' WHERE id=?", (old,))
    kept = FeedbackStore(path, retention_days=0)
    assert len(kept.rows()) == 2  # 0 keeps everything
    kept.close()
    store = FeedbackStore.for_config(Config(index_dir=tmp_path, feedback_retention_days=30))
    assert store.path == tmp_path / "feedback.sqlite3"
    store.close()
    purged = FeedbackStore(path, retention_days=30)
    assert [r.question for r in purged.rows()] == ["ใหม่"]


def test_drafts_follow_the_question_set_schema(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.add("up", "ดี", cited_answer())
    store.add("down", "ปี 2567 สูบบุหรี่ร้อยละเท่าไร", cited_answer(), comment="ผิด")
    store.add("down", "แล้วปีก่อนล่ะ", cited_answer(), history=[Turn("ถามก่อน", "ตอบก่อน")])
    drafts = draft_entries(store.rows())
    assert len(drafts) == 2
    for entry in drafts:
        assert set(entry) == SET_KEYS
        assert entry["answer"] == "" and entry["must_contain"] == []
        assert entry["gold"] == [{"file": "tobacco-control-2567.pdf", "page": 2}]
        assert entry["tags"]["draft"] is True and entry["tags"]["topic"] == "feedback"
    assert drafts[0]["tags"]["comment"] == "ผิด"
    assert drafts[0]["tags"]["type"] == "factoid"
    assert drafts[1]["tags"]["type"] == "follow-up"
    assert drafts[1]["history"] == [{"question": "ถามก่อน", "answer": "ตอบก่อน"}]
    out = tmp_path / "drafts" / "feedback.jsonl"
    assert export_drafts(store, out) == 2
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == [d["id"] for d in drafts]
    assert "ปี 2567" in out.read_text(encoding="utf-8")  # real UTF-8, not \u escapes


def test_rows_written_before_turn_and_citation_json_still_load(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    FeedbackStore(path).close()
    cite = cited_answer().citations[0]
    old_cite = {f: getattr(cite, f) for f in Citation.__dataclass_fields__}  # asdict order
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO feedback(created_at, rating, question, history, answer, refused,"
            " citations, comment, config) VALUES(?,?,?,?,?,?,?,?,?)",
            (
                "2099-01-01T00:00:00+00:00", "down", "แล้วปีก่อนล่ะ",
                json.dumps([["ถามก่อน", "ตอบก่อน"]], ensure_ascii=False), "16.9 [1]", 0,
                json.dumps([old_cite], ensure_ascii=False), "", "{}",
            ),
        )  # fmt: skip
    row = FeedbackStore(path).rows()[0]
    assert row.history == (Turn("ถามก่อน", "ตอบก่อน"),)
    assert row.citations == (cite,)
    assert draft_entries([row])[0]["history"] == [{"question": "ถามก่อน", "answer": "ตอบก่อน"}]
