"""Reading the saved BM25 index while another process may be replacing it.

:meth:`~rag.index.bm25.ThaiBM25.save` swaps the whole folder in two renames, so a
read that straddles them can meet files of two versions; a few tries a moment
apart get one whole version.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from rag.errors import StoreError
from rag.index.bm25 import ThaiBM25

log = logging.getLogger(__name__)
TRIES = 3


def read_saved(directory: Path, tokens: bool, tries: int = TRIES) -> ThaiBM25:
    """The BM25 index saved in ``directory``, empty when none is saved.

    Args:
        directory: The folder :meth:`ThaiBM25.save` writes.
        tokens: Read the tokens now (see :meth:`ThaiBM25.load`).
        tries: Reads before giving up.

    Raises:
        StoreError: It stayed unreadable over ``tries`` reads.

    >>> import tempfile
    >>> len(read_saved(Path(tempfile.mkdtemp()) / "bm25", tokens=True))
    0
    """
    if not directory.exists() and not directory.with_name(directory.name + ".old").exists():
        return ThaiBM25()
    for attempt in range(1, tries):
        try:
            return ThaiBM25.load(directory, tokens)
        except StoreError:
            time.sleep(0.05 * attempt)
    return ThaiBM25.load(directory, tokens)


def saved_or_empty(directory: Path, tokens: bool) -> ThaiBM25:
    """:func:`read_saved`, or an empty index when it is unreadable (``sync`` rebuilds it)."""
    try:
        return read_saved(directory, tokens)
    except StoreError as exc:
        log.warning("BM25 index unreadable or outdated, rebuilding: %s", exc)
        return ThaiBM25()
