"""The partner chat (Thai, with an English toggle). No staff function is registered here.

Questions are answered up to :func:`rag.web.answering.answer_workers` at once (one
Gradio concurrency group shared by the Enter key, the send button and the example
questions), each client address within its rate limit (:mod:`rag.web.ratelimit`).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from rag.data import Turn
from rag.errors import RagError
from rag.web.answering import answer_workers
from rag.web.i18n import Lang, t
from rag.web.ratelimit import RateLimiter
from rag.web.webchat import Exchange, chat_steps, example_questions, rate
from ui import Services, ui_error, user_error

COPY_JS = """(text) => {
  if (!text) { return []; }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text);
  } else {
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand('copy'); area.remove();
  }
  return [];
}"""
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
Messages = list[dict[str, str]]


def header_html(lang: Lang) -> str:
    """The green banner with the title."""
    return (
        '<div class="app-header"><span class="logo">สสส.</span><div>'
        f"<h1>{t(lang, 'title')}</h1><p>{t(lang, 'subtitle')}</p></div></div>"
    )


def footer_html(lang: Lang) -> str:
    """The line under the chat."""
    return f'<div class="app-footer">{t(lang, "footer")}</div>'


@dataclass(frozen=True)
class View:
    """The components of the partner page."""

    messages: gr.State
    turns: gr.State
    exchange: gr.State
    header: gr.HTML
    lang: gr.Radio
    chatbot: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    new_chat: gr.Button
    copy: gr.Button
    plain: gr.Textbox
    fb_label: gr.Markdown
    good: gr.Button
    bad: gr.Button
    comment: gr.Textbox
    fb_status: gr.Markdown
    footer: gr.HTML


def layout(examples: list[str]) -> View:
    """Create the components (inside an open ``gr.Blocks``)."""
    states = gr.State([]), gr.State([]), gr.State(None)
    header = gr.HTML(header_html("th"), elem_id="app-header")
    lang = gr.Radio([("ไทย", "th"), ("English", "en")], value="th", elem_id="lang", container=False)
    chatbot = gr.Chatbot(
        label=t("th", "chat"),
        elem_id="chat",
        height=None,
        min_height=380,
        max_height=680,
        examples=[{"text": q} for q in examples],
        placeholder=f"### {t('th', 'examples')}",
        feedback_options=None,
        render_markdown=False,
        buttons=[],
    )
    with gr.Row(equal_height=True):
        question = gr.Textbox(
            placeholder=t("th", "placeholder"),
            elem_id="question",
            scale=8,
            autofocus=True,
            show_label=False,
            max_length=1000,
        )
        send = gr.Button(t("th", "send"), variant="primary", elem_id="send", scale=1)
    with gr.Row(elem_classes="tool-row"):
        new_chat = gr.Button(t("th", "new_chat"), elem_id="new-chat", size="sm", scale=0)
        copy = gr.Button(t("th", "copy"), elem_id="copy", size="sm", scale=0)
    with gr.Row(elem_classes="fb-row", equal_height=True):
        fb_label = gr.Markdown(f"**{t('th', 'feedback')}**", elem_classes="fb-label")
        good = gr.Button(t("th", "good"), elem_id="fb-up", size="sm", scale=0)
        bad = gr.Button(t("th", "bad"), elem_id="fb-down", size="sm", scale=0)
        comment = gr.Textbox(
            placeholder=t("th", "comment"),
            show_label=False,
            elem_id="fb-comment",
            max_length=2000,
            container=False,
            scale=3,
        )
    fb_status = gr.Markdown(elem_id="fb-status")
    plain = gr.Textbox(visible="hidden", elem_id="plain-answer")
    footer = gr.HTML(footer_html("th"))
    return View(
        *states, header, lang, chatbot, question, send, new_chat, copy, plain,
        fb_label, good, bad, comment, fb_status, footer,
    )  # fmt: skip


def client_address(request: gr.Request | None) -> str:
    """The client's address as uvicorn sees it (after its trusted-proxy handling)."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "")


def responder(services: Services) -> Callable[..., Iterator[tuple[Any, ...]]]:
    """The streaming handler of a question: rate-limited per client, counted in flight."""
    limiter = services.limiter or RateLimiter.from_config(services.cfg)

    def respond(
        text: str, msgs: Messages, history: list[Turn], language: Lang, request: gr.Request
    ) -> Iterator[tuple[Any, ...]]:
        try:
            limiter.check(client_address(request))
        except RagError as exc:
            raise ui_error(exc) from exc
        with services.in_flight.track():
            yield from answer_steps(services, text, msgs, history, language)

    return respond


def answer_steps(
    services: Services, text: str, msgs: Messages, history: list[Turn], language: Lang
) -> Iterator[tuple[Any, ...]]:
    """The outputs of one question, state by state (see :func:`responder`)."""
    text = (text or "").strip()
    if not text:
        raise user_error(t(language, "placeholder"))
    msgs = [
        *msgs,
        {"role": "user", "content": html.escape(text)},
        {"role": "assistant", "content": ""},
    ]
    steps = chat_steps(
        text,
        services.index,
        history,
        lang=language,
        key=uuid.uuid4().hex[:8],
        lock=services.library.lock,
    )
    try:
        for step in steps:
            msgs[-1] = {"role": "assistant", "content": step.html}
            if step.answer is None:
                yield msgs, msgs, "", gr.skip(), gr.skip(), gr.skip(), ""
                continue
            done = Exchange(text, step.answer, tuple(history))
            history = [*history, Turn(text, step.answer.text)]
            yield msgs, msgs, "", history, step.plain, done, ""
    except RagError as exc:
        raise ui_error(exc) from exc


def rater(services: Services, rating: str) -> Callable[[str, Exchange | None, Lang], Any]:
    """The handler of 👍 or 👎 on the latest answer."""

    def feedback(note: str, last: Exchange | None, language: Lang) -> Any:
        if last is None:
            return gr.skip(), f"⚠️ {t(language, 'no_answer_yet')}"
        try:
            rate(services.feedback, services.index, last, "up" if rating == "up" else "down", note)
        except RagError as exc:
            raise ui_error(exc) from exc
        return "", f"✅ {t(language, 'thanks')}"

    return feedback


def pick_example(evt: gr.SelectData) -> str:
    """The text of a clicked example question."""
    value = evt.value
    return str(value.get("text", "")) if isinstance(value, dict) else str(value)


def reset() -> tuple[Any, ...]:
    """A new conversation: empty chat, no history, nothing to rate."""
    return [], [], [], "", None, "", ""


def switch(language: Lang) -> tuple[Any, ...]:
    """Relabel the page in another language."""
    return (
        header_html(language),
        footer_html(language),
        gr.update(label=t(language, "chat")),
        gr.update(placeholder=t(language, "placeholder")),
        gr.update(value=t(language, "send")),
        gr.update(value=t(language, "new_chat")),
        gr.update(value=t(language, "copy")),
        f"**{t(language, 'feedback')}**",
        gr.update(value=t(language, "good")),
        gr.update(value=t(language, "bad")),
        gr.update(placeholder=t(language, "comment")),
    )


def build_partner(services: Services) -> gr.Blocks:
    """The partner Blocks: chat, examples, new conversation, copy, feedback, language."""
    app = gr.Blocks(title=t("th", "title"), analytics_enabled=False, fill_width=True)
    workers = answer_workers(services.cfg)
    answering: dict[str, Any] = {"concurrency_limit": workers, "concurrency_id": "answer"}
    with app:
        v = layout(example_questions(services.sets_dir / "demo.jsonl"))
        respond = responder(services)
        outputs = [v.chatbot, v.messages, v.question, v.turns, v.plain, v.exchange, v.fb_status]
        inputs = [v.question, v.messages, v.turns, v.lang]
        v.question.submit(respond, inputs, outputs, api_name="ask", **answering)
        v.send.click(respond, inputs, outputs, **answering, **PRIVATE)
        v.chatbot.example_select(pick_example, None, v.question, **PRIVATE).then(
            respond, inputs, outputs, **answering, **PRIVATE
        )
        cleared = [v.chatbot, v.messages, v.turns, v.plain, v.exchange, v.fb_status, v.comment]
        v.new_chat.click(reset, None, cleared, **PRIVATE)
        v.chatbot.clear(reset, None, cleared, **PRIVATE)
        v.copy.click(None, [v.plain], None, js=COPY_JS, **PRIVATE)
        fb_in, fb_out = [v.comment, v.exchange, v.lang], [v.comment, v.fb_status]
        v.good.click(rater(services, "up"), fb_in, fb_out, api_name="feedback_up")
        v.bad.click(rater(services, "down"), fb_in, fb_out, api_name="feedback_down")
        relabelled = [
            v.header, v.footer, v.chatbot, v.question, v.send, v.new_chat, v.copy,
            v.fb_label, v.good, v.bad, v.comment,
        ]  # fmt: skip
        v.lang.change(switch, v.lang, relabelled, **PRIVATE)
    app.queue(default_concurrency_limit=workers)  # the answers share one pool of `workers`
    return app
