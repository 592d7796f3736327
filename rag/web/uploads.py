"""Staff uploads are read only from the upload folder, never from any other server path.

A mounted Gradio app skips Gradio's own "was this file uploaded?" check, so an API
call could name any readable file on the server (``/etc/…``, another app's data) and
have it indexed and then served at ``/doc/{id}``. :func:`check_uploaded` is that check.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> check_uploaded(folder / "a1b2" / "report.pdf", folder) == (folder / "a1b2" / "report.pdf")
True
>>> check_uploaded(folder / ".." / "secret.md", folder)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rag.errors.InputError: secret.md: not an uploaded file: only files uploaded ... / รับเฉพาะ...
"""

from __future__ import annotations

from pathlib import Path

from rag.errors import InputError


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (links and ``..`` resolved) is inside ``folder``.

    >>> up = Path("/tmp/up")
    >>> is_inside(up / "x" / "a.pdf", up), is_inside(Path("/tmp/a.pdf"), up)
    (True, False)
    >>> is_inside(up / ".." / "a.pdf", up), is_inside(Path("/tmp/upx/a.pdf"), up)
    (False, False)
    """
    return path.resolve().is_relative_to(folder.resolve())


def check_uploaded(path: Path, upload_dir: Path) -> Path:
    """``path`` when it lies in the upload folder; otherwise refuse it.

    Args:
        path: The file a staff request names.
        upload_dir: Where uploads through the staff page land.

    Returns:
        The path, unchanged.

    Raises:
        InputError: The file is outside the upload folder (its name, not its server
            path, is in the message).
    """
    if not is_inside(path, upload_dir):
        raise InputError(
            path.name,
            "รับเฉพาะไฟล์ที่อัปโหลดผ่านหน้านี้เท่านั้น",
            "not an uploaded file: only files uploaded through this page are accepted",
        )
    return path
