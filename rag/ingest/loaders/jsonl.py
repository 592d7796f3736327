"""Article collections: one JSON object per line (``.jsonl`` or ``.jsonl.gz``).

Each line needs an ``id`` (or ``pid``) and a ``text``; ``title``, ``date`` and
``url`` are kept as metadata. Bad lines are skipped with a warning naming the line.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.errors import CorruptFileError, EmptyFileError
from rag.ingest.loaders.unpack import CappedReader
from rag.thai.normalize import normalize

_YEAR = re.compile(r"^(\d{4})")


@dataclass(frozen=True)
class Article:
    """One line of a collection."""

    doc_id: str
    title: str
    text: str
    url: str = ""
    date: str = ""
    year: int | None = None


def _open_text(path: Path, max_unpacked: int) -> io.TextIOBase:
    """The file as text; a ``.gz`` is unpacked through a :class:`CappedReader`."""
    if not path.name.endswith(".gz"):
        return open(path, encoding="utf-8-sig")
    capped = CappedReader(gzip.open(path, "rb"), max_unpacked, path.name)  # noqa: SIM115
    return io.TextIOWrapper(io.BufferedReader(capped), encoding="utf-8-sig")


def _open_lines(path: Path, max_unpacked: int) -> Iterator[str]:
    try:
        with _open_text(path, max_unpacked) as fh:
            yield from fh
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise CorruptFileError(path.name, "ไฟล์ JSONL เสียหายหรืออ่านไม่ได้", str(exc)) from exc


def read_articles(path: Path, max_unpacked: int = 100 * 2**20) -> tuple[list[Article], list[str]]:
    """Read every valid article of a collection.

    Args:
        path: A ``.jsonl`` or ``.jsonl.gz`` file.
        max_unpacked: Most bytes a ``.jsonl.gz`` may unpack to.

    Returns:
        The articles, and warnings for skipped lines.

    Raises:
        EmptyFileError: When no line holds a usable article.
        CorruptFileError: When the file cannot be read or decompressed.
        TooLargeError: When a ``.gz`` unpacks to more than ``max_unpacked`` bytes.
    """
    articles: list[Article] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(_open_lines(path, max_unpacked), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            warnings.append(
                f"line {number}: invalid JSON ({exc.msg}) / บรรทัด {number}: JSON ไม่ถูกต้อง"
            )
            continue
        doc_id = str(obj.get("id", obj.get("pid", ""))).strip() if isinstance(obj, dict) else ""
        text = normalize(str(obj.get("text", ""))).strip() if isinstance(obj, dict) else ""
        if not doc_id or not text:
            warnings.append(f"line {number}: no id or no text / บรรทัด {number}: ไม่มี id หรือข้อความ")
            continue
        if doc_id in seen:
            warnings.append(f"line {number}: duplicate id {doc_id!r} / บรรทัด {number}: id ซ้ำ")
            continue
        seen.add(doc_id)
        date = str(obj.get("date", "") or "")
        year = _YEAR.match(date)
        articles.append(
            Article(
                doc_id=doc_id,
                title=normalize(str(obj.get("title", ""))).strip(),
                text=text,
                url=str(obj.get("url", "") or ""),
                date=date,
                year=int(year.group(1)) if year else None,
            )
        )
    if not articles:
        raise EmptyFileError(path.name, "ไม่พบบทความที่ใช้ได้ในไฟล์", "no usable article line")
    return articles, warnings
