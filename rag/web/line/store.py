"""What the LINE bot remembers: each chat's recent turns, and the events already seen.

``<index_dir>/line.sqlite3`` (WAL) holds the exchanges of each LINE chat (a user, or
a group or room): the question, the turns it followed and the answer, so a
follow-up gets that chat's history (:meth:`LineStore.history`) and a 👍/👎 postback
rates the exchange it names (:meth:`LineStore.exchange`), never another chat's.
Exchanges older than ``feedback_retention_days`` are purged (0 keeps them). LINE may
deliver an event again; :meth:`LineStore.first_sight` keeps the newest
``MAX_SEEN`` event ids so each is answered once.

>>> import tempfile
>>> from pathlib import Path
>>> from rag.data import Answer
>>> store = LineStore(Path(tempfile.mkdtemp()) / "line.sqlite3")
>>> store.first_sight("01H-event"), store.first_sight("01H-event")
(True, False)
>>> aid = store.remember("U1", "นอนกี่ชั่วโมง", Answer("7 ถึง 8 ชั่วโมง [1]", (), 0.9, False))
>>> store.history("U1"), store.history("U2")
((Turn(question='นอนกี่ชั่วโมง', answer='7 ถึง 8 ชั่วโมง [1]'),), ())
>>> store.exchange("U1", aid).question, store.exchange("U2", aid)
('นอนกี่ชั่วโมง', None)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta

from rag.data import Answer, Turn
from rag.web.retained import RetainedStore, now, stamp
from rag.web.webchat import Exchange

FILE_NAME = "line.sqlite3"
MAX_SEEN = 10_000
HISTORY_TURNS = 4
HISTORY_HOURS = 24
SCHEMA = """
CREATE TABLE IF NOT EXISTS exchanges(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  chat TEXT NOT NULL,
  created_at TEXT NOT NULL,
  question TEXT NOT NULL,
  history TEXT NOT NULL,
  answer TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS exchanges_chat ON exchanges(chat, id);
CREATE INDEX IF NOT EXISTS exchanges_created ON exchanges(created_at);
CREATE TABLE IF NOT EXISTS seen(
  event_id TEXT PRIMARY KEY,
  seen_at TEXT NOT NULL);
"""


class LineStore(RetainedStore):
    """The LINE bot's SQLite file (normally ``<index_dir>/line.sqlite3``).

    Args:
        path: The SQLite file (created with its folder if missing).
        retention_days: Purge exchanges older than this on open and on each new one;
            0 keeps them.
    """

    schema = SCHEMA
    file_name = FILE_NAME
    aged_table = "exchanges"

    def first_sight(self, event_id: str) -> bool:
        """Record a webhook event id; ``False`` when it was seen before (a redelivery)."""
        with self._lock:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO seen(event_id, seen_at) VALUES(?, ?)",
                (event_id, stamp(now())),
            )
            if cur.rowcount:  # keep the newest MAX_SEEN ids
                self._db.execute(
                    "DELETE FROM seen WHERE rowid <= (SELECT max(rowid) FROM seen) - ?",
                    (MAX_SEEN,),
                )
        return bool(cur.rowcount)

    def remember(
        self, chat: str, question: str, answer: Answer, history: Sequence[Turn] = ()
    ) -> int:
        """Store an exchange of ``chat``; returns its id (what 👍/👎 postbacks name)."""
        if self.retention_days:
            self.purge(self.retention_days)
        row = (
            chat,
            stamp(now()),
            question,
            json.dumps([t.to_json() for t in history], ensure_ascii=False),
            json.dumps(answer.to_json(), ensure_ascii=False),
        )
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO exchanges(chat, created_at, question, history, answer)"
                " VALUES(?,?,?,?,?)",
                row,
            )
        return int(cur.lastrowid or 0)

    def history(self, chat: str, turns: int = HISTORY_TURNS) -> tuple[Turn, ...]:
        """The last ``turns`` exchanges of ``chat`` in the past day, oldest first."""
        since = stamp(now() - timedelta(hours=HISTORY_HOURS))
        with self._lock:
            rows = self._db.execute(
                "SELECT question, answer FROM exchanges WHERE chat = ? AND created_at >= ?"
                " ORDER BY id DESC LIMIT ?",
                (chat, since, turns),
            ).fetchall()
        return tuple(Turn(q, json.loads(a)["text"]) for q, a in reversed(rows))

    def forget(self, chat: str) -> int:
        """Drop the history of ``chat`` (a new conversation); returns the rows deleted."""
        with self._lock:
            return self._db.execute("DELETE FROM exchanges WHERE chat = ?", (chat,)).rowcount

    def exchange(self, chat: str, answer_id: int) -> Exchange | None:
        """Exchange ``answer_id`` of ``chat``, or ``None`` (unknown, purged, other chat)."""
        with self._lock:
            row = self._db.execute(
                "SELECT question, history, answer FROM exchanges WHERE id = ? AND chat = ?",
                (answer_id, chat),
            ).fetchone()
        if row is None:
            return None
        history = tuple(Turn.from_json(t) for t in json.loads(row[1]))
        return Exchange(row[0], Answer.from_json(json.loads(row[2])), history)
