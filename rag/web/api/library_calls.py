r"""The REST API's library calls: search, documents (as jobs), jobs and feedback as JSON.

An upload is stored like a staff page upload (``uploads/<sha256>/``) and indexed by
the job worker; a delete is a job too. Job users are ``api:<key name>``.

>>> upload_name("รายงาน 2567.PDF")
'รายงาน 2567.PDF'
>>> upload_name("C:\\Users\\a\\../../แผน.docx")
'แผน.docx'
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from rag.answer.question import checked_question
from rag.data import Answer
from rag.errors import NotFoundError, TooLargeError, UnsupportedFileError
from rag.ingest.loaders import SUFFIXES
from rag.search.highlight import snippet
from rag.search.retriever import retriever_for
from rag.search.settings import RetrievalSettings
from rag.web.api.answers import link, sources
from rag.web.feedback import FeedbackStore
from rag.web.job_worker import JobWorker
from rag.web.jobs import Job, JobStore
from rag.web.library import Library

MIB = 1024 * 1024


def search(library: Library, query: str, k: int, base_url: str) -> list[dict[str, Any]]:
    """The ``k`` best passages for ``query``, each with a snippet and a link.

    Raises:
        InputError: The query is empty; ``TooLargeError`` when it is too long.
    """
    index = library.index
    query = checked_question(query, index.cfg.max_question_chars, index.embeddings)
    settings = RetrievalSettings.from_config(index.cfg)
    retriever = retriever_for(index, settings.deeper(k) if k > settings.k else settings)
    with library.lock.read():
        hits = retriever.search(query, k)
    out = []
    for hit in hits[:k]:
        start, end = snippet(hit.chunk.text, query)
        where = link(hit.chunk.doc_id, hit.chunk.page, base_url)
        out.append(hit.to_json() | {"text": hit.chunk.text[start:end], "link": where})
    return out


def upload_name(name: str) -> str:
    """The file name of an upload (any folder part dropped), when we read its type.

    Raises:
        UnsupportedFileError: The suffix is not one of the supported file types.
    """
    base = PureWindowsPath(PurePosixPath(name or "").name).name.strip()
    if not base or not any(base.lower().endswith(s) for s in SUFFIXES):
        raise UnsupportedFileError(
            base or "file",
            f"ไม่รองรับไฟล์ชนิดนี้ (รองรับ {', '.join(sorted(SUFFIXES))})",
            f"unsupported file type; one of {', '.join(sorted(SUFFIXES))}",
        )
    return base


def too_large(name: str, max_mb: int) -> TooLargeError:
    """The refusal of a file over ``max_file_mb``."""
    return TooLargeError(
        name, f"ไฟล์ใหญ่เกิน {max_mb} MB", f"the file is over max_file_mb={max_mb} MB"
    )


def submit_upload(
    library: Library, worker: JobWorker, name: str, parts: Iterable[bytes], user: str
) -> int:
    """Store an uploaded file and queue its indexing; returns the job id.

    Args:
        library: The staff library (its upload folder).
        worker: The job worker.
        name: The file's name as sent.
        parts: The file's bytes, in pieces.
        user: Who submits it (``api:<key name>``).

    Raises:
        UnsupportedFileError: The file type is not supported.
        TooLargeError: The file is over ``max_file_mb``.
    """
    name = upload_name(name)
    max_mb = library.index.cfg.max_file_mb
    library.uploads_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=library.uploads_dir, prefix=".api-") as folder:
        path = Path(folder) / "upload"
        size = 0
        with path.open("wb") as out:
            for part in parts:
                size += len(part)
                if size > max_mb * MIB:
                    raise too_large(name, max_mb)
                out.write(part)
        stored = library.store_upload(path, name)
    return worker.submit("upload", {"path": str(stored), "name": name}, user)


def submit_delete(library: Library, worker: JobWorker, doc_id: str, user: str) -> int:
    """Queue the deletion of a document; returns the job id.

    Raises:
        NotFoundError: No document has this id.
    """
    titles = [d.title for d in library.documents() if d.doc_id == doc_id]
    if not titles:
        raise NotFoundError(doc_id, "ไม่พบเอกสารนี้", "no document with this id")
    return worker.submit("delete", {"doc_id": doc_id, "name": titles[0]}, user)


def job_json(jobs: JobStore, job_id: int) -> dict[str, Any]:
    """A job as JSON (without its arguments, which name server paths).

    Raises:
        NotFoundError: No job has this id.
    """
    job: Job | None = jobs.get(job_id)
    if job is None:
        raise NotFoundError(str(job_id), "ไม่พบงานนี้", "no job with this id")
    data = job.to_json()
    return {k: v for k, v in data.items() if k not in ("args", "user", "attempts", "owner")}


def feedback_json(store: FeedbackStore, base_url: str) -> list[dict[str, Any]]:
    """Every stored rating, oldest first, with its answer's sources."""
    out = []
    for row in store.rows():
        cited = Answer(row.answer, row.citations, 0.0, row.refused)
        out.append(
            {
                "id": row.id,
                "created_at": row.created_at,
                "rating": row.rating,
                "question": row.question,
                "history": [t.to_json() for t in row.history],
                "answer": row.answer,
                "refused": row.refused,
                "comment": row.comment,
                "sources": sources(cited, base_url),
            }
        )
    return out
