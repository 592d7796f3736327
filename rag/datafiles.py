"""Staff-editable data files: the starter copy shipped in a package, or a staff copy.

The glossary (:mod:`rag.thai.glossary`) and the referral rules
(:mod:`rag.answer.referral`) are small TOML files. Each ships a starter copy under
its package's ``data/`` folder; staff point a setting at their own copy, which is
read again on each use and parsed again only when its text changed.

>>> text, source = data_text(None, "rag.thai", "glossary.toml", ValueError)
>>> source, "groups" in text
('glossary.toml', True)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TypeVar, cast

T = TypeVar("T")


def data_text(
    path: Path | None, package: str, name: str, bad: Callable[[str, str], Exception]
) -> tuple[str, str]:
    """The text of the staff copy at ``path``, else of the starter ``package/data/name``.

    Args:
        path: The staff copy, or ``None`` for the starter file.
        package: The package that ships the starter file.
        name: The starter file's name.
        bad: Builds the error for an unreadable file from ``(source, why)``.

    Returns:
        The text and where it came from (the path, or the starter file's name).

    Raises:
        Exception: ``bad(source, why)`` when the staff copy cannot be read as UTF-8.
    """
    if path is None:
        return (resources.files(package) / "data" / name).read_text(encoding="utf-8"), name
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise bad(str(path), str(exc)) from exc


@lru_cache(maxsize=16)
def _parse(parse: Callable[[str, str], object], text: str, source: str) -> object:
    return parse(text, source)


def parsed(parse: Callable[[str, str], T], text: str, source: str) -> T:
    """``parse(text, source)``, computed once per distinct text (an edited file is parsed again)."""
    return cast(T, _parse(parse, text, source))
