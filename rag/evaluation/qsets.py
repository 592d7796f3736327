"""Question sets for ``rag eval``: the known sets, reading them and the XQuAD-th adapter.

A set is a JSONL file of questions (schema in ``eval/sets/README.md``) plus the
documents the evaluation indexes to answer them (one question: :mod:`rag.evaluation.question`).
Six sets are known:

- ``demo``: ``<sets_dir>/demo.jsonl`` over the bundled corpus folder (gold = file + page);
- ``english``: ``<sets_dir>/english.jsonl``, questions asked in English (Thai reference
  answers) over the same corpus folder;
- ``thaihealth-news``: ``<sets_dir>/thaihealth-news.jsonl`` over the 218 thaigov
  articles in ``<shared_dir>/corpus/thaigov/thaihealth-mentions.jsonl`` (gold = article id);
- ``thaihealth-news-ci``: the ``thaihealth-news`` questions over a bounded part of its
  articles (the gold ones and those listed in ``<sets_dir>/thaihealth-news-ci.corpus.txt``,
  about a quarter of its chunks): the gate that ``make test`` can afford on a fresh machine;
- ``news-hard``: ``<sets_dir>/news-hard.jsonl`` over part of
  ``<shared_dir>/corpus/thaigov/health-news.jsonl.gz``: its gold articles and the
  look-alikes listed in ``<sets_dir>/news-hard.corpus.txt`` (:attr:`QuestionSet.articles`);
- ``xquad-th``: read from ``<shared_dir>/datasets/xquad-th/`` (gold = paragraph id,
  ``must_contain`` = the gold answer text, every question answerable).

The folders are always passed in by the caller (``rag eval`` or the web app), never
derived from where this package is installed; ``shared_dir`` is usually ``../shared``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.errors import InputError
from rag.evaluation.answer_metrics import contains
from rag.evaluation.metrics import Source
from rag.evaluation.question import Question, invalid, parse_question
from rag.evaluation.subset import read_id_list

NEWS_FILE = Path("corpus/thaigov/thaihealth-mentions.jsonl")
HEALTH_NEWS_FILE = Path("corpus/thaigov/health-news.jsonl.gz")
XQUAD_DIR = Path("datasets/xquad-th")
SET_NAMES = ("demo", "english", "thaihealth-news", "thaihealth-news-ci", "news-hard", "xquad-th")
# Sets that index only part of their collection: (question file, the file listing the
# articles they index besides their gold articles (one id per line), the collection).
ARTICLE_LISTS = {
    "thaihealth-news-ci": ("thaihealth-news.jsonl", "thaihealth-news-ci.corpus.txt", NEWS_FILE),
    "news-hard": ("news-hard.jsonl", "news-hard.corpus.txt", HEALTH_NEWS_FILE),
}
# Sets whose documents are the bundled demo corpus folder.
CORPUS_SETS = ("demo", "english")


@dataclass(frozen=True)
class QuestionSet:
    """A named set of questions and the documents to index for it.

    Attributes:
        name: Set name (``demo``…).
        questions: The questions, in file order.
        sources: Files and folders the evaluation ingests.
        origin: Where the questions were read from.
        articles: Ids of the articles of ``sources[0]`` to index; empty: all of them.
    """

    name: str
    questions: tuple[Question, ...]
    sources: tuple[Path, ...]
    origin: str
    articles: frozenset[str] = frozenset()


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
            raise invalid(where, "JSON ไม่ถูกต้อง", f"invalid JSON ({exc.msg})") from exc
        question = parse_question(obj, where)
        if question.id in seen:
            raise invalid(where, f"id ซ้ำ {question.id}", f"duplicate id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise invalid(path.name, "ไม่มีคำถามในไฟล์", "the file holds no question")
    return questions


def missing_data(name: str, shared_dir: Path) -> str:
    """Why a set cannot run here (its data is absent), or ``""`` when it can.

    >>> missing_data("demo", Path("/ไม่มีโฟลเดอร์นี้"))
    ''
    """
    need = {
        "thaihealth-news": shared_dir / NEWS_FILE,
        "thaihealth-news-ci": shared_dir / NEWS_FILE,
        "news-hard": shared_dir / HEALTH_NEWS_FILE,
        "xquad-th": shared_dir / XQUAD_DIR,
    }.get(name)
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
        InputError: Unknown set, invalid questions, a missing article list, or the
            set's data is absent (check :func:`missing_data` first to skip instead).
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
        xquad = tuple(load_xquad(folder))
        return QuestionSet(name, xquad, (folder / "corpus.jsonl",), str(folder))
    if name in ARTICLE_LISTS:
        question_file, listing, collection = ARTICLE_LISTS[name]
        path = sets_dir / question_file
        questions = tuple(read_questions(path))
        listed = read_id_list(sets_dir / listing)
        articles = frozenset(listed).union(doc for q in questions for doc, _ in q.gold)
        return QuestionSet(name, questions, (shared_dir / collection,), str(path), articles)
    path = sets_dir / f"{name}.jsonl"
    questions = tuple(read_questions(path))
    sources = (corpus_dir,) if name in CORPUS_SETS else (shared_dir / NEWS_FILE,)
    return QuestionSet(name, questions, sources, str(path))


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
