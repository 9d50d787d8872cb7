"""Writes the rules refuse, told in one line: the kernel's, and each app's subclass."""

from django.utils.translation import gettext_lazy as _


class Refused(Exception):
    """A write the business rules refused (beyond a field's validation), with why."""


class VersionConflict(Refused):
    """The record changed since the writer read it; the write was not applied."""

    def __init__(self, current_version: int | None = None, message: str | None = None) -> None:
        super().__init__(
            message
            or _("Someone else changed this record after you opened it. Reload it and try again.")
        )
        self.current_version = current_version
