"""The base every embedder of :mod:`rag.index` shares: llama-index batch and async methods."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding


def as_list(vector: Any) -> Embedding:
    """A vector as llama-index's ``list[float]`` (float32 values).

    >>> as_list([[1, 2]])
    [1.0, 2.0]
    """
    values: Embedding = np.asarray(vector, dtype=np.float32).ravel().tolist()
    return values


class BatchedEmbedding(BaseEmbedding):
    """llama-index's batch and async methods on top of one ``passage_array``.

    The models run synchronously on the CPU; the async methods simply call the
    sync ones, as llama-index's own local embedders do.
    """

    @abstractmethod
    def passage_array(self, texts: list[str]) -> np.ndarray:
        """Passage vectors of ``texts`` as a ``(n, dim)`` float32 array."""

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return [as_list(row) for row in self.passage_array(texts)]

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return self._get_text_embedding(text)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self._get_text_embeddings(texts)
