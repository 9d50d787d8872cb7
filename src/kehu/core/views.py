"""Pages: home, and the organisation admin (users, departments, roles)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kehu.core import selectors, services
from kehu.core.forms import DepartmentForm, RoleForm, UserForm
from kehu.core.models import Department, Role, User
from kehu.core.pages import LOGGED_IN, READS, WRITES, page
from kehu.core.registry import panels_render
from kehu.core.roles import MANAGE_ORGANISATION

EDITS = (*READS, *WRITES)


@page(LOGGED_IN)
def home(request: HttpRequest) -> HttpResponse:
    """The user's day: the cards each app puts on the home page (the "home" panels)."""
    return render(request, "core/home.html", {"panels": panels_render("home", request)})


@page(MANAGE_ORGANISATION)
def user_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/user_list.html", {"users": selectors.user_list()})


@page(MANAGE_ORGANISATION)
def department_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/department_list.html", {"departments": selectors.department_list()}
    )


@page(MANAGE_ORGANISATION)
def role_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/role_list.html", {"roles": selectors.role_list()})


def _edit(
    request: HttpRequest,
    *,
    form_class: type[forms.ModelForm],
    instance: models.Model | None,
    save: Callable[[dict[str, Any], Any], Any],
    title: str,
    done_url: str,
) -> HttpResponse:
    """The one flow of every organisation form: validate, call the service, report field errors.

    The model's own rules run in the form (all field errors at once) and again in the
    service, which is the one that writes; both report through the same messages.
    """
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data, instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(done_url)
    return render(
        request, "core/org_form.html", {"form": form, "title": title, "cancel_url": done_url}
    )


def _save_user(data: dict[str, Any], user: User | None) -> User:
    return services.user_save(user=user, password=data.pop("password") or None, **data)


def _user_form(request: HttpRequest, user: User | None) -> HttpResponse:
    return _edit(
        request,
        form_class=UserForm,
        instance=user,
        save=_save_user,
        title=_("Edit user") if user else _("New user"),
        done_url="core:users",
    )


@page(MANAGE_ORGANISATION, methods=EDITS)
def user_new(request: HttpRequest) -> HttpResponse:
    return _user_form(request, None)


@page(MANAGE_ORGANISATION, methods=EDITS, user=User)
def user_edit(request: HttpRequest, user: User) -> HttpResponse:
    return _user_form(request, user)


def _department_form(request: HttpRequest, department: Department | None) -> HttpResponse:
    return _edit(
        request,
        form_class=DepartmentForm,
        instance=department,
        save=lambda data, d: services.department_save(department=d, **data),
        title=_("Edit department") if department else _("New department"),
        done_url="core:departments",
    )


@page(MANAGE_ORGANISATION, methods=EDITS)
def department_new(request: HttpRequest) -> HttpResponse:
    return _department_form(request, None)


@page(MANAGE_ORGANISATION, methods=EDITS, department=Department)
def department_edit(request: HttpRequest, department: Department) -> HttpResponse:
    return _department_form(request, department)


def _role_form(request: HttpRequest, role: Role | None) -> HttpResponse:
    return _edit(
        request,
        form_class=RoleForm,
        instance=role,
        save=lambda data, r: services.role_save(role=r, **data),
        title=_("Edit role") if role else _("New role"),
        done_url="core:roles",
    )


@page(MANAGE_ORGANISATION, methods=EDITS)
def role_new(request: HttpRequest) -> HttpResponse:
    return _role_form(request, None)


@page(MANAGE_ORGANISATION, methods=EDITS, role=Role)
def role_edit(request: HttpRequest, role: Role) -> HttpResponse:
    return _role_form(request, role)
