"""Data scopes: which records a user may see.

A user's role gives a data scope (own, own + subordinates, department, department subtree,
all). A model declares whose records its rows are in `visibility`: the users at one or
more paths (a customer through its owner; a ticket, later, through its customer's owner and
through the members of its service team), and rules of its own where a path is not enough.
`Model.objects.visible_to(user)` is the one way to read what a user may see; the kernel's
bases for pages and the API apply it to every object they load and every list they serve,
so a route cannot forget it, and a model that declares no visibility cannot be served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Self, TypeAlias, TypeGuard, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from kehu.core.models import User

# Whoever asks: a Kehu user, or a visitor who has not logged in (who sees nothing).
Reader: TypeAlias = "User | AnonymousUser"

_QuerySet = TypeVar("_QuerySet", bound=QuerySet[Any])


class DataScope(models.TextChoices):
    OWN = "own", _("Own records")
    SUBORDINATES = "subordinates", _("Own and subordinates' records")
    DEPARTMENT = "department", _("Own department")
    DEPARTMENT_TREE = "department_tree", _("Own department and its sub-departments")
    ALL = "all", _("All records")


def _users() -> Any:
    from kehu.core.models import User

    return User._default_manager


# Within a request, each user's team is read once, however many lists it limits (the
# deals and their sums, a filter's choices): see TeamsPerRequest.
_teams: ContextVar[dict[int, set[int]] | None] = ContextVar("kehu_teams", default=None)


class TeamsPerRequest:
    """Remembers the teams read for the scopes during one request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _teams.set({})
        try:
            return self.get_response(request)
        finally:
            _teams.reset(token)


def subordinate_ids(user: User) -> set[int]:
    """The user and everyone who reports to them, directly or through other managers."""
    remembered = _teams.get()
    if remembered is not None and user.pk in remembered:
        return set(remembered[user.pk])
    team = _team_of(user)
    if remembered is not None:
        remembered[user.pk] = set(team)
    return team


def _team_of(user: User) -> set[int]:
    seen = {user.pk}
    frontier = [user.pk]
    while frontier:
        frontier = [
            pk
            for pk in _users().filter(manager_id__in=frontier).values_list("pk", flat=True)
            if pk not in seen
        ]
        seen.update(frontier)
    return seen


def _active(user: Reader) -> TypeGuard[User]:
    return not isinstance(user, AnonymousUser) and user.is_active


def user_scope(user: Reader) -> str:
    """The user's data scope; "" for a user who may see nothing (anonymous or inactive)."""
    if not _active(user):
        return ""
    if user.is_superuser:
        return DataScope.ALL
    return str(user.role.data_scope) if user.role else DataScope.OWN


def owner_filter(user: Reader, owner_field: str = "owner") -> Q | None:
    """The condition on `owner_field` (a path to a user; "" for users themselves) that limits
    records to the user's data scope.

    None means no limit (scope "all"). An unauthenticated or inactive user sees nothing.
    """

    def on_owner(lookup: str, value: Any) -> Q:
        return Q(**{f"{owner_field}__{lookup}" if owner_field else lookup: value})

    scope = user_scope(user)
    if scope == DataScope.ALL:
        return None
    if not scope or isinstance(user, AnonymousUser):
        return Q(pk__in=[])
    department = user.department
    if scope == DataScope.SUBORDINATES:
        return on_owner("pk__in", subordinate_ids(user))
    if scope == DataScope.DEPARTMENT and department is not None:
        return on_owner("department", department.pk)
    if scope == DataScope.DEPARTMENT_TREE and department is not None:
        return on_owner("department__path__startswith", department.path)
    return on_owner("pk", user.pk)


Rule = Callable[["User"], Q | None]


def _crosses_many(model: type[models.Model], path: str) -> bool:
    """Whether the path to a user passes a relation with many rows on the far side (a
    team's members), where filtering on it directly would repeat a record once a match."""
    for name in filter(None, path.split("__")):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        model = field.related_model
    return False


class Visibility:
    """Whose records a model's rows are, for the data scopes.

    A row is visible when one of the users at `paths` is within the reader's scope ("" is
    the row itself, for users), or when one of the `rules` (user → condition) lets it be.
    """

    def __init__(self, *paths: str, rules: Iterable[Rule] = ()) -> None:
        self.paths = paths
        self.rules = tuple(rules)

    def condition(self, model: type[models.Model], user: Reader) -> Q | None:
        """The rows of `model` that `user` may see; None for all of them."""
        scope = user_scope(user)
        if scope == DataScope.ALL:
            return None
        if not scope or isinstance(user, AnonymousUser):
            return Q(pk__in=[])
        parts = [self._on_path(model, user, path) for path in self.paths]
        parts += [rule(user) for rule in self.rules]
        condition = Q(pk__in=[])
        for part in parts:
            if part is not None:
                condition |= part
        return condition

    @staticmethod
    def _on_path(model: type[models.Model], user: Reader, path: str) -> Q | None:
        condition = owner_filter(user, path)
        if condition is None or not _crosses_many(model, path):
            return condition
        return Q(Exists(model._default_manager.filter(condition, pk=OuterRef("pk"))))


class Everyone(Visibility):
    """Rows every active user may see, as far as their role lets them see the model at all
    (products, stages, lead sources): the permission decides, not the row."""

    def condition(self, model: type[models.Model], user: Reader) -> Q | None:
        # Any active user: no need to read the role for its scope.
        return None if _active(user) else Q(pk__in=[])


class Own(Visibility):
    """Rows only the user at `path` sees, whatever their role's scope (an import's file)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)

    def condition(self, model: type[models.Model], user: Reader) -> Q | None:
        if not _active(user):
            return Q(pk__in=[])
        return Q(**{f"{self.paths[0]}__pk": user.pk})


def visibility_of(model: type[models.Model]) -> Visibility:
    visibility = getattr(model, "visibility", None)
    if not isinstance(visibility, Visibility):
        raise ImproperlyConfigured(
            f"{model._meta.label} declares no visibility: say whose records its rows are "
            "(kehu.core.scopes.Visibility) before a page or the API serves it."
        )
    return visibility


class ScopedQuerySet(QuerySet[Any]):
    """A queryset that knows whether it was limited to what one user may see."""

    _visible_to: int | None = None

    def visible_to(self, user: Reader) -> Self:
        """The rows `user` may see, by the model's visibility."""
        condition = visibility_of(self.model).condition(self.model, user)
        limited = self._chain() if condition is None else self.filter(condition)  # type: ignore[attr-defined]
        limited._visible_to = user.pk if _active(user) else None
        return limited

    def is_visible_to(self, user: Reader) -> bool:
        return self._visible_to is not None and self._visible_to == user.pk

    # The hooks below are Django's own, which its stubs do not declare.
    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._visible_to = self._visible_to
        return clone

    def _combined(self, other: Any, combined: Self) -> Self:
        # Rows of two querysets together are limited only if both were, for the same user.
        if getattr(other, "_visible_to", None) != self._visible_to:
            combined._visible_to = None
        return combined

    def __or__(self, other: Any) -> Self:
        return self._combined(other, super().__or__(other))

    def __and__(self, other: Any) -> Self:
        return self._combined(other, super().__and__(other))

    def __xor__(self, other: Any) -> Self:
        return self._combined(other, super().__xor__(other))

    def _combinator_query(self, combinator: str, *other_qs: Any, all: bool = False) -> Self:
        combined = super()._combinator_query(combinator, *other_qs, all=all)  # type: ignore[misc]
        for other in other_qs:
            combined = self._combined(other, combined)
        return combined


def scoped(queryset: _QuerySet, user: Reader) -> _QuerySet:
    """`queryset` limited to what `user` may see, unless it already is."""
    if isinstance(queryset, ScopedQuerySet):
        if queryset.is_visible_to(user):
            return queryset
        return queryset.visible_to(user)
    condition = visibility_of(queryset.model).condition(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


def visible_users(user: Reader) -> QuerySet[User]:
    """The active users whose records this user may see (for owner pickers and filters)."""
    return _users().filter(is_active=True).visible_to(user)
