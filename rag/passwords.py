"""Password rules for staff accounts and the configured staff password.

One place decides what is too weak: fewer than :data:`MIN_PASSWORD_CHARS`
characters, a commonly used password, or one of fewer than four distinct characters.
"""

from __future__ import annotations

MIN_PASSWORD_CHARS = 12
COMMON_PASSWORDS = frozenset(
    {
        "000000000000", "111111111111", "123123123123", "123456123456", "123456654321",
        "123456789012", "1234567890123", "12345678901234", "1q2w3e4r5t6y", "1qaz2wsx3edc",
        "administrator", "adminadmin123", "changeme1234", "iloveyou1234", "letmein12345",
        "password1234", "password12345", "password123!", "passwordpassword", "qwerty123456",
        "qwertyuiop12", "qwertyuiopasdf", "staffpassword", "thaihealth123", "welcome12345",
    }
)  # fmt: skip


def password_weakness(password: str) -> tuple[str, str] | None:
    """Why a configured password is too weak (Thai, English), or ``None`` when it is not.

    >>> password_weakness("a")[1]
    'shorter than 12 characters (1)'
    >>> password_weakness("Password1234")[1]
    'a commonly used or repetitive password'
    >>> password_weakness("ห้องสมุด-ชั้น-3-เปิด") is None
    True
    """
    if len(password) < MIN_PASSWORD_CHARS:
        return (
            f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD_CHARS} ตัวอักษร",
            f"shorter than {MIN_PASSWORD_CHARS} characters ({len(password)})",
        )
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return "รหัสผ่านนี้เดาง่าย (ใช้กันทั่วไปหรือซ้ำตัวอักษร)", "a commonly used or repetitive password"
    return None
