"""Staff roles and what each may do: one explicit table, checked on the server.

- ``admin``: everything, plus the accounts, the audit log and settings.
- ``editor``: the documents: list, upload, delete, replace, re-index.
- ``evaluator``: evaluation and feedback: run an evaluation, read and export feedback.

>>> can("editor", "upload"), can("editor", "evaluate"), can("admin", "evaluate")
(True, False, True)
>>> can(None, "upload")
False
"""

from __future__ import annotations

import unicodedata
from typing import Literal, get_args

from rag.errors import AccountError, ForbiddenError

MAX_USER = 64

Role = Literal["admin", "editor", "evaluator"]
Action = Literal[
    "accounts",  # list, add, remove accounts; set passwords
    "audit",  # read the audit log
    "settings",  # change settings from the staff area (reserved: none are editable yet)
    "documents",  # list the documents
    "upload",
    "delete",
    "replace",
    "reindex",
    "evaluate",  # run an evaluation
    "feedback",  # read and export feedback
]
ROLES: tuple[Role, ...] = get_args(Role)
ACTIONS: tuple[Action, ...] = get_args(Action)

_EDITOR: frozenset[Action] = frozenset({"documents", "upload", "delete", "replace", "reindex"})
_EVALUATOR: frozenset[Action] = frozenset({"evaluate", "feedback"})
ALLOWED: dict[Role, frozenset[Action]] = {
    "admin": frozenset(ACTIONS),
    "editor": _EDITOR,
    "evaluator": _EVALUATOR,
}

ROLE_NAMES: dict[Role, str] = {
    "admin": "ผู้ดูแลระบบ",
    "editor": "ผู้จัดการเอกสาร",
    "evaluator": "ผู้ประเมินผล",
}
ACTION_NAMES: dict[Action, tuple[str, str]] = {
    "accounts": ("จัดการบัญชีเจ้าหน้าที่", "manage staff accounts"),
    "audit": ("ดูบันทึกการใช้งาน", "read the audit log"),
    "settings": ("แก้ไขการตั้งค่า", "change settings"),
    "documents": ("ดูรายการเอกสาร", "list documents"),
    "upload": ("เพิ่มเอกสาร", "upload documents"),
    "delete": ("ลบเอกสาร", "delete documents"),
    "replace": ("แทนที่เอกสาร", "replace documents"),
    "reindex": ("สร้างดัชนีใหม่", "re-index documents"),
    "evaluate": ("ประเมินผล", "run evaluations"),
    "feedback": ("ดูและส่งออกความคิดเห็น", "read and export feedback"),
}


def can(role: Role | None, action: Action) -> bool:
    """Whether a role may do an action (``None``, no account: nothing)."""
    return role is not None and action in ALLOWED[role]


def forbidden(user: str | None, role: Role | None, action: Action) -> ForbiddenError:
    """The refusal of an action, in Thai and English.

    >>> error = forbidden("somchai", "editor", "evaluate")
    >>> error.english
    "account 'somchai' (editor) may not run evaluations"
    >>> error.thai
    'บัญชี somchai (ผู้จัดการเอกสาร) ไม่มีสิทธิ์ประเมินผล'
    """
    name = user or "-"
    thai, english = ACTION_NAMES[action]
    if role is None:
        return ForbiddenError(
            name,
            f"ไม่พบบัญชีเจ้าหน้าที่ {name} จึงไม่มีสิทธิ์{thai}",
            f"no staff account {name!r}, so it may not {english}",
        )
    return ForbiddenError(
        name,
        f"บัญชี {name} ({ROLE_NAMES[role]}) ไม่มีสิทธิ์{thai}",
        f"account {name!r} ({role}) may not {english}",
    )


def _name_char(char: str) -> bool:
    return char.isalnum() or char in "._-@" or unicodedata.category(char).startswith("M")


def user_name(user: str) -> str:
    """A valid user name (trimmed): 1-64 letters (Thai too), digits or ``. _ - @``.

    No spaces, ``:`` (``cli:…`` names the command line in the audit log) or markup.

    >>> user_name(" สมหญิง.ใจดี ")
    'สมหญิง.ใจดี'
    >>> user_name("cli:root")
    Traceback (most recent call last):
    rag.errors.AccountError: cli:root: a user name is 1-64 letters, digits or . _ - @ / ...
    """
    name = user.strip()
    if not name or len(name) > MAX_USER or not all(_name_char(c) for c in name):
        raise AccountError(
            name[:MAX_USER],
            f"ชื่อผู้ใช้ต้องยาว 1-{MAX_USER} ตัว เป็นตัวอักษร ตัวเลข หรือ . _ - @ เท่านั้น",
            f"a user name is 1-{MAX_USER} letters, digits or . _ - @",
        )
    return name


def role_of(role: str) -> Role:
    """A known role name."""
    if role not in ROLES:
        raise AccountError(
            role, f"ไม่รู้จักบทบาทนี้ (มี {', '.join(ROLES)})", f"unknown role; one of {ROLES}"
        )
    return role
