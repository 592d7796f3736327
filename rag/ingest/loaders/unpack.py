"""Decompression with a size cap: a small file that unpacks to gigabytes is refused.

A ZIP package (DOCX) is checked member by member, first by the sizes its directory
declares, then by streaming every member through a counter; a ``.gz`` stream is read
through the same counter. Either stops at the cap, before the whole content is
unpacked, with a :class:`~rag.errors.TooLargeError`.

>>> import gzip, io
>>> capped = CappedReader(gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(b"x" * 10))), 4, "a.gz")
>>> capped.read(4)
b'xxxx'
>>> try:
...     capped.read(4)
... except TooLargeError as err:
...     print(err.english)
unpacks to more than 4 bytes (max_unpacked_mb)
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from rag.errors import CorruptFileError, TooLargeError

CHUNK = 1 << 20  # bytes unpacked per read while checking a ZIP member


def too_large(name: str, limit: int) -> TooLargeError:
    """The error for content that unpacks to more than ``limit`` bytes."""
    return TooLargeError(
        name,
        f"ไฟล์นี้เมื่อคลายการบีบอัดแล้วใหญ่เกิน {limit / 2**20:g} MB (max_unpacked_mb) อาจเป็นไฟล์ที่ไม่ปลอดภัย",
        f"unpacks to more than {limit} bytes (max_unpacked_mb)",
    )


class CappedReader(io.RawIOBase):
    """A readable stream that fails once more than ``limit`` bytes came through it.

    Args:
        raw: The decompressing stream (e.g. a ``gzip.GzipFile``).
        limit: Most bytes allowed.
        name: The file, for the error message.
    """

    def __init__(self, raw: io.BufferedIOBase, limit: int, name: str) -> None:
        super().__init__()
        self._raw, self._limit, self._name, self._total = raw, limit, name, 0

    def readable(self) -> bool:
        """Always readable."""
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        """Read into ``buffer``, counting bytes.

        Raises:
            TooLargeError: More than ``limit`` bytes in all.
        """
        data = self._raw.read(len(buffer))
        self._total += len(data)
        if self._total > self._limit:
            raise too_large(self._name, self._limit)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        """Close the wrapped stream too."""
        self._raw.close()
        super().close()


def check_zip(path: Path, limit: int) -> None:
    """Refuse a ZIP package whose members unpack to more than ``limit`` bytes.

    Args:
        path: The package.
        limit: Most bytes all members may unpack to, together.

    Raises:
        TooLargeError: The declared or the actual sizes add up to more.
        CorruptFileError: It is not a readable ZIP file.
    """
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            if sum(m.file_size for m in members) > limit:
                raise too_large(path.name, limit)
            total = 0
            for member in members:
                with package.open(member) as stream:
                    while chunk := stream.read(CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise too_large(path.name, limit)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise CorruptFileError(path.name, "ไฟล์ ZIP เสียหายหรืออ่านไม่ได้", str(exc)) from exc
