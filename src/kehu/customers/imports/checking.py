"""Checking rows against the models' rules without touching the database."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from kehu.core.contact_details import phone_normalise
from kehu.core.models import User
from kehu.core.records import not_assignable_message, refused_fields
from kehu.core.regions import region_problems, region_resolve
from kehu.core.scopes import visible_users
from kehu.customers.dedup import DuplicateKeys
from kehu.customers.imports.columns import CONTACT, TARGET_KEYS, column_name
from kehu.customers.models import (
    Contact,
    Customer,
    ImportProblem,
    Tag,
)

if TYPE_CHECKING:
    from kehu.customers.services import PreparedCustomer

_SHOWN_VALUE = 200  # characters of a bad value kept in its problem report


@dataclass
class CheckedRow:
    number: int  # as the spreadsheet numbers it
    position: int  # the how-manieth row below the header
    values: dict[str, Any] = field(default_factory=dict)  # the Customer fields the row gives
    tags: list[str] = field(default_factory=list)
    contact: dict[str, Any] = field(default_factory=dict)  # the Contact fields it gives
    problems: dict[str, ImportProblem] = field(default_factory=dict)  # one per column
    # Worked out in the process that reads the file while the database writes the batch
    # before: what finds the row's duplicates, and the rows it is written as if it is new.
    duplicate_keys: DuplicateKeys = field(default_factory=lambda: DuplicateKeys("", "", ""))
    prepared: PreparedCustomer | None = None


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def _model_check(model_field: Any, value: Any) -> Any:
    """The field's own cleaning: its validators and their messages, as full_clean runs them."""
    return model_field.clean(value, None)


def _text(model_field: Any, raw: str) -> str:
    # Plain text passes the model's rules when it fits and has no NUL; only then is the
    # (slower) field validation skipped, so the messages are always the model's.
    limit = model_field.max_length  # None for a TextField
    if (limit is not None and len(raw) > limit) or "\x00" in raw:
        _model_check(model_field, raw)
    return raw


def _number(model_field: Any, raw: str) -> Any:
    # Spreadsheets write thousands with separators (200,000.00); the value is the same.
    return _model_check(model_field, raw.replace(",", ""))


def _phone(model_field: Any, raw: str) -> str:
    return _text(model_field, phone_normalise(raw))


def _choice_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())


# Words people write for a kind of customer beyond its label.
_KIND_WORDS = {"公司": "company", "单位": "company", "企业客户": "company", "自然人": "individual"}


@cache
def _choice_index(model_field: Any) -> dict[str, str]:
    """Written forms of a field's choices → stored value: the value and its label in every
    language ("AA", "AA — very good", "AA（很好）")."""
    index: dict[str, str] = {}
    for value, label in model_field.flatchoices:
        index[_choice_key(str(value))] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                index.setdefault(_choice_key(str(label)), value)
    if model_field.name == "kind":
        index.update({_choice_key(word): value for word, value in _KIND_WORDS.items()})
    return index


def _choice(model_field: Any, raw: str) -> str:
    value = _choice_index(model_field).get(_choice_key(raw))
    return value if value is not None else _model_check(model_field, raw)


_TAG_SEPARATORS = re.compile(r"[,，;；、|]")


def _tags(raw: str) -> list[str]:
    name_field = Tag._meta.get_field("name")
    names = {name.strip() for name in _TAG_SEPARATORS.split(raw) if name.strip()}
    return sorted(_text(name_field, name) for name in names)


def _field_cleaner(key: str) -> Callable[[str], Any]:
    model: type[models.Model] = Contact if key.startswith(CONTACT) else Customer
    model_field: Any = model._meta.get_field(key.removeprefix(CONTACT))
    if model_field.name == "phone":
        return lambda raw: _phone(model_field, raw)
    if model_field.name == "email":
        return lambda raw: _model_check(model_field, raw.lower())
    if model_field.choices:
        return lambda raw: _choice(model_field, raw)
    if isinstance(model_field, models.DecimalField | models.IntegerField):
        return lambda raw: _number(model_field, raw)
    return lambda raw: _text(model_field, raw)


class _Owners:
    """Owners named in a file, by user name or display name, and whether the actor may give
    customers to them (the rule customer_create enforces)."""

    def __init__(self, actor: User) -> None:
        users = list(User.objects.filter(is_active=True))
        self._by_username = {u.username: u for u in users}
        names = Counter(u.display_name for u in users)
        self._by_name = {u.display_name: u for u in users if names[u.display_name] == 1}
        self._ambiguous = {name for name, count in names.items() if count > 1}
        self._assignable = set(visible_users(actor).values_list("pk", flat=True))

    def __call__(self, raw: str) -> User:
        user = self._by_username.get(raw) or self._by_name.get(raw)
        if user is None and raw in self._ambiguous:
            raise ValidationError(
                _("Several users are called “%(name)s”; write the user name instead.")
                % {"name": raw}
            )
        if user is None:
            raise ValidationError(_("There is no active user “%(name)s”.") % {"name": raw})
        if user.pk not in self._assignable:
            raise ValidationError(not_assignable_message(user))
        return user


class RowChecker:
    """Checks one row at a time against the model's rules, without touching the database."""

    def __init__(self, *, headers: Sequence[str], columns: dict[str, int], actor: User) -> None:
        self._headers = list(headers)
        self._columns = columns
        self._actor = actor
        cleaners: dict[str, Callable[[str], Any]] = {"owner": _Owners(actor), "tags": _tags}
        self._plan = [
            (key, index, cleaners.get(key) or _field_cleaner(key)) for key, index in columns.items()
        ]

    def column(self, key: str) -> str:
        """Where the problems of a target are reported: its column, or its name if unmapped."""
        index = self._columns.get(key)
        name = str(TARGET_KEYS[key].label) if index is None else column_name(self._headers, index)
        return name[: ImportProblem._meta.get_field("column").max_length]

    def problem(self, row: CheckedRow, key: str, value: Any, message: str) -> None:
        column = self.column(key)
        shown = "" if value is None else str(value)
        if len(shown) > _SHOWN_VALUE:
            shown = shown[:_SHOWN_VALUE] + "…"
        row.problems.setdefault(
            column, ImportProblem(row=row.number, column=column, value=shown, message=message)
        )

    def check(self, number: int, position: int, cells: Sequence[str]) -> CheckedRow:
        row = CheckedRow(number=number, position=position)
        for key, index, clean in self._plan:
            raw = cells[index].strip() if index < len(cells) else ""
            if not raw:
                continue  # an empty cell leaves the model's default
            try:
                value = clean(raw)
            except ValidationError as error:
                self.problem(row, key, raw, _message(error))
                continue
            if key == "tags":
                row.tags = value
            elif key.startswith(CONTACT):
                row.contact[key.removeprefix(CONTACT)] = value
            else:
                row.values[key] = value
        self._require(row, "name", Customer)
        if row.contact:
            self._require(row, "contact_name", Contact)
        _resolve_region(row.values)
        if not row.problems:
            values = row.values
            row.duplicate_keys = DuplicateKeys.of(
                name=values["name"], phone=values.get("phone", ""), email=values.get("email", "")
            )
        return row

    def _require(self, row: CheckedRow, key: str, model: type[models.Model]) -> None:
        name = key.removeprefix(CONTACT)
        given = row.contact if key.startswith(CONTACT) else row.values
        if name not in given and self.column(key) not in row.problems:
            try:
                _model_check(model._meta.get_field(name), "")
            except ValidationError as error:
                self.problem(row, key, "", _message(error))

    def base_problems(self, row: CheckedRow, base: Customer | None) -> None:
        """What the row may not do to the customer it creates or updates (`base`): the
        fields the actor's role may not change, and the province, city and district the
        customer would have, checked together."""
        refused = refused_fields(actor=self._actor, model=Customer, values=row.values, current=base)
        for name, message in refused.items():
            self.problem(row, name, row.values[name], message)
        region = {
            name: row.values.get(name, getattr(base, name, ""))
            for name in ("province", "city", "district")
        }
        for name, message in region_problems(**region).items():
            self.problem(row, name, region[name], message)


_REGION = ("province", "city", "district")


def _resolve_region(values: dict[str, Any]) -> None:
    """Full division names for the ones a row writes short (陕西 → 陕西省), as Customer.clean
    does for a form or the API."""
    if any(name in values for name in _REGION):
        written = [values.get(name, "") for name in _REGION]
        for name, resolved in zip(_REGION, region_resolve(*written), strict=True):
            if resolved:
                values[name] = resolved
