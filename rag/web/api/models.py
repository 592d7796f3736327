"""Request and response bodies of the REST API (``/api/v1``), as pydantic models.

FastAPI reads requests into these and writes the OpenAPI schema
(``/api/v1/openapi.json``) from them.

>>> AskRequest(question="สสส. คืออะไร").history
[]
>>> Source(n=1, doc_id="d1", title="รายงาน", page=2, quote="…", link="/doc/d1#page=2").page
2
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    """What went wrong, in Thai and English."""

    code: str = Field(description="unauthorized, forbidden, not_found, rate_limited, …")
    message_th: str
    message_en: str
    subject: str = Field("", description="the bad value (a file name, a field, a key name)")


class ErrorBody(BaseModel):
    """Every error response: ``{"error": {…}}``."""

    error: ErrorDetail


class TurnIn(BaseModel):
    """An earlier exchange of the conversation."""

    question: str
    answer: str


class SearchRequest(BaseModel):
    """A search: the passages that best match a query."""

    query: str = Field(min_length=1, description="Thai or English")
    k: int = Field(5, ge=1, le=50, description="how many passages")


class SearchHit(BaseModel):
    """One passage found."""

    doc_id: str
    title: str
    page: int
    chunk_id: str
    score: float
    text: str = Field(description="the passage (at most about 240 characters around the match)")
    link: str = Field(description="opens the document at the page")


class SearchResponse(BaseModel):
    """The passages, best first."""

    hits: list[SearchHit]


class AskRequest(BaseModel):
    """A question, with earlier turns for follow-ups (oldest first)."""

    question: str = Field(min_length=1)
    history: list[TurnIn] = Field(default_factory=list)


class Source(BaseModel):
    """A numbered source of an answer: the ``[n]`` of the text."""

    n: int
    doc_id: str
    title: str
    page: int
    quote: str = Field(description="the exact passage quoted")
    link: str = Field(description="opens the document at the page")


class AskResponse(BaseModel):
    """An answer with ``[n]`` markers; a refusal is an answer with ``refused`` true."""

    answer: str
    refused: bool
    confidence: float
    notice: str = Field(description="another year than asked, a health-safety referral line")
    sources: list[Source]


class DocumentOut(BaseModel):
    """A document of the library."""

    doc_id: str
    title: str
    file_type: str
    file_name: str
    pages: int
    chunks: int
    added_at: str
    warnings: list[str]


class DocumentList(BaseModel):
    """Every document, newest first."""

    documents: list[DocumentOut]


class JobOut(BaseModel):
    """A background job (upload, delete): poll ``/api/v1/jobs/{id}`` until it ends."""

    id: int
    kind: str
    state: Literal["queued", "running", "done", "failed"]
    done: int
    total: int
    message: str
    result: dict[str, Any]
    error: str
    created_at: str
    started_at: str
    finished_at: str


class FeedbackOut(BaseModel):
    """A partner's 👍/👎 on an answer."""

    id: int
    created_at: str
    rating: Literal["up", "down"]
    question: str
    history: list[TurnIn]
    answer: str
    refused: bool
    comment: str
    sources: list[Source]


class FeedbackList(BaseModel):
    """Stored ratings, oldest first."""

    feedback: list[FeedbackOut]
