"""Files of the staff area: uploads only from the upload folder, outputs deleted after use.

Gradio keeps every file a component receives or returns in its cache folder
(``GRADIO_TEMP_DIR``, by default ``/tmp/gradio``). The staff app is the only one
that serves it (the partner surface allow-list in :mod:`rag.web.surface` closes
``/gradio_api/file=…``), so staff files are reached only at
``/staff/gradio_api/file=…``, behind the staff login. The staff Blocks deletes the
files it created after :data:`STAFF_FILES_TTL` and all of them at shutdown.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

from rag.errors import RagError
from rag.web.uploads import check_uploaded
from ui import ui_error

#: Gradio's ``delete_cache``: every 10 minutes, delete staff files older than an hour.
STAFF_FILES_TTL = (600, 3600)


def outbox(prefix: str) -> Path:
    """A new private folder for one staff download, inside Gradio's cache folder.

    The file is written there once: Gradio serves it without copying and deletes it
    with the other files of the staff app (:data:`STAFF_FILES_TTL`).
    """
    cache = Path(get_upload_folder())
    cache.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=cache))


def uploads_only(field: gr.File) -> gr.File:
    """``field``, refusing (Thai + English) any file outside Gradio's upload folder.

    A mounted Gradio app skips Gradio's own "was this uploaded?" check, so an API call
    could name any server path. Gradio moves each input file into its cache through
    the component's ``(async_)move_resource_to_block_cache`` before the handler runs;
    the check wraps those, so a refused file is never copied, read or indexed. (A
    subclass of ``gr.File`` would make Gradio write a ``.pyi`` stub into ``ui/``.)
    """
    folder = Path(field.GRADIO_CACHE)
    move, move_async = field.move_resource_to_block_cache, field.async_move_resource_to_block_cache

    def check(path: str | Path | None) -> None:
        if path is not None:
            try:
                check_uploaded(Path(path), folder)
            except RagError as exc:
                raise ui_error(exc) from exc

    def guarded(path: str | Path | None) -> str | None:
        check(path)
        return move(path)

    async def guarded_async(path: str | Path | None) -> str | None:
        check(path)
        return await move_async(path)

    field.move_resource_to_block_cache = guarded  # type: ignore[method-assign,assignment]
    field.async_move_resource_to_block_cache = guarded_async  # type: ignore[method-assign,assignment]
    return field
