"""Records: one JSON form each (pinned byte for byte), round-trips, the file-type table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import get_args

from rag.cli.ask import answer_json
from rag.data import FILE_TYPES, Answer, Chunk, Citation, DocMeta, FileType, Hit, Turn
from rag.ingest.loaders import SUFFIXES, file_type
from rag.web.library import MEDIA_TYPES

SOURCE = "/data/corpus/tobacco-control-2567.pdf"
QUOTE = "อัตราการสูบบุหรี่ร้อยละ 16.9"
CITE = Citation(2, "d1", "รายงานยาสูบ", SOURCE, 3, "c9", QUOTE, 10, 36, 0.123456789)
ANSWER = Answer(f"{QUOTE} [2]", (CITE,), 0.987654321, False, {"total": 0.5}, "หมายเหตุ")

# Written by the serialisers these methods replaced (answer_json, hit_json, asdict).
CITE_JSON = (
    '{"n": 2, "doc_id": "d1", "title": "รายงานยาสูบ", "page": 3, "chunk_id": "c9", '
    f'"quote": "{QUOTE}", "start": 10, "end": 36, "score": 0.123457, "source": "{SOURCE}"}}'
)
ANSWER_JSON = (
    f'{{"qid": "q1", "text": "{QUOTE} [2]", "refused": false, "confidence": 0.9877, '
    f'"notice": "หมายเหตุ", "timings": {{"total": 0.5}}, "citations": [{CITE_JSON}]}}'
)
HIT_JSON = (
    '{"doc_id": "d1", "title": "รายงานยาสูบ", "page": 3, "chunk_id": "c9", '
    '"score": 0.031235, "via": "both"}'
)
META_JSON = (
    '{"doc_id": "d1", "title": "รายงาน", "source": "a.pdf", "sha256": "ab", "file_type": "pdf", '
    '"collection": "col", "year": 2024, "url": "http://x", "date": "2024-01-01"}'
)


def dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def test_answer_json_is_unchanged_and_round_trips() -> None:
    assert dumps(answer_json(ANSWER, "q1")) == ANSWER_JSON
    back = Answer.from_json(json.loads(ANSWER_JSON))
    assert back.confidence == 0.9877 and back.citations[0].score == 0.123457
    assert dumps(answer_json(back, "q1")) == ANSWER_JSON
    assert back == Answer.from_json(back.to_json())


def test_citation_json_is_unchanged_and_round_trips() -> None:
    assert dumps(CITE.to_json()) == CITE_JSON
    exact = Citation(1, "d2", "ประวัติ", "b.md", 1, "c1", "สสส. ก่อตั้งปี 2544", 0, 19, 0.25)
    assert Citation.from_json(exact.to_json()) == exact


def test_hit_json_is_unchanged_and_round_trips() -> None:
    hit = Hit(Chunk("c9", "d1", 3, 10, 36, "ข้อความ"), "รายงานยาสูบ", 0.0312345678, "both", 1, 2)
    assert dumps(hit.to_json()) == HIT_JSON
    back = Hit.from_json(json.loads(HIT_JSON))
    assert (back.chunk.chunk_id, back.chunk.doc_id, back.chunk.page) == ("c9", "d1", 3)
    assert dumps(back.to_json()) == HIT_JSON


def test_doc_meta_json_is_unchanged_and_round_trips() -> None:
    meta = DocMeta("d1", "รายงาน", "a.pdf", "ab", "pdf", "col", 2024, "http://x", "2024-01-01")
    assert dumps(meta.to_json()) == META_JSON
    assert DocMeta.from_json(json.loads(META_JSON)) == meta


def test_turn_round_trips_and_reads_text() -> None:
    turn = Turn("แล้วปี 2567 ล่ะ", "1.5 ล้านคน [1]")
    assert dumps(turn.to_json()) == '{"question": "แล้วปี 2567 ล่ะ", "answer": "1.5 ล้านคน [1]"}'
    assert Turn.from_json(turn.to_json()) == turn
    assert Turn.from_json({"question": "กี่คน", "answer": 12}) == Turn("กี่คน", "12")


def test_one_file_type_table() -> None:
    assert tuple(FILE_TYPES) == get_args(FileType)
    assert list(SUFFIXES) == [
        ".pdf",
        ".docx",
        ".html",
        ".htm",
        ".txt",
        ".md",
        ".jsonl",
        ".jsonl.gz",
    ]
    assert set(SUFFIXES.values()) == set(FILE_TYPES) == set(MEDIA_TYPES)
    assert MEDIA_TYPES["docx"].endswith("wordprocessingml.document")
    assert (
        MEDIA_TYPES["md"] == "text/plain; charset=utf-8" and MEDIA_TYPES["pdf"] == "application/pdf"
    )
    for kind, spec in FILE_TYPES.items():
        for suffix in spec.suffixes:
            assert file_type(Path(f"รายงาน{suffix.upper()}")) == kind


def test_followup_and_llm_import_without_the_answerer() -> None:
    code = (
        "import sys, rag.answer.followup, rag.answer.llm; sys.exit('rag.answer.ask' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
