"""Pages: home, and the organisation admin (users, departments, roles)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, models
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.core import selectors, services
from kehu.core.broker import broker_configured, broker_problem
from kehu.core.forms import DepartmentForm, RoleForm, UserForm
from kehu.core.models import Department, Role, User
from kehu.core.pages import EDITS, LOGGED_IN, PUBLIC, UserRequest, page
from kehu.core.registry import panels_render
from kehu.core.roles import MANAGE_ORGANISATION


@page(LOGGED_IN)
def home(request: UserRequest) -> HttpResponse:
    """The user's day: the cards each app puts on the home page (the "home" panels)."""
    return render(request, "core/home.html", {"panels": panels_render("home", request)})


@page(MANAGE_ORGANISATION)
def user_list(request: UserRequest) -> HttpResponse:
    return render(request, "core/user_list.html", {"users": selectors.user_list()})


@page(MANAGE_ORGANISATION)
def department_list(request: UserRequest) -> HttpResponse:
    return render(
        request, "core/department_list.html", {"departments": selectors.department_list()}
    )


@page(MANAGE_ORGANISATION)
def role_list(request: UserRequest) -> HttpResponse:
    return render(request, "core/role_list.html", {"roles": selectors.role_list()})


@dataclass(frozen=True)
class _Editor:
    """The one flow of every organisation form: validate, call the service, report field
    errors. The model's own rules run in the form (all field errors at once) and again in
    the service, which is the one that writes; both report through the same messages."""

    form_class: type[forms.ModelForm[Any]]
    save: Callable[[dict[str, Any], Any], Any]
    new_title: Any
    edit_title: Any
    done_url: str

    def respond(self, request: UserRequest, record: models.Model | None) -> HttpResponse:
        form = self.form_class(request.POST or None, instance=record)
        if request.method == "POST" and form.is_valid():
            try:
                self.save(form.cleaned_data, record)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.done_url)
        title = self.edit_title if record else self.new_title
        context = {"form": form, "title": title, "cancel_url": self.done_url}
        return render(request, "core/org_form.html", context)


def _pages(
    model: type[models.Model], editor: _Editor
) -> tuple[Callable[..., HttpResponseBase], Callable[..., HttpResponseBase]]:
    """The "new" and "edit" pages of one kind of organisation record."""
    name = str(model._meta.model_name)

    @page(MANAGE_ORGANISATION, methods=EDITS)
    def new(request: UserRequest) -> HttpResponse:
        return editor.respond(request, None)

    @page(MANAGE_ORGANISATION, methods=EDITS, **{name: model})
    def edit(request: UserRequest, **records: models.Model) -> HttpResponse:
        return editor.respond(request, records[name])

    return new, edit


def _save_user(data: dict[str, Any], user: User | None) -> User:
    return services.user_save(user=user, password=data.pop("password") or None, **data)


user_new, user_edit = _pages(
    User,
    _Editor(
        UserForm, _save_user, gettext_lazy("New user"), gettext_lazy("Edit user"), "core:users"
    ),
)
department_new, department_edit = _pages(
    Department,
    _Editor(
        DepartmentForm,
        lambda data, d: services.department_save(department=d, **data),
        gettext_lazy("New department"),
        gettext_lazy("Edit department"),
        "core:departments",
    ),
)
role_new, role_edit = _pages(
    Role,
    _Editor(
        RoleForm,
        lambda data, r: services.role_save(role=r, **data),
        gettext_lazy("New role"),
        gettext_lazy("Edit role"),
        "core:roles",
    ),
)


@page(PUBLIC)
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. It reads nothing, so a database outage does not get
    healthy web processes restarted."""
    return JsonResponse({"status": "ok"})


@page(PUBLIC)
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database (and the broker, when tasks go through one) answers and a
    background worker was seen lately; 503 naming what is not ready otherwise."""
    problems = {}
    if broker_configured() and (problem := broker_problem()) is not None:
        problems["broker"] = problem
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if selectors.worker_missing():
            silent = int(selectors.WORKER_SILENT_AFTER.total_seconds())
            problems["worker"] = f"no background worker seen in the last {silent} seconds"
    except DatabaseError as error:
        problems["database"] = str(error).strip() or type(error).__name__
    if problems:
        return JsonResponse({"status": "unavailable", **problems}, status=503)
    return JsonResponse({"status": "ok"})
