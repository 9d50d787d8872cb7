"""Pages: home, and the organisation admin (users, departments, roles)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core import selectors, services
from kehu.core.forms import DepartmentForm, RoleForm, UserForm
from kehu.core.models import Department, Role, User
from kehu.core.roles import MANAGE_ORGANISATION
from kehu.sales import selectors as sales

manage_organisation = permission_required(MANAGE_ORGANISATION, raise_exception=True)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's day: leads waiting too long for a follow-up (a manager sees the team's),
    opportunities closing within 30 days, and the open pipeline weighted by probability."""
    user = request.user
    context: dict[str, Any] = {"closing_days": 30, "today": timezone.localdate()}
    if user.has_perm("sales.view_lead"):
        context["overdue_leads"] = list(sales.overdue_leads(user=user)[:20])
    if user.has_perm("sales.view_opportunity"):
        context["closing"] = list(sales.closing_soon(user=user, days=30)[:20])
        context["pipeline"] = sales.weighted_pipeline(user=user)
    return render(request, "core/home.html", context)


@login_required
@manage_organisation
def user_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/user_list.html", {"users": selectors.user_list()})


@login_required
@manage_organisation
def department_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/department_list.html", {"departments": selectors.department_list()}
    )


@login_required
@manage_organisation
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


@login_required
@manage_organisation
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = get_object_or_404(User, pk=pk) if pk else None
    return _edit(
        request,
        form_class=UserForm,
        instance=user,
        save=_save_user,
        title=_("Edit user") if user else _("New user"),
        done_url="core:users",
    )


@login_required
@manage_organisation
def department_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk) if pk else None
    return _edit(
        request,
        form_class=DepartmentForm,
        instance=department,
        save=lambda data, d: services.department_save(department=d, **data),
        title=_("Edit department") if department else _("New department"),
        done_url="core:departments",
    )


@login_required
@manage_organisation
def role_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    role = get_object_or_404(Role, pk=pk) if pk else None
    return _edit(
        request,
        form_class=RoleForm,
        instance=role,
        save=lambda data, r: services.role_save(role=r, **data),
        title=_("Edit role") if role else _("New role"),
        done_url="core:roles",
    )
