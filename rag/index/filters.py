"""Metadata filters shared by keyword and vector search.

A filter maps a key of :data:`FILTER_KEYS` to one value or a list of values: a
scalar means equality, a list any of its values, and keys are AND-ed. Both
:class:`rag.index.bm25.ThaiBM25` and :class:`rag.index.vectors.VectorStore` validate with
:func:`check_where`, so the two retrievers always agree on what a filter means.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rag.errors import ConfigError

FILTER_KEYS = ("doc_id", "file_type", "year", "collection")
MetaValue = str | int
Meta = Mapping[str, MetaValue | None]
Where = Mapping[str, MetaValue | Sequence[MetaValue]]


def check_where(where: Where | None) -> dict[str, list[MetaValue]]:
    """Validate a metadata filter into ``key -> allowed values``.

    A scalar means equality, a list means any of its values; keys are AND-ed.
    ``year`` values are coerced to ``int``.

    Args:
        where: E.g. ``{"file_type": ["pdf", "docx"], "year": 2566}``.

    Returns:
        The normalised filter (empty for none).

    Raises:
        ConfigError: On an unknown key or an empty list.

    >>> check_where({"year": "2566", "doc_id": ["a", "b"]})
    {'year': [2566], 'doc_id': ['a', 'b']}
    """
    out: dict[str, list[MetaValue]] = {}
    for key, value in (where or {}).items():
        if key not in FILTER_KEYS:
            raise ConfigError(
                key,
                f"กรองได้เฉพาะ {', '.join(FILTER_KEYS)}",
                f"unknown filter key {key!r}; allowed: {FILTER_KEYS}",
            )
        values = [value] if isinstance(value, str | int) else list(value)
        if not values:
            raise ConfigError(key, "ตัวกรองต้องมีค่าอย่างน้อยหนึ่งค่า", f"empty filter list for {key!r}")
        try:
            out[key] = [int(v) for v in values] if key == "year" else [str(v) for v in values]
        except ValueError as exc:
            raise ConfigError(key, "ปีต้องเป็นตัวเลข", f"invalid year in filter: {values!r}") from exc
    return out


def clean_meta(meta: Meta) -> dict[str, MetaValue]:
    """The filter fields of ``meta`` without ``None``/empty values.

    >>> clean_meta({"doc_id": "d", "year": None, "collection": "", "page": 3})
    {'doc_id': 'd'}
    """
    return {k: v for k in FILTER_KEYS if (v := meta.get(k)) is not None and v != ""}
