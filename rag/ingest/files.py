"""Incremental, recursive ingestion of files into the manifest.

Unchanged files (same path, same bytes) are skipped by content hash; changed files
are replaced in one transaction; a file whose bytes are already stored under
another name is linked, not stored twice; a renamed file keeps its documents.
A file that fails leaves everything already ingested untouched.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rag.config import Config
from rag.errors import InputError, RagError
from rag.ingest.chunking import TokenCounter
from rag.ingest.loaders import file_type, load
from rag.ingest.loaders.base import display_name
from rag.ingest.manifest import Manifest
from rag.ingest.parallel import chunk_documents, cpu_workers

log = logging.getLogger(__name__)

Status = Literal[
    "new", "changed", "unchanged", "duplicate", "renamed", "removed", "failed", "skipped"
]
SYMBOLS: dict[Status, str] = {
    "new": "✅",
    "changed": "✅",
    "unchanged": "✅",
    "renamed": "✅",
    "removed": "✅",
    "duplicate": "⚠️",
    "skipped": "⚠️",
    "failed": "❌",
}


@dataclass(frozen=True)
class FileResult:
    """What happened to one file."""

    path: str
    status: Status
    docs: int = 0
    chunks: int = 0
    message: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def symbol(self) -> str:
        """✅, ⚠️ or ❌."""
        return "⚠️" if self.warnings and self.status != "failed" else SYMBOLS[self.status]


@dataclass(frozen=True)
class IngestReport:
    """Results of one ingest run."""

    files: tuple[FileResult, ...]

    @property
    def counts(self) -> Counter[str]:
        """Files per status."""
        return Counter(f.status for f in self.files)

    @property
    def failed(self) -> bool:
        """Whether any file failed."""
        return any(f.status == "failed" for f in self.files)


def discover(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """Files under the given paths, recursively, with their collection name.

    Hidden files and folders are ignored. A file given directly has no collection;
    files found under a folder get that folder's name.
    """
    found: list[tuple[Path, str]] = []
    for root in paths:
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                found += [
                    (Path(dirpath) / f, root.resolve().name)
                    for f in sorted(filenames)
                    if not f.startswith(".")
                ]
        else:
            found.append((root, ""))
    return found


def file_sha256(path: Path) -> str:
    """Hash of a file's bytes, streamed."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _check(path: Path, cfg: Config) -> None:
    name = display_name(path.name)
    if not path.exists():
        raise InputError(name, "ไม่พบไฟล์", f"no such file: {display_name(str(path))}")
    file_type(path)
    size_mb = path.stat().st_size / 2**20
    if size_mb > cfg.max_file_mb:
        raise InputError(
            name,
            f"ไฟล์ใหญ่เกิน {cfg.max_file_mb} MB",
            f"file is {size_mb:.0f} MB, over max_file_mb={cfg.max_file_mb}",
        )


@dataclass(frozen=True)
class _Job:
    path: Path
    key: str  # resolved path, the manifest's source key
    shown: str  # safe display name
    sha: str
    old: str | None  # hash recorded for this path before, if any
    collection: str


def _link_twin(job: _Job, twin: str, manifest: Manifest) -> FileResult:
    """The bytes are already stored under ``twin``: a duplicate, or a rename if it is gone."""
    if Path(twin).exists():
        with manifest.transaction():
            manifest.put_source(job.key, job.sha, manifest.source_docs(twin))
        return FileResult(
            job.shown,
            "duplicate",
            message=(
                f"same content as {display_name(twin)}; stored once / "
                f"เนื้อหาเหมือนไฟล์ {display_name(Path(twin).name)} จึงเก็บไว้ครั้งเดียว"
            ),
        )
    with manifest.transaction():
        manifest.move_source(twin, job.key)
    return FileResult(job.shown, "renamed", message=f"renamed from {display_name(twin)}")


def _store(job: _Job, cfg: Config, manifest: Manifest, count_tokens: TokenCounter) -> FileResult:
    """Load, chunk and store a new or changed file in one transaction."""
    docs = load(job.path, job.sha, cfg, job.collection)
    warnings = [w for d in docs for w in d.warnings]
    stored, n_chunks = [], 0
    with manifest.transaction():
        if job.old is not None:
            manifest.drop_source(job.key)
        keep = []
        for doc in docs:
            if doc.meta.file_type == "jsonl" and manifest.has_document(doc.meta.doc_id):
                warnings.append(
                    f"id {doc.meta.doc_id!r} already indexed from another file; skipped"
                )
                continue
            keep.append(doc)
        sizes, workers = (cfg.chunk_tokens, cfg.chunk_overlap), cpu_workers(cfg.workers)
        chunked = chunk_documents([d.pages for d in keep], count_tokens, sizes, workers)
        for doc, chunks in zip(keep, chunked, strict=True):
            manifest.put_document(doc, chunks)
            stored.append(doc.meta.doc_id)
            n_chunks += len(chunks)
        manifest.put_source(job.key, job.sha, stored)
    status: Status = "new" if job.old is None else "changed"
    return FileResult(job.shown, status, len(stored), n_chunks, warnings=tuple(warnings))


def _ingest(job: _Job, cfg: Config, manifest: Manifest, count_tokens: TokenCounter) -> FileResult:
    if job.old == job.sha:
        return FileResult(job.shown, "unchanged", len(manifest.source_docs(job.key)))
    twin = manifest.path_with_sha(job.sha, job.key) if job.old is None else None
    if twin is not None:
        return _link_twin(job, twin, manifest)
    return _store(job, cfg, manifest, count_tokens)


def ingest_file(
    path: Path, cfg: Config, manifest: Manifest, count_tokens: TokenCounter, collection: str = ""
) -> FileResult:
    """Ingest one file; never raises for bad input (the result says what went wrong)."""
    key = str(path.resolve())
    shown = display_name(str(path))
    try:
        _check(path, cfg)
        sha = file_sha256(path)
        job = _Job(path, key, shown, sha, manifest.source_sha(key), collection)
        return _ingest(job, cfg, manifest, count_tokens)
    except RagError as exc:
        return FileResult(shown, "failed", message=str(exc))
    except OSError as exc:
        return FileResult(shown, "failed", message=f"{exc.strerror} / อ่านไฟล์ไม่ได้")
    except Exception as exc:  # a loader library crashed on a malformed file
        log.exception("unexpected error ingesting %s", shown)
        return FileResult(
            shown,
            "failed",
            message=(f"{type(exc).__name__}: {exc} / ไฟล์นี้อ่านไม่ได้เนื่องจากข้อผิดพลาดที่ไม่คาดคิด"),
        )


def prune(manifest: Manifest, roots: Iterable[Path]) -> list[FileResult]:
    """Remove documents whose files under ``roots`` no longer exist."""
    prefixes = [str(r.resolve()) for r in roots]
    results = []
    for path in manifest.sources():
        if (
            any(path == p or path.startswith(p.rstrip(os.sep) + os.sep) for p in prefixes)
            and not Path(path).exists()
        ):
            with manifest.transaction():
                gone = manifest.drop_source(path)
            results.append(FileResult(display_name(path), "removed", len(gone)))
    return results


def ingest(
    paths: Sequence[Path],
    cfg: Config,
    manifest: Manifest,
    count_tokens: TokenCounter,
    *,
    remove_missing: bool = False,
    skip: Callable[[Path], bool] | None = None,
    on_file: Callable[[FileResult], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into the manifest.

    Args:
        paths: Files and folders (walked recursively).
        cfg: Configuration.
        manifest: The store to update.
        count_tokens: The embedder's token counter, for chunk budgets.
        remove_missing: Also remove documents whose files under ``paths`` are gone.
        skip: Files to leave out (e.g. deleted by staff); they get no result.
        on_file: Called after each file, e.g. to advance a progress bar.

    Returns:
        The per-file results.
    """
    results: list[FileResult] = []
    for path, collection in discover(paths):
        if skip is not None and skip(path):
            continue
        result = ingest_file(path, cfg, manifest, count_tokens, collection)
        log.info("%s %s %s", result.status, result.path, result.message)
        results.append(result)
        if on_file:
            on_file(result)
    if remove_missing:
        results += prune(manifest, [p for p in paths if p.is_dir()])
    return IngestReport(tuple(results))


def reingest(
    cfg: Config,
    manifest: Manifest,
    count_tokens: TokenCounter,
    *,
    remove_missing: bool = False,
    on_file: Callable[[FileResult], None] | None = None,
) -> IngestReport:
    """Read every file already ingested again (changed ones are updated).

    Args:
        cfg: Configuration.
        manifest: The store to update.
        count_tokens: The embedder's token counter, for chunk budgets.
        remove_missing: Also remove the documents of every file that is gone.
        on_file: Called after each file.

    Returns:
        The per-file results.
    """
    present = [path for path in map(Path, manifest.sources()) if path.exists()]
    report = ingest(present, cfg, manifest, count_tokens, on_file=on_file)
    gone = prune(manifest, [Path(os.sep)]) if remove_missing else []
    return IngestReport(report.files + tuple(gone))
