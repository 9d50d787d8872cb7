"""Data scopes: which owners' records a user may see. Every selector filters through here."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from kehu.core.models import DataScope, User

_QuerySet = TypeVar("_QuerySet", bound=QuerySet[Any])


def subordinate_ids(user: User) -> set[int]:
    """The user and everyone who reports to them, directly or through other managers."""
    seen = {user.pk}
    frontier = [user.pk]
    while frontier:
        frontier = [
            pk
            for pk in User.objects.filter(manager_id__in=frontier).values_list("pk", flat=True)
            if pk not in seen
        ]
        seen.update(frontier)
    return seen


def user_scope(user: Any) -> str:
    if not user.is_authenticated or not user.is_active:
        return ""
    if user.is_superuser:
        return DataScope.ALL
    return user.role.data_scope if user.role_id else DataScope.OWN


def owner_filter(user: Any, owner_field: str = "owner") -> Q | None:
    """The condition on `owner_field` (a path to a user; "" for users themselves) that limits
    records to the user's data scope.

    None means no limit (scope "all"). An unauthenticated or inactive user sees nothing.
    """

    def on_owner(lookup: str, value: Any) -> Q:
        return Q(**{f"{owner_field}__{lookup}" if owner_field else lookup: value})

    scope = user_scope(user)
    if scope == DataScope.ALL:
        return None
    if not scope:
        return Q(pk__in=[])
    department = user.department
    if scope == DataScope.SUBORDINATES:
        return on_owner("pk__in", subordinate_ids(user))
    if scope == DataScope.DEPARTMENT and department is not None:
        return on_owner("department", department.pk)
    if scope == DataScope.DEPARTMENT_TREE and department is not None:
        return on_owner("department__path__startswith", department.path)
    return on_owner("pk", user.pk)


def scoped(queryset: _QuerySet, user: Any, owner_field: str = "owner") -> _QuerySet:
    """`queryset` limited to the records whose owner (at `owner_field`) `user` may see."""
    condition = owner_filter(user, owner_field)
    return queryset if condition is None else queryset.filter(condition)


def visible_users(user: Any) -> Any:
    """The users whose records this user may see (for owner pickers and filters)."""
    return scoped(User.objects.filter(is_active=True), user, owner_field="")
