"""Re-chunking the stored pages when the chunking settings or code changed.

Pages are kept in the manifest, so no file is read again; the index then syncs the
new chunks (the embedding cache covers unchanged text).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from rag.ingest.chunking import TokenCounter, chunk_pages, chunking_key
from rag.ingest.manifest import Manifest

log = logging.getLogger(__name__)


def rechunk_if_stale(
    manifest: Manifest, counter: Callable[[], TokenCounter], budget: int, overlap: int
) -> int:
    """Re-chunk every stored document unless they were cut with these settings.

    Args:
        manifest: The manifest (changed in one transaction; hold the write lock).
        counter: Gives the embedder's token counter (called only when needed).
        budget: ``chunk_tokens``.
        overlap: ``chunk_overlap``.

    Returns:
        How many documents were re-chunked.
    """
    want = chunking_key(budget, overlap)
    if manifest.get_meta("chunking") == want:
        return 0
    with manifest.transaction():
        rows = manifest.documents()
        if rows:
            count = counter()
            for row in rows:
                pages = manifest.pages(row.meta.doc_id)
                manifest.replace_chunks(row.meta.doc_id, chunk_pages(pages, count, budget, overlap))
            log.info("re-chunking %d documents for chunking %s", len(rows), want)
        manifest.set_meta("chunking", want)
    return len(rows)
