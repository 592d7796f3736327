r"""What every loader returns, and the one way a file name is shown.

>>> display_name("\u202eevil.pdf")
'evil.pdf'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Extracted:
    """Text pulled out of one document, before header removal and chunking.

    Attributes:
        pages: Text of page 1..N, repaired and normalised; ``""`` for a page with no text.
        title: Title from the file's own metadata, or ``""``.
        year: CE year from the metadata, if present.
        warnings: Human-readable notes (Thai / English) about skipped pages.
    """

    pages: tuple[str, ...]
    title: str = ""
    year: int | None = None
    warnings: tuple[str, ...] = ()


def display_name(name: str) -> str:
    """A file name safe to show: bidi overrides and control characters removed."""
    return "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf")).strip()
