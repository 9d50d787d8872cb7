"""What every app's `kehu` sub-commands share: the error a user can act on, and a refused
write told as lines. Loaded before Django is, so it imports nothing of it at the top."""

from __future__ import annotations


class CommandError(Exception):
    """A failure the user can act on; printed without a traceback, exit status 1 or `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def validation_messages(error: Exception) -> list[str]:
    """A refused write as lines, "field: message" where a field is named."""
    from django.core.exceptions import ValidationError

    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return [f"{field}: {m}" for field, msgs in error.message_dict.items() for m in msgs]
    if isinstance(error, ValidationError):
        return [str(m) for m in error.messages]
    return [str(error)]
