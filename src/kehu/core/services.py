"""Writes to the organisation: users, departments, roles, API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from kehu.core.models import Department, Role, User


def _department_path(department: Department) -> str:
    parent_path = department.parent.path if department.parent_id and department.parent else "/"
    return f"{parent_path}{department.pk}/"


@transaction.atomic
def department_save(
    *,
    department: Department | None = None,
    name: str,
    parent: Department | None,
    pool_after_days: int | None = None,
) -> Department:
    """Create or rename/move a department, keeping the paths of its whole subtree right;
    `pool_after_days`, when given, is how long its members' customers may go without a
    follow-up before they return to the pool."""
    department = department or Department()
    if pool_after_days is not None:
        department.pool_after_days = pool_after_days
    if department.pk and parent is not None and parent.path.startswith(department.path):
        raise ValidationError(
            {"parent": _("A department cannot be placed under itself or its sub-departments.")}
        )
    old_path = department.path
    department.name = name
    department.parent = parent
    department.full_clean(exclude=["path"])
    department.save()
    department.path = _department_path(department)
    department.save(update_fields=["path"])
    if old_path and old_path != department.path:
        for child in Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk):
            child.path = department.path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    return department


def department_get_or_create(*, name: str) -> Department:
    existing = Department.objects.filter(name=name).first()
    return existing or department_save(name=name, parent=None)


def _check_manager(user: User, manager: User | None) -> None:
    walker = manager
    while walker is not None:
        if user.pk and walker.pk == user.pk:
            raise ValidationError(
                {"manager": _("A user cannot report to themselves or to one of their own reports.")}
            )
        walker = walker.manager


@transaction.atomic
def user_save(
    *,
    user: User | None = None,
    username: str,
    password: str | None = None,
    role: Role | None,
    department: Department | None = None,
    manager: User | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_active: bool = True,
) -> User:
    """Create a user, or update one (a new password only when given)."""
    user = user or User()
    user.username = username
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.role = role
    user.department = department
    user.manager = manager
    user.is_active = is_active
    _check_manager(user, manager)
    if user.pk and not is_active:
        owned = user.customers.count()
        if owned:
            raise ValidationError(
                {
                    "is_active": _(
                        "%(user)s still owns %(count)d customers: hand them over before "
                        "deactivating the account."
                    )
                    % {"user": user.display_name, "count": owned}
                }
            )
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    elif not user.pk:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_create(
    *,
    username: str,
    password: str,
    role_code: str,
    department_name: str | None = None,
    manager_username: str | None = None,
) -> User:
    """Create a user by names, as the command line gives them."""
    role = Role.objects.filter(code=role_code).first()
    if role is None:
        codes = ", ".join(Role.objects.values_list("code", flat=True))
        raise ValidationError(
            {
                "role": _("No role “%(code)s”; choose one of: %(codes)s")
                % {"code": role_code, "codes": codes}
            }
        )
    manager = None
    if manager_username:
        manager = User.objects.filter(username=manager_username).first()
        if manager is None:
            raise ValidationError(
                {"manager": _("No user “%(username)s”.") % {"username": manager_username}}
            )
    department = department_get_or_create(name=department_name) if department_name else None
    return user_save(
        username=username, password=password, role=role, department=department, manager=manager
    )


@transaction.atomic
def role_save(
    *,
    role: Role | None = None,
    code: str,
    name: str,
    data_scope: str,
    permissions: list[Permission] | Any,
    customer_limit: int | None,
) -> Role:
    """Create or change a role; `customer_limit` caps how many customers each of its people
    may own through the pool and handovers (None: no cap)."""
    role = role or Role()
    role.code = code
    role.name = name
    role.data_scope = data_scope
    role.customer_limit = customer_limit
    role.full_clean()
    role.save()
    role.permissions.set(permissions)
    return role


def token_for(*, user: User) -> str:
    """The user's API token, made on first asking."""
    token, _created = Token.objects.get_or_create(user=user)
    return str(token.key)


def token_for_username(*, username: str) -> str:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise LookupError(_("No active user “%(username)s”.") % {"username": username})
    return token_for(user=user)
