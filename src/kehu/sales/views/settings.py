"""What administrators set up: lead sources, each business mode's stages, team settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kehu.core.forms import RecordForm
from kehu.core.models import Department
from kehu.core.pages import WRITES, Loader, UserRequest, page
from kehu.core.records import FieldsRefused
from kehu.sales import selectors, services
from kehu.sales.forms import LeadSourceForm, StageForm, TeamSettingsForm
from kehu.sales.models import LeadSource, Stage

EDITS = ("GET", "HEAD", *WRITES)
# Every department is a team whose settings an administrator may set, whatever the scope.
TEAM = Loader(Department, rows=selectors.departments, unscoped=True)


@page("sales.change_stage")
def sales_settings(request: UserRequest) -> HttpResponse:
    context = {
        "sources": selectors.lead_sources(),
        "stages": selectors.stages(),
        "departments": selectors.team_limits(),
    }
    return render(request, "sales/settings.html", context)


def _edit(
    request: UserRequest,
    form: RecordForm,
    save: Callable[[dict[str, Any]], models.Model],
    title: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        data, _version = form.written()
        try:
            save(data)
        except (ValidationError, FieldsRefused) as problem:
            form.add_problem(problem)
        else:
            messages.success(request, _("Saved."))
            return redirect("sales:settings")
    context = {"form": form, "title": title, "cancel_url": reverse("sales:settings")}
    return render(request, "sales/settings_form.html", context)


@page("sales.add_leadsource", methods=EDITS)
def source_new(request: UserRequest) -> HttpResponse:
    return _edit(
        request,
        LeadSourceForm(request.POST or None, user=request.user),
        lambda data: services.lead_source_create(actor=request.user, **data),
        _("Lead source"),
    )


@page("sales.change_leadsource", methods=EDITS, source=LeadSource)
def source_edit(request: UserRequest, source: LeadSource) -> HttpResponse:
    return _edit(
        request,
        LeadSourceForm(request.POST or None, instance=source, user=request.user),
        lambda data: services.lead_source_update(actor=request.user, source=source, **data),
        _("Lead source"),
    )


@page("sales.add_stage", methods=EDITS)
def stage_new(request: UserRequest) -> HttpResponse:
    return _edit(
        request,
        StageForm(request.POST or None, user=request.user),
        lambda data: services.stage_create(actor=request.user, **data),
        _("Stage"),
    )


@page("sales.change_stage", methods=EDITS, stage=Stage)
def stage_edit(request: UserRequest, stage: Stage) -> HttpResponse:
    return _edit(
        request,
        StageForm(request.POST or None, instance=stage, user=request.user),
        lambda data: services.stage_update(actor=request.user, stage=stage, **data),
        _("Stage"),
    )


@page("sales.change_teamsettings", methods=EDITS, department=TEAM)
def team_settings_edit(request: UserRequest, department: Department) -> HttpResponse:
    current = selectors.team_settings(department=department)
    return _edit(
        request,
        TeamSettingsForm(request.POST or None, instance=current, user=request.user),
        lambda data: services.team_settings_save(department=department, **data),
        _("Follow-up limit of %(team)s") % {"team": department.name},
    )
