"""The staff database ``<index_dir>/staff.sqlite``: accounts, API keys and the audit log.

Each of them is a :class:`StaffTable`, opened through :func:`connect`.

Every operation opens its own short connection, so several processes (the app and the
``rag staff`` command) and threads can share the file; WAL lets readers go on while
one writes. The file holds password hashes, so it is created readable by its owner only.

>>> import tempfile
>>> with connect(Path(tempfile.mkdtemp()) / STAFF_DB) as db:
...     db.execute("PRAGMA journal_mode").fetchone()[0]
'wal'
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar, Self

from rag.config import Config

STAFF_DB = "staff.sqlite"
BUSY_MS = 30_000  # how long a writer waits for another process's transaction


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """An autocommit connection to the staff database, closed on exit.

    Args:
        path: The SQLite file, created (mode 0600, with its folder) when missing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600))
    db = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    try:
        db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        db.execute("PRAGMA journal_mode=WAL")
        yield db
    finally:
        db.close()


class StaffTable:
    """One table of the staff database, its schema created when it is opened.

    Subclasses set :attr:`schema` (``CREATE … IF NOT EXISTS`` statements).

    Args:
        path: The staff database (normally ``<index_dir>/staff.sqlite``).
    """

    schema: ClassVar[str] = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        with connect(path) as db:
            db.executescript(self.schema)

    @classmethod
    def for_config(cls, cfg: Config) -> Self:
        """The table in an index folder's staff database."""
        return cls(cfg.index_dir / STAFF_DB)
