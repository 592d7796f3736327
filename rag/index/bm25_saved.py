"""Reading the saved BM25 index (:mod:`rag.index.bm25_store`), whichever format it has.

A reader reads the SQLite file in one transaction, so it always sees one whole
version; an index of the earlier JSON format (replaced as a folder in two renames)
may be met half-replaced, so a few tries a moment apart get one whole version.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from rag.errors import StoreError
from rag.index.bm25 import ThaiBM25
from rag.index.bm25_store import load_index, saved_version
from rag.index.bm25_store import migrate as write_old_as_new

log = logging.getLogger(__name__)
TRIES = 3


def read_saved(directory: Path, tokens: bool = False, tries: int = TRIES) -> ThaiBM25:
    """The BM25 index saved in ``directory``, empty when none is saved.

    Args:
        directory: The BM25 folder.
        tokens: Ignored (kept for callers of the earlier format).
        tries: Reads before giving up.

    Raises:
        StoreError: It stayed unreadable over ``tries`` reads.

    >>> import tempfile
    >>> len(read_saved(Path(tempfile.mkdtemp()) / "bm25"))
    0
    """
    if saved_version(directory) == 0:
        return ThaiBM25()
    for attempt in range(1, tries):
        try:
            return load_index(directory, ThaiBM25)
        except StoreError:
            time.sleep(0.05 * attempt)
    return load_index(directory, ThaiBM25)


def saved_or_empty(directory: Path, migrate: bool = False) -> ThaiBM25:
    """:func:`read_saved`, or an empty index when it is unreadable (``sync`` rebuilds it).

    Args:
        directory: The BM25 folder.
        migrate: Write an index of the earlier format into the SQLite file (hold
            the write lock).
    """
    try:
        bm = read_saved(directory)
    except StoreError as exc:
        log.warning("BM25 index unreadable or outdated, rebuilding: %s", exc)
        return ThaiBM25()
    if bm.version == -1 and migrate and write_old_as_new(directory):
        bm.version = saved_version(directory)
    return bm
