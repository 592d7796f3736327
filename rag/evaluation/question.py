"""One evaluation question: its schema and the validation of a decoded JSONL line.

The file format is described in ``eval/sets/README.md``; :mod:`rag.evaluation.qsets`
reads whole files and names the sets.

>>> q = parse_question({"id": "q1", "question": "สสส. ก่อตั้งปีใด", "answerable": False})
>>> q.id, q.answerable, q.gold, q.tags
('q1', False, (), {})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rag.data import Turn
from rag.errors import InputError
from rag.evaluation.metrics import Source

_KEYS = {"id", "question", "answerable", "gold", "answer", "must_contain", "tags", "history"}


@dataclass(frozen=True)
class Question:
    """One evaluation question.

    Attributes:
        id: Unique id within its set.
        question: The user's (last) question.
        answerable: ``False`` when the documents do not hold the answer.
        gold: Where the answer is: ``(file name or doc id, page or None)``.
        answer: Reference answer.
        must_contain: Strings a correct answer contains.
        tags: Free labels (``topic``, ``type``) for the per-tag breakdown.
        history: Earlier turns, oldest first (follow-up questions).
    """

    id: str
    question: str
    answerable: bool
    gold: tuple[Source, ...] = ()
    answer: str = ""
    must_contain: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    history: tuple[Turn, ...] = ()


def invalid(where: str, thai: str, english: str) -> InputError:
    """The error for an invalid question at ``where`` (``file:line``), Thai and English."""
    return InputError(where, f"ชุดคำถามไม่ถูกต้อง: {thai}", f"invalid question: {english}")


def _text(obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = obj.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(where, f"ช่อง {key} ต้องเป็นข้อความ", f"{key!r} must be a non-empty string")
    return value


def _gold(raw: Any, where: str) -> tuple[Source, ...]:
    if not isinstance(raw, list):
        raise invalid(where, "ช่อง gold ต้องเป็นรายการ", "'gold' must be a list")
    sources: list[Source] = []
    for item in raw:
        names = [k for k in ("file", "doc_id") if isinstance(item, dict) and k in item]
        if len(names) != 1 or not isinstance(item[names[0]], str) or not item[names[0]]:
            raise invalid(
                where,
                "gold แต่ละรายการต้องมี file หรือ doc_id อย่างใดอย่างหนึ่ง",
                'each gold entry needs exactly one of "file" or "doc_id"',
            )
        page = item.get("page")
        if page is not None and (not isinstance(page, int) or isinstance(page, bool) or page < 1):
            raise invalid(where, "เลขหน้าใน gold ต้องเป็นจำนวนเต็มบวก", f"bad gold page {page!r}")
        sources.append((item[names[0]], page))
    return tuple(sources)


def _strings(raw: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise invalid(where, f"ช่อง {key} ต้องเป็นรายการข้อความ", f"{key!r} must be a list of strings")
    return tuple(raw)


def _history(raw: Any, where: str) -> tuple[Turn, ...]:
    if not isinstance(raw, list):
        raise invalid(where, "ช่อง history ต้องเป็นรายการ", "'history' must be a list")
    turns = []
    for item in raw:
        if not isinstance(item, dict):
            raise invalid(where, "history ต้องมี question และ answer", "history turns are objects")
        turns.append(Turn(_text(item, "question", where), _text(item, "answer", where)))
    return tuple(turns)


def parse_question(obj: Any, where: str = "question") -> Question:
    """Validate one decoded JSONL line.

    Args:
        obj: The decoded line.
        where: Location for error messages (``file:line``).

    Returns:
        The question.

    Raises:
        InputError: A field is missing, mistyped or inconsistent (an answerable
            question without gold, an unanswerable one with gold or must_contain).
    """
    if not isinstance(obj, dict):
        raise invalid(where, "แต่ละบรรทัดต้องเป็นออบเจกต์ JSON", "each line must be a JSON object")
    if unknown := sorted(set(obj) - _KEYS):
        raise invalid(where, f"ไม่รู้จักช่อง {', '.join(unknown)}", f"unknown field(s) {unknown}")
    answerable = obj.get("answerable")
    if not isinstance(answerable, bool):
        raise invalid(where, "ช่อง answerable ต้องเป็น true/false", "'answerable' must be a boolean")
    tags = obj.get("tags", {})
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise invalid(where, "ช่อง tags ต้องเป็นออบเจกต์ของข้อความ", "'tags' must map to strings")
    question = Question(
        id=_text(obj, "id", where),
        question=_text(obj, "question", where),
        answerable=answerable,
        gold=_gold(obj.get("gold", []), where),
        answer=_text(obj, "answer", where, required=False),
        must_contain=_strings(obj.get("must_contain", []), "must_contain", where),
        tags=dict(tags),
        history=_history(obj.get("history", []), where),
    )
    if answerable and not question.gold:
        raise invalid(where, "คำถามที่ตอบได้ต้องมี gold", "an answerable question needs gold")
    if not answerable and (question.gold or question.must_contain):
        raise invalid(
            where,
            "คำถามที่ตอบไม่ได้ต้องไม่มี gold และ must_contain",
            "an unanswerable question has no gold and no must_contain",
        )
    return question
