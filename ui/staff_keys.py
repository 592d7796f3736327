"""The admins' API keys tab: create a key (shown once), revoke one, list them.

Only admins: every handler calls :func:`ui.staff_accounts.guard` with ``accounts``;
the tab is greyed out for the other roles. The logic is :class:`rag.web.apikeys.ApiKeys`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from rag.errors import RagError
from rag.web.apikeys import KEY_ROLES, ApiKey, ApiKeys
from rag.web.roles import can
from ui import Services, ui_error
from ui.staff_accounts import guard, role_of

KEY_HEADERS = ["ชื่อ / Name", "บทบาท / Role", "สร้างเมื่อ / Created (UTC)",
               "ใช้ล่าสุด / Last used", "ยกเลิกเมื่อ / Revoked"]  # fmt: skip
ROLE_LABELS = {"partner": "พันธมิตร / partner (search, ask)",
               "staff": "เจ้าหน้าที่ / staff (+ documents, feedback)"}  # fmt: skip
PRIVATE: dict[str, Any] = {"api_visibility": "private"}
Rows = list[list[Any]]


@dataclass(frozen=True)
class KeysView:
    """The components of the API keys tab."""

    table: gr.Dataframe
    name: gr.Textbox
    role: gr.Dropdown
    create: gr.Button
    revoke: gr.Button
    secret: gr.Textbox
    message: gr.Markdown


def keys_layout() -> KeysView:
    """Create the API keys tab (inside an open ``gr.Tabs``)."""
    with gr.Tab("คีย์ API / API keys", id="keys"):
        table = gr.Dataframe(
            headers=KEY_HEADERS, type="array", interactive=False, elem_id="keys-table"
        )
        with gr.Row():
            name = gr.Textbox(label="ชื่อคีย์ / Key name", max_length=64, elem_id="key-name")
            role = gr.Dropdown([(ROLE_LABELS[r], r) for r in KEY_ROLES], value="partner",
                               label="บทบาท / Role")  # fmt: skip
        with gr.Row():
            create = gr.Button("สร้างคีย์ / Create key", variant="primary", elem_id="key-create")
            revoke = gr.Button("ยกเลิกคีย์ / Revoke key", variant="stop", elem_id="key-revoke")
        secret = gr.Textbox(
            label="คีย์ใหม่ (แสดงครั้งเดียว) / New key (shown once)",
            interactive=False,
            buttons=["copy"],
            elem_id="key-secret",
        )
        message = gr.Markdown(elem_id="key-message")
    return KeysView(table, name, role, create, revoke, secret, message)


def key_rows(keys: list[ApiKey]) -> Rows:
    """Rows of the keys table (never the keys themselves)."""
    return [
        [k.name, k.role, k.created_at.replace("T", " "), k.last_used.replace("T", " ") or "-",
         k.revoked_at.replace("T", " ") or "-"]
        for k in keys
    ]  # fmt: skip


def key_handlers(services: Services) -> tuple[Callable[..., Any], ...]:
    """The admin handlers: list, create and revoke keys."""
    keys = ApiKeys.for_config(services.cfg)

    def listed(request: gr.Request) -> Rows:
        return key_rows(keys.list()) if can(role_of(services, request), "accounts") else []

    def create(name: str, role: str, request: gr.Request) -> tuple[Any, ...]:
        admin = guard(services, request, "accounts", name)
        try:
            key, secret = keys.create(name, role)
        except RagError as exc:
            raise ui_error(exc) from exc
        services.audit.record(admin.user, "api_key_create", key.name, f"role {key.role}")
        note = f"✅ {key.name} ({key.role}) — คัดลอกคีย์ตอนนี้ / copy the key now"
        return note, secret, "", key_rows(keys.list())

    def revoke(name: str, request: gr.Request) -> tuple[Any, ...]:
        admin = guard(services, request, "accounts", name)
        try:
            key = keys.revoke(name)
        except RagError as exc:
            raise ui_error(exc) from exc
        services.audit.record(admin.user, "api_key_revoke", key.name, f"role {key.role}")
        return f"🚫 {key.name}", "", "", key_rows(keys.list())

    return listed, create, revoke


def wire_keys(services: Services, app: gr.Blocks, view: KeysView) -> None:
    """Wire the API keys tab; admins see the list when the page loads."""
    listed, create, revoke = key_handlers(services)
    app.load(listed, None, view.table, **PRIVATE)
    changed = [view.message, view.secret, view.name, view.table]
    view.create.click(create, [view.name, view.role], changed, api_name="key_create")
    view.revoke.click(revoke, view.name, changed, api_name="key_revoke")
