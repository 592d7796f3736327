"""Question sets for ``rag eval``: loading, validation and the XQuAD-th adapter.

A set is a JSONL file of questions (schema in ``eval/sets/README.md``) plus the
documents the evaluation indexes to answer them. Four sets are known:

- ``demo``: ``<sets_dir>/demo.jsonl`` over the bundled corpus folder (gold = file + page);
- ``english``: ``<sets_dir>/english.jsonl``, questions asked in English (Thai reference
  answers) over the same corpus folder;
- ``thaihealth-news``: ``<sets_dir>/thaihealth-news.jsonl`` over the 218 thaigov
  articles in ``<shared_dir>/corpus/thaigov/thaihealth-mentions.jsonl`` (gold = article id);
- ``xquad-th``: read from ``<shared_dir>/datasets/xquad-th/`` (gold = paragraph id,
  ``must_contain`` = the gold answer text, every question answerable).

The folders are always passed in by the caller (``rag eval`` or the web app), never
derived from where this package is installed; ``shared_dir`` is usually ``../shared``.

>>> q = parse_question({"id": "q1", "question": "สสส. ก่อตั้งปีใด", "answerable": False})
>>> q.id, q.answerable, q.gold, q.tags
('q1', False, (), {})
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.data import Turn
from rag.errors import InputError
from rag.evaluation.answer_metrics import contains
from rag.evaluation.metrics import Source

NEWS_FILE = Path("corpus/thaigov/thaihealth-mentions.jsonl")
XQUAD_DIR = Path("datasets/xquad-th")
SET_NAMES = ("demo", "english", "thaihealth-news", "xquad-th")
# Sets whose documents are the bundled demo corpus folder.
CORPUS_SETS = ("demo", "english")
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


@dataclass(frozen=True)
class QuestionSet:
    """A named set of questions and the documents to index for it.

    Attributes:
        name: Set name (``demo``…).
        questions: The questions, in file order.
        sources: Files and folders the evaluation ingests.
        origin: Where the questions were read from.
    """

    name: str
    questions: tuple[Question, ...]
    sources: tuple[Path, ...]
    origin: str


def _bad(where: str, thai: str, english: str) -> InputError:
    return InputError(where, f"ชุดคำถามไม่ถูกต้อง: {thai}", f"invalid question: {english}")


def _text(obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    value = obj.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _bad(where, f"ช่อง {key} ต้องเป็นข้อความ", f"{key!r} must be a non-empty string")
    return value


def _gold(raw: Any, where: str) -> tuple[Source, ...]:
    if not isinstance(raw, list):
        raise _bad(where, "ช่อง gold ต้องเป็นรายการ", "'gold' must be a list")
    sources: list[Source] = []
    for item in raw:
        names = [k for k in ("file", "doc_id") if isinstance(item, dict) and k in item]
        if len(names) != 1 or not isinstance(item[names[0]], str) or not item[names[0]]:
            raise _bad(
                where,
                "gold แต่ละรายการต้องมี file หรือ doc_id อย่างใดอย่างหนึ่ง",
                'each gold entry needs exactly one of "file" or "doc_id"',
            )
        page = item.get("page")
        if page is not None and (not isinstance(page, int) or isinstance(page, bool) or page < 1):
            raise _bad(where, "เลขหน้าใน gold ต้องเป็นจำนวนเต็มบวก", f"bad gold page {page!r}")
        sources.append((item[names[0]], page))
    return tuple(sources)


def _strings(raw: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise _bad(where, f"ช่อง {key} ต้องเป็นรายการข้อความ", f"{key!r} must be a list of strings")
    return tuple(raw)


def _history(raw: Any, where: str) -> tuple[Turn, ...]:
    if not isinstance(raw, list):
        raise _bad(where, "ช่อง history ต้องเป็นรายการ", "'history' must be a list")
    turns = []
    for item in raw:
        if not isinstance(item, dict):
            raise _bad(where, "history ต้องมี question และ answer", "history turns are objects")
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
        raise _bad(where, "แต่ละบรรทัดต้องเป็นออบเจกต์ JSON", "each line must be a JSON object")
    if unknown := sorted(set(obj) - _KEYS):
        raise _bad(where, f"ไม่รู้จักช่อง {', '.join(unknown)}", f"unknown field(s) {unknown}")
    answerable = obj.get("answerable")
    if not isinstance(answerable, bool):
        raise _bad(where, "ช่อง answerable ต้องเป็น true/false", "'answerable' must be a boolean")
    tags = obj.get("tags", {})
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise _bad(where, "ช่อง tags ต้องเป็นออบเจกต์ของข้อความ", "'tags' must map to strings")
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
        raise _bad(where, "คำถามที่ตอบได้ต้องมี gold", "an answerable question needs gold")
    if not answerable and (question.gold or question.must_contain):
        raise _bad(
            where,
            "คำถามที่ตอบไม่ได้ต้องไม่มี gold และ must_contain",
            "an unanswerable question has no gold and no must_contain",
        )
    return question


def read_questions(path: Path) -> list[Question]:
    """Read and validate a question file (one JSON object per line).

    Raises:
        InputError: Naming the file and line of the first bad line or duplicate id.
    """
    questions: list[Question] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _bad(where, "JSON ไม่ถูกต้อง", f"invalid JSON ({exc.msg})") from exc
        question = parse_question(obj, where)
        if question.id in seen:
            raise _bad(where, f"id ซ้ำ {question.id}", f"duplicate id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise _bad(path.name, "ไม่มีคำถามในไฟล์", "the file holds no question")
    return questions


def missing_data(name: str, shared_dir: Path) -> str:
    """Why a set cannot run here (its data is absent), or ``""`` when it can.

    >>> missing_data("demo", Path("/ไม่มีโฟลเดอร์นี้"))
    ''
    """
    need = {"thaihealth-news": shared_dir / NEWS_FILE, "xquad-th": shared_dir / XQUAD_DIR}.get(name)
    if need is not None and not need.exists():
        return (
            f"{need} not found: the {name} set needs ../shared (RAG_SHARED_DIR) / "
            f"ไม่พบ {need} ชุดคำถาม {name} ต้องใช้โฟลเดอร์ ../shared"
        )
    return ""


def load_xquad(folder: Path) -> list[Question]:
    """XQuAD-th questions in the common schema.

    Gold is the paragraph id (``gold_pid``), ``must_contain`` the distinct gold answer
    texts and the reference answer the first of them; every question is answerable.
    """
    questions = []
    for number, line in enumerate(
        (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines(), start=1
    ):
        if not line.strip():
            continue
        row = json.loads(line)
        texts = list(dict.fromkeys(a["text"].strip() for a in row["answers"] if a["text"].strip()))
        obj = {
            "id": str(row["qid"]),
            "question": row["question"].strip(),
            "answerable": True,
            "gold": [{"doc_id": str(row["gold_pid"])}],
            "answer": texts[0] if texts else "",
            "must_contain": texts,
            "tags": {"type": "squad"},
        }
        questions.append(parse_question(obj, f"queries.jsonl:{number}"))
    return questions


def load_set(name: str, *, sets_dir: Path, corpus_dir: Path, shared_dir: Path) -> QuestionSet:
    """The named set with the documents to index for it.

    Args:
        name: One of :data:`SET_NAMES`.
        sets_dir: Folder of the question files (``eval/sets``).
        corpus_dir: The demo documents (``corpus/``), indexed for ``demo`` and ``english``.
        shared_dir: The shared data folder (``../shared``) of the other sets.

    Raises:
        InputError: Unknown set, invalid questions, or the set's data is absent
            (check :func:`missing_data` first to skip instead).
    """
    if name not in SET_NAMES:
        raise InputError(
            name,
            f"ไม่รู้จักชุดคำถาม (มี {', '.join(SET_NAMES)})",
            f"unknown question set; known: {', '.join(SET_NAMES)}",
        )
    if reason := missing_data(name, shared_dir):
        raise InputError(name, "ไม่พบข้อมูลของชุดคำถาม", reason)
    if name == "xquad-th":
        folder = shared_dir / XQUAD_DIR
        questions = load_xquad(folder)
        return QuestionSet(name, tuple(questions), (folder / "corpus.jsonl",), str(folder))
    path = sets_dir / f"{name}.jsonl"
    sources = (corpus_dir,) if name in CORPUS_SETS else (shared_dir / NEWS_FILE,)
    return QuestionSet(name, tuple(read_questions(path)), sources, str(path))


def check_must_contain(
    questions: Sequence[Question], texts: Mapping[Source, str]
) -> list[tuple[str, str]]:
    """Required strings that none of a question's gold texts contain.

    Args:
        questions: Questions to check.
        texts: Text of each gold source (matching as in
            :func:`rag.evaluation.answer_metrics.contains`: whitespace, digit script
            and case ignored).

    Returns:
        ``(question id, string)`` pairs; empty when every string is found.
    """
    problems = []
    for q in questions:
        for needle in q.must_contain:
            if not any(contains(texts.get(source, ""), needle) for source in q.gold):
                problems.append((q.id, needle))
    return problems
