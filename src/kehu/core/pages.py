"""Pages are closed by default: every view says, with `@page`, who may open it and which of
its URL's ids are records; the kernel logs the user in, checks the permission and the HTTP
method, and loads each record through its model's visibility, so that a view receives only
what its user may see. A view without `@page` is refused (ClosedByDefault) and reported by
`manage.py check`, and the route-walking test finds it by name.

    @page("customers.view_customer", customer=Customer)
    def customer_detail(request, customer): ...

with `path("<int:customer>/", ...)`: another salesperson's customer is a 404, exactly like a
missing one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.views import APIView

from kehu.core.forms import RecordForm
from kehu.core.models import User
from kehu.core.records import REFUSALS, Writes
from kehu.core.scopes import scoped

PAGE_SIZE = 25
StrOrPromise = str | Promise  # a text, or one translated when shown

PUBLIC = "public"  # anyone, logged in or not (the log-in page)
LOGGED_IN = "logged in"  # any logged-in user, whatever their permissions
READS = ("GET", "HEAD")
WRITES = ("POST",)
EDITS = (*READS, *WRITES)  # a form: shown, then sent


class UserRequest(HttpRequest):
    """The request a view declared with `@page` gets, unless it is PUBLIC: its user is a
    logged-in Kehu user."""

    user: User


@dataclass(frozen=True)
class Loader:
    """How a URL's id becomes a record: the rows of `model` the user may see, or those of
    `rows(user)`. A `rows` that is not limited to the user's scope (the customer pool, open
    to anyone allowed to claim) must say so with `unscoped`.

    A record that belongs to another in the same URL (a customer's contact) names, with
    `of`, its foreign key to that one, which is also that one's URL argument and comes
    before it in `@page`: a contact of another customer is a 404, as a missing one.
    """

    model: type[models.Model]
    rows: Callable[..., QuerySet[Any]] | None = None
    unscoped: bool = False
    of: str | None = None

    def load(self, user: User, pk: Any, parent: models.Model | None = None) -> Any:
        rows = self.rows(user=user) if self.rows else self.model._default_manager.all()
        if not self.unscoped:
            rows = scoped(rows, user)
        if self.of is not None:
            rows = rows.filter(**{self.of: parent})
        try:
            found = rows.filter(pk=pk).first()
        except (ValueError, TypeError, ValidationError):
            found = None  # not an id at all
        if found is None:
            raise Http404(
                _("No such %(record)s, or you may not see it.")
                % {"record": self.model._meta.verbose_name}
            )
        if self.of is not None:
            setattr(found, self.of, parent)  # the page's own, already read
        return found


@dataclass(frozen=True)
class Access:
    """What a page asks of its user; read by the kernel and by the route-walking test."""

    permission: str
    methods: tuple[str, ...]
    records: dict[str, Loader] = field(default_factory=dict)


def _loader(value: type[models.Model] | Loader) -> Loader:
    return value if isinstance(value, Loader) else Loader(value)


def page(
    permission: str,
    *,
    methods: Sequence[str] = READS,
    **records: type[models.Model] | Loader,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Declare a view's access: `permission` (a permission name, LOGGED_IN or PUBLIC), the
    HTTP `methods` it answers, and for each URL argument that is a record's id, its model
    (or a Loader); the view receives the record in place of the id."""
    access = Access(
        permission, tuple(methods), {name: _loader(value) for name, value in records.items()}
    )
    names = list(access.records)
    for index, loader in enumerate(access.records.values()):
        assert loader.of in (None, *names[:index]), f"{names[index]} is of a record after it"

    def decorate(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if access.permission != PUBLIC and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if request.method not in access.methods:
                return HttpResponseNotAllowed(access.methods)
            if access.permission not in (PUBLIC, LOGGED_IN):
                require(request, access.permission)
            for name, loader in access.records.items():
                parent = kwargs[loader.of] if loader.of else None
                kwargs[name] = loader.load(request.user, kwargs[name], parent)  # type: ignore[arg-type]
            return view(request, *args, **kwargs)

        guarded.access = access  # type: ignore[attr-defined]
        return guarded

    return decorate


def access_of(view: Callable[..., Any]) -> Access | None:
    return getattr(view, "access", None)


def require(request: HttpRequest | Request, permission: str) -> None:
    """Refuse (403) a user without `permission`, for a check a view makes beyond its page's
    (a button that needs more than the page it is on)."""
    if not request.user.has_perm(permission):
        raise PermissionDenied


def problem_text(problem: Exception) -> str:
    """What a refused write (a validation error, a version conflict, a credit block) tells
    the user, in one line."""
    return " ".join(problem.messages) if isinstance(problem, ValidationError) else str(problem)


def step_taken(
    request: HttpRequest, step: Callable[[], Any], *, done: str, back: str
) -> HttpResponseBase:
    """Carry out the write a page's button asks for, and go `back` saying what came of it:
    `done`, or what the rules refused."""
    try:
        step()
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
    else:
        messages.success(request, done)
    return redirect(back)


def _served_by_api(view: Callable[..., Any]) -> bool:
    # DRF's views are closed by its default permission class (kehu.core.api).
    view_class = getattr(view, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


def is_declared(view: Callable[..., Any]) -> bool:
    return access_of(view) is not None or _served_by_api(view)


class ClosedByDefault:
    """Refuses (403) any view that did not declare its access, should one slip past the
    system check, so that forgetting `@page` closes a route instead of opening it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if not is_declared(view):
            raise PermissionDenied(f"{view.__module__}.{view.__name__} declares no access")


def url_patterns(
    patterns: Iterable[URLPattern | URLResolver] | None = None,
    prefix: str = "",
    namespace: str = "",
) -> Iterable[tuple[str, str, URLPattern]]:
    """Every route: (its pattern, its name with namespace, the URLPattern)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name, entry


@dataclass(frozen=True)
class RecordPages:
    """A kind of record's "new" and "edit" pages: its RecordForm, saved through the services
    (`writes`), then on to `done(record)`; `back(record)` is where Cancel goes. The edit
    page loads the record by `loader` under the URL argument `record`."""

    form: type[RecordForm]
    writes: Writes
    template: str
    titles: tuple[StrOrPromise, StrOrPromise]  # the new page's, the edit page's
    saved: StrOrPromise  # the message, with %(name)s for the record
    done: Callable[[Any], str]
    back: Callable[[Any], str]
    record: str
    loader: type[models.Model] | Loader
    initial: Callable[[UserRequest], dict[str, Any]] | None = None

    def respond(self, request: UserRequest, record: Any) -> HttpResponseBase:
        initial = self.initial(request) if self.initial and record is None else None
        form = self.form(request.POST or None, instance=record, initial=initial, user=request.user)
        saved = form.record_saved(self.writes)
        if saved is not None:
            messages.success(request, self.saved % {"name": saved})
            return redirect(self.done(saved))
        context = {
            "form": form,
            self.record: record,
            "title": self.titles[1] if record else self.titles[0],
            "cancel_url": self.back(record),
        }
        return render(request, self.template, context)

    def views(
        self, *, add: str, change: str
    ) -> tuple[Callable[..., HttpResponseBase], Callable[..., HttpResponseBase]]:
        """The two views, declared: `add` needed to make one, `change` to edit one."""

        @page(add, methods=EDITS)
        def new(request: UserRequest) -> HttpResponseBase:
            return self.respond(request, None)

        @page(change, methods=EDITS, **{self.record: self.loader})
        def edit(request: UserRequest, **records: Any) -> HttpResponseBase:
            return self.respond(request, records[self.record])

        return new, edit
