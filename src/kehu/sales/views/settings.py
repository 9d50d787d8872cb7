"""What administrators set up: lead sources, each business mode's stages, team settings."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kehu.core.forms import RecordForm
from kehu.core.models import Department
from kehu.core.pages import EDITS, Loader, UserRequest, page
from kehu.sales import selectors, services
from kehu.sales.forms import LeadSourceForm, StageForm, TeamSettingsForm
from kehu.sales.models import LeadSource, Stage

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
    form_class: type[RecordForm],
    record: models.Model | None,
    save: Callable[..., models.Model],
    title: str,
) -> HttpResponse:
    """A settings form of `record` (None: a new one), written by `save` with its fields."""
    form = form_class(request.POST or None, instance=record, user=request.user)
    if form.saved(lambda data, _version: save(**data)) is not None:
        messages.success(request, _("Saved."))
        return redirect("sales:settings")
    context = {"form": form, "title": title, "cancel_url": reverse("sales:settings")}
    return render(request, "sales/settings_form.html", context)


@page("sales.add_leadsource", methods=EDITS)
def source_new(request: UserRequest) -> HttpResponse:
    create = partial(services.lead_source_create, actor=request.user)
    return _edit(request, LeadSourceForm, None, create, _("Lead source"))


@page("sales.change_leadsource", methods=EDITS, source=LeadSource)
def source_edit(request: UserRequest, source: LeadSource) -> HttpResponse:
    update = partial(services.lead_source_update, actor=request.user, source=source)
    return _edit(request, LeadSourceForm, source, update, _("Lead source"))


@page("sales.add_stage", methods=EDITS)
def stage_new(request: UserRequest) -> HttpResponse:
    create = partial(services.stage_create, actor=request.user)
    return _edit(request, StageForm, None, create, _("Stage"))


@page("sales.change_stage", methods=EDITS, stage=Stage)
def stage_edit(request: UserRequest, stage: Stage) -> HttpResponse:
    update = partial(services.stage_update, actor=request.user, stage=stage)
    return _edit(request, StageForm, stage, update, _("Stage"))


@page("sales.change_teamsettings", methods=EDITS, department=TEAM)
def team_settings_edit(request: UserRequest, department: Department) -> HttpResponse:
    title = _("Follow-up limit of %(team)s") % {"team": department.name}
    current = selectors.team_settings(department=department)
    save = partial(services.team_settings_save, department=department)
    return _edit(request, TeamSettingsForm, current, save, title)
