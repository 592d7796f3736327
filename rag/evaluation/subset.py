r"""Part of an article collection, for a question set that indexes only some of its articles.

The ``news-hard`` set indexes about 470 of the 7,084 articles of
``../shared/corpus/thaigov/health-news.jsonl.gz``: its gold articles and the look-alikes
listed in ``eval/sets/news-hard.corpus.txt``. :func:`read_id_list` reads such a list and
:func:`write_subset` copies the chosen lines, unchanged and in collection order, into a
``.jsonl`` file that the evaluation ingests like any collection. The copy is rewritten
only when its content changes, so an incremental ingest of an unchanged selection embeds
nothing.

>>> parse_id_list("# look-alikes\ndata/a.txt\n\ndata/b.txt  # re-issued\n")
('data/a.txt', 'data/b.txt')
"""

from __future__ import annotations

import gzip
import json
import logging
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from rag.errors import InputError

log = logging.getLogger(__name__)


def parse_id_list(text: str) -> tuple[str, ...]:
    """Ids of a list: one per line; ``#`` starts a comment, blank lines are skipped."""
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def read_id_list(path: Path) -> tuple[str, ...]:
    """:func:`parse_id_list` of a UTF-8 file.

    Raises:
        InputError: The file is missing or holds a duplicate id.
    """
    if not path.is_file():
        raise InputError(path.name, "ไม่พบไฟล์รายการบทความ", f"article list {path} not found")
    ids = parse_id_list(path.read_text(encoding="utf-8"))
    if twice := sorted(key for key, n in Counter(ids).items() if n > 1):
        raise InputError(path.name, "รายการบทความมี id ซ้ำ", f"duplicate article id(s) {twice}")
    return ids


def _lines(source: Path) -> Iterator[str]:
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt", encoding="utf-8-sig") as fh:
        yield from fh


def _article_id(line: str) -> str:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return ""
    return str(obj.get("id", obj.get("pid", ""))).strip() if isinstance(obj, dict) else ""


def subset_text(source: Path, ids: Iterable[str]) -> str:
    """The lines of ``source`` (``.jsonl`` or ``.jsonl.gz``) whose article id is in ``ids``.

    Raises:
        InputError: An id is not in the collection (naming the first few).
    """
    wanted = set(ids)
    kept: list[str] = []
    found: set[str] = set()
    for line in _lines(source):
        key = _article_id(line) if line.strip() else ""
        if key in wanted and key not in found:
            found.add(key)
            kept.append(line if line.endswith("\n") else line + "\n")
    if missing := sorted(wanted - found):
        raise InputError(
            source.name,
            f"ไม่พบบทความ {len(missing)} รายการในคลัง",
            f"{len(missing)} article id(s) not in the collection, e.g. {missing[:3]}",
        )
    return "".join(kept)


def write_subset(source: Path, ids: Iterable[str], dest: Path) -> Path:
    """Write :func:`subset_text` to ``dest`` unless it already holds exactly that.

    Args:
        source: The whole collection.
        ids: Article ids to keep.
        dest: The ``.jsonl`` file to write (its folder is created).

    Returns:
        ``dest``.

    Raises:
        InputError: An id is not in the collection.
    """
    text = subset_text(source, ids)
    if dest.is_file() and dest.read_text(encoding="utf-8") == text:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, dest)
    log.info("wrote %d articles of %s to %s", text.count("\n"), source.name, dest)
    return dest
