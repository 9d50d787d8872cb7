"""What several sales forms share: choices of people, dates, regions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kehu.core.forms import date_input
from kehu.core.models import User
from kehu.core.scopes import visible_users

DATE = date_input()


def blank_and(names: list[str]) -> list[tuple[str, str]]:
    """A select's choices: nothing chosen, then each of `names`."""
    return [("", "---------"), *((n, n) for n in names)]


def people(field: Any, user: User) -> None:
    """A choice of the people `user` sees, by their names."""
    field.queryset = visible_users(user)
    field.label_from_instance = lambda u: u.display_name


def people_choices(user: User) -> list[tuple[str, Any]]:
    """A filter's choices: everyone, or one of the people `user` sees."""
    return [("", _("All")), *((str(u.pk), u.display_name) for u in visible_users(user))]
