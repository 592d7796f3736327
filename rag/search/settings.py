"""Retrieval settings, read from the configuration once and passed explicitly.

The retrieval mode and fusion kinds (:data:`rag.config.RetrievalMode`,
:data:`rag.config.FusionKind`) and their defaults are defined by
:class:`rag.config.Config` only; :class:`RetrievalSettings` has no defaults of its
own, so the retriever cannot drift from the configuration.

>>> from rag.config import Config
>>> s = RetrievalSettings.from_config(Config())
>>> s.mode, s.fusion, s.weights
('hybrid', 'weighted', (0.6, 0.4))
>>> s.deeper(10).k, s.deeper(3).k
(10, 5)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from rag.config import Config, FusionKind, RetrievalMode
from rag.errors import ConfigError
from rag.thai.glossary import Glossary


@dataclass(frozen=True)
class RetrievalSettings:
    """How the hybrid retriever searches.

    Attributes:
        mode: ``hybrid`` (BM25 + dense), or one retriever alone (``bm25``/``dense``).
        k: Hits returned.
        candidates: Depth of each retriever's list before fusion.
        fusion: ``rrf`` or ``weighted`` (see :mod:`rag.search.fusion`).
        rrf_k: The RRF constant.
        weights: Weights of the BM25 and the dense list in fusion.
        coverage: Weight of the coverage rerank (:mod:`rag.search.rerank`; 0: off).
        title_share: Share of a term's weight that a document title holding it gives.
        glossary: Spellings added to the keyword query (:mod:`rag.thai.glossary`).

    Raises:
        ConfigError: On an invalid mode, fusion or depth.
    """

    mode: RetrievalMode
    k: int
    candidates: int
    fusion: FusionKind
    rrf_k: float
    weights: tuple[float, float]
    coverage: float
    title_share: float
    glossary: Glossary

    def __post_init__(self) -> None:
        if self.mode not in get_args(RetrievalMode):
            raise ConfigError("mode", "โหมดค้นหาไม่ถูกต้อง", f"unknown retrieval mode {self.mode!r}")
        if self.fusion not in get_args(FusionKind):
            raise ConfigError("fusion", "วิธีรวมผลไม่ถูกต้อง", f"unknown fusion {self.fusion!r}")
        if self.k < 1 or self.candidates < 1:
            raise ConfigError(
                "k", "จำนวนผลลัพธ์ต้องมากกว่า 0", f"k={self.k}, candidates={self.candidates}"
            )

    @classmethod
    def from_config(cls, cfg: Config) -> RetrievalSettings:
        """The settings of ``cfg``: retrieval, fusion, weights and rerank."""
        return cls(
            mode=cfg.retrieval_mode,
            k=cfg.retrieval_k,
            candidates=cfg.retrieval_candidates,
            fusion=cfg.fusion,
            rrf_k=cfg.rrf_k,
            weights=(cfg.bm25_weight, cfg.dense_weight),
            coverage=cfg.rerank_coverage,
            title_share=cfg.rerank_title,
            glossary=Glossary.load(Path(cfg.glossary) if cfg.glossary else None),
        )

    def deeper(self, k: int) -> RetrievalSettings:
        """The same settings returning at least ``k`` hits."""
        return dataclasses.replace(self, k=max(k, self.k))
