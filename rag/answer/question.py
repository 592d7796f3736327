"""The one check every question passes before it is answered, whatever the client.

Control characters and lone surrogates are removed (:func:`rag.thai.normalize.clean_input`);
what remains must be non-empty, at most ``max_question_chars`` characters, and fit
the embedder's token window. A question over the window is refused, not truncated:
a silently cut question would be answered as another one.

>>> check_length("ผู้สูงอายุควรนอนกี่ชั่วโมง", 1000)
>>> try:
...     check_length("ก" * 1001, 1000)
... except TooLargeError as err:
...     print(err.english)
the question has 1001 characters, over max_question_chars=1000; please shorten it
"""

from __future__ import annotations

from rag.errors import InputError, TooLargeError
from rag.index.embedding import Embeddings
from rag.thai.normalize import clean_input


def check_length(question: str, max_chars: int) -> None:
    """Refuse a question over ``max_chars`` characters.

    Raises:
        TooLargeError: It is longer.
    """
    if len(question) > max_chars:
        raise TooLargeError(
            "question",
            f"คำถามยาว {len(question):,} ตัวอักษร เกินกำหนด {max_chars:,} ตัวอักษร กรุณาถามให้สั้นลง",
            f"the question has {len(question)} characters, over max_question_chars={max_chars};"
            " please shorten it",
        )


def check_tokens(question: str, embeddings: Embeddings) -> None:
    """Refuse a question longer than the embedder's token window.

    Raises:
        TooLargeError: It is longer.
    """
    counted = embeddings.query_tokens(question)
    if counted is not None and counted[0] > counted[1]:
        tokens, window = counted
        raise TooLargeError(
            "question",
            f"คำถามยาว {tokens} โทเค็น เกินที่ตัวฝังเวกเตอร์อ่านได้ ({window}) กรุณาถามให้สั้นลง",
            f"the question is {tokens} tokens, over the embedder's window of {window};"
            " please shorten it",
        )


def checked_question(question: str, max_chars: int, embeddings: Embeddings) -> str:
    """The question, cleaned and checked (see the module doc).

    Args:
        question: The user's question, as received.
        max_chars: ``max_question_chars``.
        embeddings: The embedding service (its tokenizer and window).

    Returns:
        The question without control characters (otherwise as given).

    Raises:
        InputError: It is empty once cleaned.
        TooLargeError: It is over the character limit or the token window.
    """
    text = clean_input(question)
    if not text.strip():
        raise InputError("question", "กรุณาพิมพ์คำถาม", "the question is empty")
    check_length(text, max_chars)
    check_tokens(text, embeddings)
    return text
