"""Any sentence-transformers model as an embedder: an optional extra (torch).

Loaded by name (from the local Hugging Face cache) or by path, lazily, and never
downloaded: sentence-transformers loads with ``local_files_only=True``.

>>> prefixes_for("intfloat/multilingual-e5-base")
('query: ', 'passage: ')
>>> prefixes_for("BAAI/bge-m3")
('', '')
"""

from __future__ import annotations

import logging
import threading
from pathlib import PurePath
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import Embedding
from pydantic import Field, PrivateAttr

from rag.errors import ConfigError
from rag.index.embed_base import BatchedEmbedding, as_list

logger = logging.getLogger(__name__)

ST_INSTALL = "pip install -e '.[st]' torch==2.13.0"
E5_INSTRUCT_QUERY = (
    "Instruct: Given a web search query, retrieve relevant passages that answer the query\nQuery: "
)


def prefixes_for(model: str) -> tuple[str, str]:
    """The ``(query, passage)`` prefixes a sentence-transformers model expects.

    The rule looks only at the last path component of the name, lower-cased:

    - ``*e5*instruct*`` (multilingual-e5-large-instruct): an instruction before
      queries, nothing before passages;
    - other ``*e5*`` models (e5-small-v2, multilingual-e5-*): ``query: `` and
      ``passage: ``;
    - everything else (bge-m3, all-MiniLM, …): no prefix.

    Pass explicit prefixes to :class:`SentenceTransformerEmbedding` to override.

    Args:
        model: Model name or local path.

    Returns:
        The query prefix and the passage prefix.

    >>> prefixes_for("/models/multilingual-e5-large-instruct")[1]
    ''
    """
    base = PurePath(model.rstrip("/\\")).name.lower()
    if "e5" in base and "instruct" in base:
        return E5_INSTRUCT_QUERY, ""
    if "e5" in base:
        return "query: ", "passage: "
    return "", ""


class SentenceTransformerEmbedding(BatchedEmbedding):
    """A sentence-transformers model, loaded by name (local cache) or path.

    Prefixes follow :func:`prefixes_for` unless given. Embeddings are
    L2-normalised. sentence-transformers and torch are an optional extra; a
    :class:`~rag.errors.ConfigError` says how to install them when missing.

    Args:
        model_name: Hugging Face name (must already be in the local cache) or path.
        device: ``cpu``, ``cuda``, ``cuda:1``, ``mps``…
        embed_batch_size: Texts per forward pass.
        query_prefix: Override of the query prefix.
        passage_prefix: Override of the passage prefix.
    """

    device: str = Field(default="cpu")
    query_prefix: str | None = Field(default=None)
    passage_prefix: str | None = Field(default=None)
    _model: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def class_name(cls) -> str:
        """Name used by llama-index serialisation."""
        return "SentenceTransformerEmbedding"

    @property
    def prefixes(self) -> tuple[str, str]:
        """The ``(query, passage)`` prefixes in effect."""
        rule_query, rule_passage = prefixes_for(self.model_name)
        query = rule_query if self.query_prefix is None else self.query_prefix
        passage = rule_passage if self.passage_prefix is None else self.passage_prefix
        return query, passage

    def st_model(self) -> Any:
        """The loaded ``SentenceTransformer`` (loaded on first use).

        Raises:
            ConfigError: sentence-transformers is not installed or the model
                cannot be found locally.
        """
        with self._lock:
            if self._model is None:
                self._model = _load_sentence_transformer(self.model_name, self.device)
            return self._model

    @property
    def dim(self) -> int:
        """Embedding dimensionality."""
        model = self.st_model()
        getter = getattr(model, "get_embedding_dimension", None)
        if getter is None:  # sentence-transformers < 5
            getter = model.get_sentence_embedding_dimension
        return int(getter())

    def token_count(self, text: str) -> int:
        """Tokens the model sees for ``text`` as a passage (prefix and specials included)."""
        encoded = self.st_model().tokenizer(self.prefixes[1] + text, add_special_tokens=True)
        return len(encoded["input_ids"])

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        vectors = self.st_model().encode(
            [prefix + t for t in texts],
            batch_size=self.embed_batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def passage_array(self, texts: list[str]) -> np.ndarray:
        """Embed passages into a ``(len(texts), dim)`` float32 array."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts), self.prefixes[1])

    def _get_query_embedding(self, query: str) -> Embedding:
        return as_list(self._encode([query], self.prefixes[0])[0])

    def _get_text_embedding(self, text: str) -> Embedding:
        return as_list(self.passage_array([text])[0])


def _load_sentence_transformer(model: str, device: str) -> Any:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(
            "sentence-transformers",
            f"ยังไม่ได้ติดตั้ง sentence-transformers ติดตั้งด้วยคำสั่ง: {ST_INSTALL}",
            f"sentence-transformers is not installed; install it with: {ST_INSTALL}",
        ) from exc
    try:
        loaded = SentenceTransformer(model, device=device, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ConfigError(
            model,
            "ไม่พบโมเดลในเครื่อง ระบบไม่ดาวน์โหลดโมเดลเอง ให้ระบุพาธของโมเดล",
            f"cannot load the model locally (nothing is downloaded; give a local path): {exc}",
        ) from exc
    logger.info("loaded sentence-transformers model %s on %s", model, device)
    return loaded
