from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kehu.core.models import Department, Role, User
from kehu.core.records import restricted_fields


def restricted_disable(form: forms.ModelForm, user: User) -> None:
    """Show the fields `user` may not change read-only: the browser sends them back as they
    were, and the services refuse a change that comes some other way."""
    for name, permission in restricted_fields(form._meta.model).items():
        if name in form.fields and not user.has_perm(permission):
            form.fields[name].disabled = True
            form.fields[name].help_text = _("Your role may not change this.")


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "parent"]


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
    return (
        Permission.objects.filter(
            Q(
                content_type__app_label="customers",
                content_type__model__in=["customer", "contact", "activity"],
            )
            | Q(codename="manage_organisation")
        )
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
        fields = ["code", "name", "data_scope", "permissions"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built-in roles keep an English name that every page translates; the form offers
        # it in the reader's language, and saving makes that the company's own name.
        if self.instance.pk and not self.is_bound:
            self.initial["name"] = gettext(self.instance.name)
        permissions: Any = self.fields["permissions"]
        permissions.queryset = _role_permissions()
        permissions.label_from_instance = permission_label
