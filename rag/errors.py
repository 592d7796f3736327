"""The error hierarchy.

Every error names the bad value in its English message and carries a Thai message
for end users in :attr:`RagError.thai`. ``str(err)`` gives both, so a log line or
a CLI message is readable by staff of either language.

>>> err = UnsupportedFileError("notes.xyz", "ไม่รองรับไฟล์ชนิดนี้", "unsupported extension '.xyz'")
>>> err.thai
'ไม่รองรับไฟล์ชนิดนี้'
>>> print(err)
notes.xyz: unsupported extension '.xyz' / ไม่รองรับไฟล์ชนิดนี้
"""

from __future__ import annotations


class RagError(Exception):
    """Base class of every error the library raises on purpose.

    Args:
        subject: The bad value (a file name, a config key, a model name).
        thai: The message for Thai users.
        english: The message for English readers and logs.
    """

    def __init__(self, subject: str, thai: str, english: str) -> None:
        self.subject = subject
        self.thai = thai
        self.english = english
        super().__init__(f"{subject}: {english} / {thai}")


class ConfigError(RagError):
    """A configuration value is missing or invalid."""


class InputError(RagError):
    """A document cannot be ingested; nothing already indexed is touched."""


class UnsupportedFileError(InputError):
    """The file type is not one we read."""


class EmptyFileError(InputError):
    """The file has no bytes or no extractable text."""


class CorruptFileError(InputError):
    """The file is damaged or not what its extension says."""


class TooLargeError(InputError):
    """An input is over a size limit (a question, or a file's unpacked contents)."""


class EncryptedFileError(InputError):
    """The file is password protected."""


class StoreError(RagError):
    """The index on disk is missing, inconsistent or built differently."""


class EmbedderMismatchError(StoreError):
    """The index was built with another embedder than the one configured."""


class IndexBusyError(StoreError):
    """Another process kept the index's write lock longer than ``write_lock_timeout``."""


class BackendError(RagError):
    """An external service (Chroma server, LLM endpoint) failed."""


class LoginLockedError(RagError):
    """Too many failed logins: the attempt is refused without checking the password.

    Args:
        subject: What is locked (``staff login``).
        thai: The message for Thai users.
        english: The message for English readers and logs.
        retry_after: Seconds until the lock ends.
    """

    def __init__(self, subject: str, thai: str, english: str, retry_after: float) -> None:
        super().__init__(subject, thai, english)
        self.retry_after = retry_after


class AccountError(RagError):
    """A staff account or API key cannot be added, changed or removed (unknown, duplicate…)."""


class UnauthorizedError(RagError):
    """A request carries no valid API key: it is missing, unknown or revoked."""


class NotFoundError(RagError):
    """A document or job asked for by id does not exist."""


class ForbiddenError(RagError):
    """A staff account's role does not allow the action it asked for."""


class RateLimitedError(RagError):
    """A client asked more questions than ``ask_per_minute`` / ``ask_burst`` allow.

    Args:
        subject: What was refused (``question``).
        thai: The message for Thai users.
        english: The message for English readers and logs.
        retry_after: Seconds until the client may ask again.
    """

    def __init__(self, subject: str, thai: str, english: str, retry_after: float) -> None:
        super().__init__(subject, thai, english)
        self.retry_after = retry_after


class SignatureError(RagError):
    """A signed call (a LINE webhook) has a missing or wrong signature; nothing is processed."""
