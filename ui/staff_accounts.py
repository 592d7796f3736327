"""Roles in the staff area: a server-side check in every handler, and the admin tab.

Each staff handler calls :func:`guard` first: the logged-in account must exist and
its role must allow the action (:mod:`rag.web.roles`), else the call is refused in
Thai and English and the refusal is audited. Tabs a role cannot use are greyed out
and emptied when the page loads (this Gradio keeps a hidden tab's button); that is
cosmetic, the check in the handler is what counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from rag.errors import RagError
from rag.web.accounts import Account, allowed
from rag.web.roles import ROLE_NAMES, ROLES, Action, can
from ui import Services, ui_error

#: Audited actions and their names in the audit log (the others only read).
RECORDED: dict[Action, str] = {
    "upload": "upload",
    "delete": "delete",
    "replace": "replace",
    "reindex": "reindex",
    "evaluate": "evaluate",
    "feedback": "feedback_export",
}
#: The staff tabs (their ``id``) and the action each one needs.
TAB_ACTIONS: dict[str, Action] = {
    "upload": "upload",
    "docs": "documents",
    "eval": "evaluate",
    "feedback": "feedback",
    "accounts": "accounts",
    "keys": "accounts",
}
ACCOUNT_HEADERS = ["ผู้ใช้ / User", "บทบาท / Role", "สร้างเมื่อ / Created (UTC)"]
AUDIT_HEADERS = ["เมื่อ / When (UTC)", "ผู้ใช้ / User", "การกระทำ / Action", "เป้าหมาย / Target",
                 "รายละเอียด / Detail"]  # fmt: skip
AUDIT_ROWS = 200
Rows = list[list[Any]]


def guard(
    services: Services,
    request: gr.Request | None,
    action: Action,
    target: str = "",
    *,
    record: bool = True,
) -> Account:
    """The logged-in account when its role allows ``action``, else a Gradio error.

    A refusal is audited; an allowed recorded action too, unless ``record`` is false
    (a job submission records itself with its job id, see :func:`audit_job`).
    """
    user = request.username if request is not None else None
    try:
        account = allowed(services.accounts, user, action)
    except RagError as exc:
        services.audit.record(user or "-", "forbidden", action, target)
        raise ui_error(exc) from exc
    if record and action in RECORDED:
        services.audit.record(account.user, RECORDED[action], target)
    return account


def audit_job(
    services: Services, account: Account, action: Action, target: str, job_id: int
) -> None:
    """Record a submitted staff job: who, what, which document or file, which job."""
    services.audit.record(account.user, RECORDED[action], target, f"job #{job_id}")


def role_of(services: Services, request: gr.Request | None) -> Any:
    """The role of the logged-in account, or ``None``."""
    account = services.accounts.get(request.username or "") if request is not None else None
    return account.role if account else None


def by_role(
    services: Services, listing: Callable[[], tuple[Any, ...]]
) -> Callable[[gr.Request], tuple[Any, ...]]:
    """The document and feedback listing, blanking what the role may not read."""

    def listed(request: gr.Request) -> tuple[Any, ...]:
        docs, pick, summary, recent = listing()
        role = role_of(services, request)
        if not can(role, "documents"):
            docs, pick = [], gr.update(choices=[], value=None)
        if not can(role, "feedback"):
            summary, recent = "", []
        return docs, pick, summary, recent

    return listed


@dataclass(frozen=True)
class AccountsView:
    """The components of the admin tab."""

    accounts: gr.Dataframe
    user: gr.Textbox
    role: gr.Dropdown
    password: gr.Textbox
    add: gr.Button
    remove: gr.Button
    message: gr.Markdown
    audit: gr.Dataframe
    refresh: gr.Button


def accounts_layout() -> AccountsView:
    """Create the admin tab and its components (inside an open ``gr.Tabs``)."""
    with gr.Tab("บัญชีและบันทึก / Accounts & audit", id="accounts"):
        return _accounts_components()


def _accounts_components() -> AccountsView:
    table: dict[str, Any] = {"type": "array", "interactive": False, "wrap": True}
    accounts = gr.Dataframe(headers=ACCOUNT_HEADERS, elem_id="accounts-table", **table)
    with gr.Row():
        user = gr.Textbox(label="ชื่อผู้ใช้ / User name", max_length=64, elem_id="account-user")
        role = gr.Dropdown(
            [(f"{ROLE_NAMES[r]} / {r}", r) for r in ROLES], value="editor", label="บทบาท / Role"
        )
        password = gr.Textbox(label="รหัสผ่าน / Password (12+)", type="password", max_length=200)
    with gr.Row():
        add = gr.Button("เพิ่มบัญชี / Add account", variant="primary", elem_id="account-add")
        remove = gr.Button("ลบบัญชี / Remove account", variant="stop", elem_id="account-remove")
    message = gr.Markdown(elem_id="account-message")
    refresh = gr.Button("รีเฟรช / Refresh", size="sm", elem_id="audit-refresh")
    audit = gr.Dataframe(
        headers=AUDIT_HEADERS, elem_id="audit-table", max_height=420, **table
    )  # fmt: skip
    return AccountsView(accounts, user, role, password, add, remove, message, audit, refresh)


def account_rows(services: Services) -> tuple[Rows, Rows]:
    """The accounts table and the newest audit entries."""
    accounts = [[a.user, a.role, a.created_at.replace("T", " ")] for a in services.accounts.list()]
    entries = services.audit.recent(AUDIT_ROWS)
    audit = [[e.at.replace("T", " "), e.user, e.action, e.target, e.detail] for e in entries]
    return accounts, audit


def account_handlers(services: Services) -> tuple[Callable[..., Any], ...]:
    """The admin handlers: show, add and remove accounts."""

    def show(request: gr.Request) -> tuple[Rows, Rows]:
        guard(services, request, "accounts")
        return account_rows(services)

    def add(user: str, role: str, password: str, request: gr.Request) -> tuple[Any, ...]:
        admin = guard(services, request, "accounts", user)
        try:
            account = services.accounts.add(user, role, password)
        except RagError as exc:
            raise ui_error(exc) from exc
        services.audit.record(admin.user, "account_add", account.user, f"role {account.role}")
        return f"✅ {account.user} ({account.role})", "", "", *account_rows(services)

    def remove(user: str, request: gr.Request) -> tuple[Any, ...]:
        admin = guard(services, request, "accounts", user)
        try:
            account = services.accounts.remove(user)
        except RagError as exc:
            raise ui_error(exc) from exc
        services.audit.record(admin.user, "account_remove", account.user, f"role {account.role}")
        return f"🗑️ {account.user}", "", "", *account_rows(services)

    return show, add, remove


def wire_accounts(services: Services, app: gr.Blocks, view: AccountsView) -> None:
    """Wire the admin tab; on load, grey out the tabs a role cannot use and open its first."""
    tabs = [b for b in app.blocks.values() if isinstance(b, gr.Tab) and b.id in TAB_ACTIONS]
    bar = next(b for b in app.blocks.values() if isinstance(b, gr.Tabs))
    tables = [view.accounts, view.audit]

    def on_load(request: gr.Request) -> list[Any]:
        role = role_of(services, request)
        usable = [can(role, TAB_ACTIONS[str(tab.id)]) for tab in tabs]
        shown = [gr.update(visible=ok, interactive=ok) for ok in usable]
        first = next((tab.id for tab, ok in zip(tabs, usable, strict=True) if ok), None)
        rows = account_rows(services) if can(role, "accounts") else ([], [])
        return [gr.Tabs(selected=first), *shown, *rows]

    private: dict[str, Any] = {"api_visibility": "private"}
    app.load(on_load, None, [bar, *tabs, *tables], **private)
    show, add, remove = account_handlers(services)
    view.refresh.click(show, None, tables, api_name="accounts")
    changed = [view.message, view.user, view.password, *tables]
    view.add.click(
        add, [view.user, view.role, view.password], changed, api_name="account_add"
    )  # fmt: skip
    view.remove.click(remove, view.user, changed, api_name="account_remove")
