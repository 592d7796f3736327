"""Partner feedback (👍/👎) in SQLite, and 👎 items as draft evaluation questions.

Each row keeps the question, earlier turns, the answer, its citations (JSON), a
snapshot of the configuration (secrets removed), an optional comment and a UTC
timestamp. No personal data is stored beyond the question text: no IP address,
no user name, no session id. Rows older than ``feedback_retention_days`` are
purged when the store is opened and before each new row.

>>> import tempfile
>>> from rag.data import Answer
>>> store = FeedbackStore(Path(tempfile.mkdtemp()) / "feedback.sqlite3")
>>> fid = store.add("down", "บุหรี่ไฟฟ้า?", Answer("ไม่ทราบ", (), 0.1, False), comment="ผิด")
>>> [(r.rating, r.comment) for r in store.rows()]
[('down', 'ผิด')]
>>> draft_entries(store.rows())[0]["tags"]["comment"]
'ผิด'
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rag.config import Config
from rag.data import Answer, Citation, Turn
from rag.errors import InputError
from rag.ingest.loaders.base import display_name
from rag.web.retained import RetainedStore, now, stamp

Rating = Literal["up", "down"]
FILE_NAME = "feedback.sqlite3"
SECRET_FIELDS = frozenset(
    {"llm_api_key", "staff_password", "line_channel_secret", "line_channel_token"}
)
SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL,
  rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
  question TEXT NOT NULL,
  history TEXT NOT NULL,
  answer TEXT NOT NULL,
  refused INTEGER NOT NULL,
  citations TEXT NOT NULL,
  comment TEXT NOT NULL,
  config TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback(created_at);
"""


@dataclass(frozen=True)
class FeedbackRow:
    """One stored rating.

    Attributes:
        id: Row id.
        created_at: UTC timestamp, ISO 8601.
        rating: ``up`` or ``down``.
        question: The question rated.
        history: Earlier turns, oldest first.
        answer: The answer text with ``[n]`` markers.
        refused: Whether the answer was a refusal.
        citations: The citations of the answer.
        comment: Free text the partner added, possibly empty.
        config: Snapshot of the configuration (without secrets).
    """

    id: int
    created_at: str
    rating: Rating
    question: str
    history: tuple[Turn, ...]
    answer: str
    refused: bool
    citations: tuple[Citation, ...]
    comment: str
    config: dict[str, Any]


def config_snapshot(cfg: Config) -> dict[str, Any]:
    """The configuration as JSON-ready values, without passwords or API keys."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(cfg):
        if f.name in SECRET_FIELDS:
            continue
        value = getattr(cfg, f.name)
        out[f.name] = str(value) if isinstance(value, Path) else value
    return out


def _turn(stored: Any) -> Turn:
    """A stored turn: ``{"question", "answer"}``, or a ``[question, answer]`` pair in older rows.

    >>> _turn(["ถามก่อน", "ตอบก่อน"]) == _turn({"question": "ถามก่อน", "answer": "ตอบก่อน"})
    True
    """
    if isinstance(stored, list):
        return Turn(str(stored[0]), str(stored[1]))
    return Turn.from_json(stored)


class FeedbackStore(RetainedStore):
    """Feedback rows in ``path`` (normally ``<index_dir>/feedback.sqlite3``).

    Args:
        path: The SQLite file (created with its folder if missing).
        retention_days: Purge rows older than this on open and on each add; 0 keeps all.
    """

    schema = SCHEMA
    file_name = FILE_NAME
    aged_table = "feedback"

    def add(
        self,
        rating: Rating,
        question: str,
        answer: Answer,
        *,
        history: Sequence[Turn] = (),
        comment: str = "",
        config: dict[str, Any] | None = None,
    ) -> int:
        """Store one rating.

        Args:
            rating: ``up`` or ``down``.
            question: The question that was answered.
            answer: The answer shown.
            history: Earlier turns, oldest first.
            comment: Optional free text.
            config: Configuration snapshot (see :func:`config_snapshot`).

        Returns:
            The new row id.

        Raises:
            InputError: The rating is not ``up``/``down`` or the question is empty.
        """
        if rating not in ("up", "down"):
            raise InputError(rating, "คะแนนต้องเป็น 👍 หรือ 👎", "rating must be 'up' or 'down'")
        if not question.strip():
            raise InputError("question", "ไม่มีคำถามให้ประเมิน", "there is no question to rate")
        row = (
            stamp(now()),
            rating,
            question.strip(),
            json.dumps([t.to_json() for t in history], ensure_ascii=False),
            answer.text,
            int(answer.refused),
            json.dumps([c.to_json() for c in answer.citations], ensure_ascii=False),
            comment.strip()[:2000],
            json.dumps(config or {}, ensure_ascii=False),
        )
        if self.retention_days:
            self.purge(self.retention_days)
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO feedback(created_at, rating, question, history, answer, refused,"
                " citations, comment, config) VALUES(?,?,?,?,?,?,?,?,?)",
                row,
            )
        return int(cur.lastrowid or 0)

    def rows(self, rating: Rating | None = None) -> list[FeedbackRow]:
        """Stored rows, oldest first, optionally only one rating."""
        query = (
            "SELECT id, created_at, rating, question, history, answer, refused, citations,"
            " comment, config FROM feedback"
        )
        args: tuple[str, ...] = ()
        if rating is not None:
            query += " WHERE rating=?"
            args = (rating,)
        with self._lock:
            found = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [
            FeedbackRow(
                id=i,
                created_at=at,
                rating=r,
                question=q,
                history=tuple(_turn(t) for t in json.loads(h)),
                answer=ans,
                refused=bool(ref),
                citations=tuple(Citation.from_json(x) for x in json.loads(c)),
                comment=com,
                config=json.loads(conf),
            )
            for i, at, r, q, h, ans, ref, c, com, conf in found
        ]


def draft_entries(rows: Iterable[FeedbackRow]) -> list[dict[str, Any]]:
    """👎 rows as draft question-set entries in the ``eval/sets`` schema.

    The top-level keys are exactly those of ``eval/sets/demo.jsonl``. ``gold`` holds
    the pages the system cited (a starting point, not the truth), ``answer`` and
    ``must_contain`` are left empty for the evaluator, and ``tags`` carries the
    partner's comment and the system's answer. Until an evaluator fills them in,
    ``scripts/check_demo_set.py`` rejects the entry on purpose.
    """
    out: list[dict[str, Any]] = []
    for row in rows:
        if row.rating != "down":
            continue
        gold: list[dict[str, Any]] = []
        for c in row.citations:
            entry = {"file": display_name(Path(c.source).name), "page": c.page}
            if entry not in gold:
                gold.append(entry)
        out.append(
            {
                "id": f"feedback-{row.id:04d}",
                "question": row.question,
                "answerable": True,
                "gold": gold,
                "answer": "",
                "must_contain": [],
                "tags": {
                    "topic": "feedback",
                    "type": "follow-up" if row.history else "factoid",
                    "draft": True,
                    "comment": row.comment,
                    "system_answer": row.answer,
                    "refused": row.refused,
                    "created_at": row.created_at,
                },
                "history": [t.to_json() for t in row.history],
            }
        )
    return out


def export_drafts(store: FeedbackStore, path: Path) -> int:
    """Write the 👎 rows of ``store`` as draft JSONL to ``path``; returns the count."""
    entries = draft_entries(store.rows("down"))
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
    path.write_text(text, encoding="utf-8")
    return len(entries)
