"""Answer settings, read from the configuration once and passed to the answerers.

>>> from rag.config import Config
>>> s = AnswerSettings.from_config(Config(llm_base_url="http://127.0.0.1:8080"))
>>> s.max_chars, s.refuse_threshold, s.retrieval.k, s.llm.base_url
(300, 0.42, 5, 'http://127.0.0.1:8080')
>>> s.embed_units, AnswerSettings.from_config(Config(answer_embed_units=0)).embed_units
(32, None)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rag.answer.referral import Referrals
from rag.config import Config
from rag.search.settings import RetrievalSettings


@dataclass(frozen=True)
class LlmSettings:
    """The OpenAI-compatible endpoint of the LLM answerer (see :class:`rag.config.Config`).

    Attributes:
        base_url: Endpoint; empty means the extractive answerer.
        model: Model name sent to it (empty: the default model).
        api_key: Key for it.
        temperature: Sampling temperature.
        timeout: Seconds before the endpoint counts as down.
        max_tokens: Most tokens in an answer.
    """

    base_url: str
    model: str
    api_key: str
    temperature: float
    timeout: float
    max_tokens: int

    @classmethod
    def from_config(cls, cfg: Config) -> LlmSettings:
        """The ``llm_*`` settings of ``cfg``."""
        return cls(
            base_url=cfg.llm_base_url,
            model=cfg.llm_model,
            api_key=cfg.llm_api_key,
            temperature=cfg.llm_temperature,
            timeout=cfg.llm_timeout,
            max_tokens=cfg.llm_max_tokens,
        )


@dataclass(frozen=True)
class AnswerSettings:
    """What the answerers need from the configuration.

    Attributes:
        max_chars: Length budget of an extractive answer (``answer_max_chars``).
        refuse_threshold: Evidence under which the extractive answer is a refusal.
        retrieval: How passages are retrieved (``k`` of them for an answer).
        llm: The LLM endpoint (its ``base_url`` is empty in extractive mode).
        max_question_chars: Longer questions are refused (``max_question_chars``).
        referrals: Health-safety referral lines (``referrals``).
        embed_units: Most sentence units embedded per extractive answer
            (``answer_embed_units``; ``None``: all of them).
    """

    max_chars: int
    refuse_threshold: float
    retrieval: RetrievalSettings
    llm: LlmSettings
    max_question_chars: int = 1000
    referrals: Referrals = field(default_factory=Referrals)
    embed_units: int | None = None

    @classmethod
    def from_config(cls, cfg: Config) -> AnswerSettings:
        """The answer settings of ``cfg``."""
        return cls(
            max_chars=cfg.answer_max_chars,
            refuse_threshold=cfg.refuse_threshold,
            retrieval=RetrievalSettings.from_config(cfg),
            llm=LlmSettings.from_config(cfg),
            max_question_chars=cfg.max_question_chars,
            referrals=Referrals.load(Path(cfg.referrals) if cfg.referrals else None),
            embed_units=cfg.answer_embed_units or None,
        )
