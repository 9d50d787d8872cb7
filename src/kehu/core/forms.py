from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kehu.core.models import Department, Role, User
from kehu.core.records import REFUSALS, FieldsRefused, Writes, restricted_fields
from kehu.core.registry import kehu_apps

T = TypeVar("T")

# A form's page layout: columns of cards, each a title and its fields with their widths.
Card = tuple[Any, tuple[tuple[str, str], ...]]


def date_input() -> forms.DateInput:
    """The browser's date picker, which reads and writes ISO dates whatever the page's
    language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def form_problem(form: forms.BaseForm) -> ValidationError:
    """A form's errors as one refusal whose messages name their fields."""
    messages: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.extend(f"{label}: {e}" if label else str(e) for e in errors)
    return ValidationError(messages)


class RecordForm(forms.ModelForm):
    """The form of a record that its services write: it carries the version the record was
    read at (a stale one is refused), and shows the fields `user` may not change read-only:
    the browser sends them back as they were, and the services refuse a change that comes
    some other way.

    `layout` places the fields for `_form_cards.html`: columns of cards of (field, CSS width).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    layout: tuple[tuple[Card, ...], ...] = ()

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        # Validating a ModelForm writes the typed values onto its instance; the service
        # must get the record as it was read, to record what changed, so the form checks
        # a copy.
        self.record = kwargs.get("instance")
        if self.record is not None:
            kwargs["instance"] = copy.copy(self.record)
        super().__init__(*args, **kwargs)
        self.user = user
        for name, permission in restricted_fields(self._meta.model).items():
            if name in self.fields and not user.has_perm(permission):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Your role may not change this.")
        if self.instance.pk and hasattr(self.instance, "version"):
            self.initial["version"] = self.instance.version

    def add_problem(self, problem: Exception) -> None:
        """Show what a service refused: each field's problem at its field, the rest above."""
        if isinstance(problem, FieldsRefused):
            for name, reason in problem.fields.items():
                self.add_error(name if name in self.fields else None, reason)
        elif isinstance(problem, ValidationError) and hasattr(problem, "error_dict"):
            for name, errors in problem.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        elif isinstance(problem, ValidationError):
            self.add_error(None, problem)
        else:
            self.add_error(None, str(problem))

    def columns(self) -> list[list[tuple[Any, list[tuple[forms.BoundField, str]]]]]:
        """`layout` with bound fields, for the template."""
        return [
            [
                (title, [(self[name], width) for name, width in fields if name in self.fields])
                for title, fields in column
            ]
            for column in self.layout
        ]

    def saved(self, write: Callable[[dict[str, Any], int], T]) -> T | None:
        """Once the form is sent and valid, `write(data, version)` through the services: what
        it wrote, or None, its problems then shown on the form."""
        if not self.is_bound or not self.is_valid():
            return None
        data, version = self.written()
        try:
            return write(data, version)
        except REFUSALS as problem:
            self.add_problem(problem)
            return None

    def record_saved(self, writes: Writes, **data: Any) -> Any:
        """`saved`, creating the record or updating the one the form edits through `writes`,
        with `data` besides the form's (the record the new one belongs to)."""
        return self.saved(
            lambda fields, version: writes.write(
                actor=self.user, record=self.record, data={**fields, **data}, version=version
            )
        )

    def written(self) -> tuple[dict[str, Any], int]:
        """The cleaned fields as the services take them, and the version the form read. A
        field shown read-only carries nothing to write."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.fields or not self.fields[name].disabled
        }
        return data, int(data.pop("version", None) or 0)


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "parent", "pool_after_days"]


class UserForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Leave empty to keep the current password."),
        strip=False,
    )

    class Meta:
        model = User
        fields = [
            "username",
            "last_name",
            "first_name",
            "email",
            "role",
            "department",
            "manager",
            "is_active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""
        manager_field: Any = self.fields["manager"]
        manager_field.queryset = User.objects.filter(is_active=True).exclude(pk=self.instance.pk)
        manager_field.label_from_instance = lambda user: user.display_name
        role_field: Any = self.fields["role"]
        role_field.label_from_instance = lambda role: gettext(role.name)


_ACTIONS = {
    "view": _("View"),
    "add": _("Add"),
    "change": _("Change"),
    "delete": _("Delete"),
}


def permission_label(permission: Permission) -> str:
    """“View · customer” for Django's built-in permissions; the model's own wording otherwise.

    Labels come from the code, not the stored names, which are in whatever language was
    active when the permissions were created.
    """
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    if action in _ACTIONS and model_name == model._meta.model_name:
        return f"{_ACTIONS[action]} · {model._meta.verbose_name}"
    declared = dict(model._meta.permissions)
    return str(declared.get(permission.codename, permission.name))


def _role_permissions() -> Any:
    """Every permission of Kehu's own apps, for the role editor."""
    labels = [app.label for app in kehu_apps()]
    return (
        Permission.objects.filter(content_type__app_label__in=labels)
        .select_related("content_type")
        .order_by("content_type__app_label", "content_type__model", "codename")
    )


class RoleForm(forms.ModelForm):
    permissions = forms.ModelMultipleChoiceField(
        label=_("permissions"),
        queryset=Permission.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )

    class Meta:
        model = Role
        fields = ["code", "name", "data_scope", "customer_limit", "permissions"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built-in roles keep an English name that every page translates; the form offers
        # it in the reader's language, and saving makes that the company's own name.
        if self.instance.pk and not self.is_bound:
            self.initial["name"] = gettext(self.instance.name)
        permissions: Any = self.fields["permissions"]
        permissions.queryset = _role_permissions()
        permissions.label_from_instance = permission_label
