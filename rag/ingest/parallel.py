"""CPU work of an ingest on several processes: chunking documents, tokenising chunks.

Sentence splitting (pythainlp's CRF) and word segmentation (newmm) are pure Python,
so threads would share one core; a file of many documents (a JSONL archive) is
chunked, and many chunks are tokenised for BM25, by ``workers`` processes
(``spawn``: the parent holds threads of Chroma and the embedder). A small job runs
in this process, where starting workers would cost more than it saves.

>>> cpu_workers(3), cpu_workers(0, cpus=2)
(3, 2)
>>> from rag.data import Page
>>> [len(c) for c in chunk_documents([[Page("d", 1, "ก ข")]], len, (200, 0), workers=2)]
[1]
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from rag.data import Chunk, Page
from rag.ingest.chunking import TokenCounter, chunk_pages

PARALLEL_MIN_DOCS = 64  # documents in a file before chunking it on worker processes
PARALLEL_MIN_CHUNKS = 2048  # chunks to tokenise before using worker processes
WINDOW = 8  # tasks in flight per worker


def cpu_workers(requested: int, cpus: int | None = None) -> int:
    """Processes or threads for CPU work: ``requested``, or the CPU count when it is 0."""
    return requested or cpus or os.cpu_count() or 1


def _chunk(task: tuple[Sequence[Page], TokenCounter, tuple[int, int]]) -> list[Chunk]:
    pages, count, (budget, overlap) = task
    return chunk_pages(pages, count, budget, overlap)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def chunk_documents(
    pages: Sequence[Sequence[Page]],
    count: TokenCounter,
    sizes: tuple[int, int],
    workers: int,
) -> list[list[Chunk]]:
    """The chunks of each document's pages (:func:`~rag.ingest.chunking.chunk_pages`).

    Args:
        pages: The pages of each document.
        count: The token counter; it must pickle when ``workers > 1`` (e.g.
            :class:`rag.index.embedders.TokenCounting`).
        sizes: ``(chunk_tokens, chunk_overlap)``.
        workers: Processes to use (1: this one).
    """
    tasks = [(p, count, sizes) for p in pages]
    if workers <= 1 or len(tasks) < PARALLEL_MIN_DOCS:
        return [_chunk(t) for t in tasks]
    with _pool(workers) as pool:
        return list(pool.map(_chunk, tasks, chunksize=8))


def in_windows(
    work: Callable[[Any], Any], tasks: Sequence[Any], workers: int, parallel: bool
) -> Iterator[Any]:
    """``work(task)`` of each task, in order, on ``workers`` processes when ``parallel``.

    Only ``workers * WINDOW`` tasks are in flight at once, so their results are
    consumed (e.g. stored) as they come instead of piling up in memory.
    """
    if workers <= 1 or not parallel:
        yield from map(work, tasks)
        return
    with _pool(workers) as pool:
        step = workers * WINDOW
        for start in range(0, len(tasks), step):
            yield from pool.map(work, tasks[start : start + step])
