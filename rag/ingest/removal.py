"""Deleting one document from the manifest, and the files that produced it.

A file that produced other documents too (a JSONL of articles) stays linked to
them; a file that produced only this document is forgotten with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.data import DocMeta
from rag.errors import InputError
from rag.ingest.manifest import Manifest


@dataclass(frozen=True)
class Deletion:
    """What deleting a document removed from the manifest.

    Attributes:
        meta: The deleted document.
        files: The files forgotten with it (they produced nothing else).
        every_file: Whether every file of the document was forgotten.
    """

    meta: DocMeta
    files: tuple[Path, ...]
    every_file: bool


def sources_of(manifest: Manifest, doc_id: str) -> list[str]:
    """The ingested files (manifest keys) that produced a document."""
    return [p for p in manifest.sources() if doc_id in manifest.source_docs(p)]


def forget_document(
    manifest: Manifest, doc_id: str, within: Callable[[Deletion], None] | None = None
) -> Deletion:
    """Delete a document and unlink it from its files, in one transaction.

    Args:
        manifest: The manifest.
        doc_id: The document.
        within: Called with the deletion inside the same transaction (e.g. to
            remember the deleted file), so both happen or neither.

    Raises:
        InputError: No document has this id.
    """
    meta = manifest.document(doc_id)
    if meta is None:
        raise InputError(doc_id, "ไม่พบเอกสารนี้ในดัชนี", "no document with this id")
    sources = sources_of(manifest, doc_id)
    dropped = []
    with manifest.transaction():
        for source in sources:
            others = [d for d in manifest.source_docs(source) if d != doc_id]
            if others:
                manifest.put_source(source, manifest.source_sha(source) or "", others)
            else:
                manifest.drop_source(source)
                dropped.append(Path(source))
        manifest.delete_document(doc_id)
        deletion = Deletion(meta, tuple(dropped), bool(dropped) and len(dropped) == len(sources))
        if within is not None:
            within(deletion)
    return deletion
