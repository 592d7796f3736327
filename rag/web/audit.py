"""The staff audit log: who did what, when (UTC), in ``<index_dir>/staff.sqlite``.

Every staff action is recorded: logins (success and failure, with the client
address), document uploads, deletions, replacements and re-indexing, evaluation
runs, feedback exports, account changes, and refused actions. The web app records
the logged-in user name; the ``rag staff`` command records ``cli:<os user>``. Each
entry is also logged (``INFO``). Only admins see the log (staff area, ``rag staff audit``).

>>> import tempfile
>>> from pathlib import Path
>>> log = AuditLog(Path(tempfile.mkdtemp()) / "staff.sqlite")
>>> log.record("somchai", "delete", "doc-1")
>>> log.record("somchai", "upload", "รายงาน.pdf", "2 chunks")
>>> [(e.user, e.action, e.target) for e in log.recent(5)]
[('somchai', 'upload', 'รายงาน.pdf'), ('somchai', 'delete', 'doc-1')]
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from rag.web.staff_db import StaffTable, connect

log = logging.getLogger(__name__)
MAX_FIELD = 500  # characters kept of each field (a login name can be anything)
SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  user TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT ''
);
"""


@dataclass(frozen=True)
class AuditEntry:
    """One recorded action.

    Attributes:
        at: When, UTC, ISO 8601 to the second.
        user: Who: a staff user name, or ``cli:<os user>``.
        action: What, e.g. ``login``, ``login_failed``, ``upload``, ``account_add``.
        target: On what: a document id, a file name, a user name.
        detail: Anything else (a client address, a job id, a role).
    """

    at: str
    user: str
    action: str
    target: str
    detail: str


def _clip(text: str) -> str:
    r"""One line of at most :data:`MAX_FIELD` characters.

    >>> _clip("a\nb" + "x" * 600)[:5], len(_clip("x" * 600))
    ('a bxx', 500)
    """
    return " ".join(str(text).splitlines())[:MAX_FIELD]


class AuditLog(StaffTable):
    """The audit table of the staff database.

    Args:
        path: The staff database (normally ``<index_dir>/staff.sqlite``).
    """

    schema = SCHEMA

    def record(self, user: str, action: str, target: str = "", detail: str = "") -> None:
        """Add an entry stamped with the current UTC time (and log it)."""
        row = [_clip(x) for x in (user, action, target, detail)]
        at = datetime.now(UTC).isoformat(timespec="seconds")
        with connect(self.path) as db:
            db.execute(
                "INSERT INTO audit(at, user, action, target, detail) VALUES(?,?,?,?,?)", [at, *row]
            )
        log.info("audit: user=%r action=%s target=%r detail=%r", *row)

    def recent(self, limit: int = 100) -> list[AuditEntry]:
        """The newest ``limit`` entries, newest first."""
        with connect(self.path) as db:
            rows = db.execute(
                "SELECT at, user, action, target, detail FROM audit ORDER BY id DESC LIMIT ?",
                (max(0, limit),),
            ).fetchall()
        return [AuditEntry(*row) for row in rows]
