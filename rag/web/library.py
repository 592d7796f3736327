"""Staff document operations on a live index: upload, list, delete, replace, re-index.

Uploaded files are kept under ``<index_dir>/uploads/<sha256>/<safe name>`` so they
survive restarts and can be served by document id (:meth:`Library.document_file`).
A :class:`Library` serialises writes against reads with a readers-writer lock, so
partners keep asking questions while staff change documents. Its writes also hold
the index's cross-process write lock (:meth:`Index.writing`, taken first, so
partners are not kept waiting while a CLI ingest finishes), and listing first
loads what other processes committed (:meth:`Index.refresh`). Documents deleted by
staff are remembered by hash, so re-ingesting the demo folder at startup does not
bring them back (uploading the file again does).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from rag.data import FILE_TYPES
from rag.errors import InputError
from rag.index.index import Index, SyncResult
from rag.ingest.files import FileResult, file_sha256
from rag.ingest.loaders import SUFFIXES
from rag.ingest.loaders.base import display_name
from rag.ingest.removal import Deletion, sources_of
from rag.web.ahead import Progress, embed_ahead
from rag.web.rwlock import RWLock

log = logging.getLogger(__name__)
UPLOADS = "uploads"
_TOMBSTONES = "deleted_sha256"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
MEDIA_TYPES = {kind: f.media_type for kind, f in FILE_TYPES.items()}


def safe_name(name: str) -> str:
    """A file name safe to store: no folders, controls or reserved characters.

    The (possibly double) suffix is kept and the stem shortened to fit 255 bytes.

    >>> safe_name("../../etc/รายงาน:ปี 2567.PDF")
    'รายงาน_ปี 2567.PDF'
    >>> safe_name("\u202e.hidden.txt")
    'hidden.txt'
    """
    shown = display_name(name.replace("\\", "/").rsplit("/", 1)[-1])
    shown = _UNSAFE.sub("_", shown).strip(" .")
    lower = shown.lower()
    suffix = next((s for s in sorted(SUFFIXES, key=len, reverse=True) if lower.endswith(s)), "")
    stem = shown[: len(shown) - len(suffix)] if suffix else shown
    while len((stem + suffix).encode()) > 200:
        stem = stem[:-1]
    return (stem or "document") + shown[len(shown) - len(suffix) :]


@dataclass(frozen=True)
class DocInfo:
    """A document as listed to staff."""

    doc_id: str
    title: str
    file_type: str
    file_name: str
    pages: int
    chunks: int
    added_at: str
    warnings: tuple[str, ...]

    @property
    def status(self) -> str:
        """✅, or ⚠️ with the number of warnings."""
        return f"⚠️ {len(self.warnings)}" if self.warnings else "✅"


@dataclass(frozen=True)
class DocFile:
    """A stored document to send to a browser: a file, or text for JSONL articles."""

    path: Path | None
    media_type: str
    file_name: str
    text: str = ""


class Library:
    """Staff operations on an open :class:`~rag.index.index.Index`.

    Args:
        index: The index (shared with the partner chat).
    """

    def __init__(self, index: Index) -> None:
        self.index = index
        self.lock = RWLock()

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded files are kept."""
        return self.index.cfg.index_dir / UPLOADS

    # --- reading ----------------------------------------------------------------

    def documents(self) -> list[DocInfo]:
        """Every document, newest first."""
        self.index.refresh()
        with self.lock.read():
            rows = self.index.manifest.documents()
        return [
            DocInfo(
                doc_id=r.meta.doc_id,
                title=r.meta.title,
                file_type=r.meta.file_type,
                file_name=display_name(Path(r.meta.source).name),
                pages=r.pages,
                chunks=r.chunks,
                added_at=r.added_at,
                warnings=r.warnings,
            )
            for r in reversed(rows)
        ]

    def document_file(self, doc_id: str) -> DocFile | None:
        """The stored file of a document, looked up by id only (``None`` if unknown).

        JSONL articles have no file of their own; their indexed text is returned.
        """
        manifest = self.index.manifest
        with self.lock.read():
            meta = manifest.document(doc_id)
            if meta is None:
                return None
            if meta.file_type == "jsonl":
                pages = manifest.pages(doc_id)
                text = "\n\n".join(t for t in (meta.title, meta.url, *(p.text for p in pages)) if t)
                return DocFile(None, MEDIA_TYPES["txt"], f"{safe_name(meta.title)}.txt", text)
            for source in sources_of(manifest, doc_id):
                path = Path(source)
                if path.is_file() and manifest.source_sha(source) == meta.sha256:
                    return DocFile(path, MEDIA_TYPES[meta.file_type], path.name)
        return None

    # --- writing ----------------------------------------------------------------

    def _tombstones(self) -> set[str]:
        return set(json.loads(self.index.manifest.get_meta(_TOMBSTONES) or "[]"))

    def _set_tombstones(self, shas: set[str]) -> None:
        self.index.manifest.set_meta(_TOMBSTONES, json.dumps(sorted(shas)))

    def store_upload(self, src: Path, name: str) -> Path:
        """Copy an uploaded file to ``uploads/<sha256>/<safe name>`` (idempotent)."""
        sha = file_sha256(src)
        dest = self.uploads_dir / sha / safe_name(name or src.name)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(dest.name + ".part")
            shutil.copyfile(src, tmp)
            tmp.replace(dest)
        return dest

    def add_file(
        self, src: Path, name: str, on_embed: Progress | None = None, dense: bool = True
    ) -> tuple[FileResult, SyncResult]:
        """Store one uploaded file and index it.

        The file's chunks are embedded before the write lock is taken
        (:func:`~rag.web.ahead.embed_ahead`), so answers keep coming meanwhile.

        Args:
            src: The uploaded file (e.g. Gradio's temporary copy, or its stored copy).
            name: The name the user gave it.
            on_embed: Progress callback ``(done, total)`` in chunks.
            dense: Store the vectors now; ``False`` leaves the chunks searchable
                by keyword only until :meth:`Index.backfill` (a staff job) runs.

        Returns:
            What happened to the file, and what the search stores changed.
        """
        shown = display_name(name or src.name)
        try:
            stored = self.store_upload(src, name)
        except OSError as exc:
            return FileResult(shown, "failed", message=f"{exc} / บันทึกไฟล์ไม่ได้"), SyncResult(0, 0, 0)
        if dense:
            embed_ahead(self.index, stored, self.lock, on_embed)
        with self.index.writing(), self.lock.write():
            report, sync = self.index.ingest([stored], on_embed=on_embed, dense=dense)
            result = report.files[0]
            if result.status == "failed":
                if str(stored.resolve()) not in self.index.manifest.sources():
                    _remove_upload(stored)
                return FileResult(shown, "failed", message=result.message), sync
            self._set_tombstones(self._tombstones() - {file_sha256(stored)})
        log.info("upload %s: %s", shown, result.status)
        shown_result = FileResult(
            shown, result.status, result.docs, result.chunks, result.message, result.warnings
        )
        return shown_result, sync

    def delete(self, doc_id: str) -> SyncResult:
        """Delete a document and, for uploads, its stored file.

        A document whose files are all gone with it is remembered by hash, so
        :meth:`ensure_folder` does not bring it back.

        Raises:
            InputError: No document has this id.
        """

        def remember(deletion: Deletion) -> None:
            if deletion.every_file:
                self._set_tombstones(self._tombstones() | {deletion.meta.sha256})

        with self.index.writing(), self.lock.write():
            deletion, sync = self.index.delete(doc_id, remember)
            uploads = self.uploads_dir.resolve()
            for path in deletion.files:
                if path.is_relative_to(uploads):
                    _remove_upload(path)
        log.info("deleted %s (%s)", doc_id, deletion.meta.title)
        return sync

    def replace(
        self, doc_id: str, src: Path, name: str, on_embed: Progress | None = None
    ) -> tuple[FileResult, SyncResult]:
        """Index a new version of a document, then delete the old one.

        The old version stays when the new file fails.

        Raises:
            InputError: No document has this id.
        """
        with self.index.writing():
            if self.index.manifest.document(doc_id) is None:
                raise InputError(doc_id, "ไม่พบเอกสารนี้ในดัชนี", "no document with this id")
            result, sync = self.add_file(src, name, on_embed)
            if result.status == "failed":
                return result, sync
            new_key = str(self.store_upload(src, name).resolve())
            if doc_id not in self.index.manifest.source_docs(new_key):
                removed = self.delete(doc_id)
                sync = SyncResult(sync.added, sync.removed + removed.removed, sync.embedded)
        return result, sync

    def reindex(
        self,
        on_file: Callable[[FileResult], None] | None = None,
        on_embed: Progress | None = None,
    ) -> tuple[list[FileResult], SyncResult]:
        """Re-read every known file (changed ones are updated, missing ones removed).

        Then the search stores are repaired to hold exactly the manifest's chunks.
        The callbacks report each file read and the chunks embedded.
        """
        with self.index.writing(), self.lock.write():
            report, sync = self.index.ingest(None, prune=True, on_file=on_file, on_embed=on_embed)
        return list(report.files), sync

    def ensure_folder(self, folder: Path) -> tuple[list[FileResult], SyncResult]:
        """Bring a folder (the demo corpus) into the index if missing or stale.

        Unchanged files are skipped by hash, files gone from the folder are removed,
        and files staff deleted are not added again.
        """
        with self.index.writing(), self.lock.write():
            gone = self._tombstones()
            report, sync = self.index.ingest(
                [folder], prune=True, skip=lambda path: file_sha256(path) in gone
            )
        return list(report.files), sync


def _remove_upload(path: Path) -> None:
    """Delete a stored upload and its ``<sha256>`` folder when that is left empty."""
    path.unlink(missing_ok=True)
    with suppress(OSError):
        path.parent.rmdir()
