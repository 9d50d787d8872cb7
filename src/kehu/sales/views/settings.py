"""What administrators set up: lead sources, each business mode's stages, team settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kehu.core.models import Department
from kehu.core.pages import require
from kehu.sales import selectors, services
from kehu.sales.forms import LeadSourceForm, StageForm, TeamSettingsForm
from kehu.sales.models import LeadSource, Stage, TeamSettings


@login_required
def sales_settings(request: HttpRequest) -> HttpResponse:
    require(request, "sales.change_stage")
    days = selectors.follow_up_days_by_department()
    own = dict(TeamSettings.objects.values_list("department_id", "lead_follow_up_days"))
    context = {
        "sources": LeadSource.objects.all(),
        "stages": Stage.objects.all(),
        "departments": [
            (department, own.get(department.pk), days[department.pk])
            for department in Department.objects.all()
        ],
    }
    return render(request, "sales/settings.html", context)


def _edit(
    request: HttpRequest,
    *,
    permission: str,
    form: forms.ModelForm,
    save: Callable[[dict[str, Any]], Any],
    title: str,
) -> HttpResponse:
    require(request, permission)
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("sales:settings")
    return render(request, "sales/settings_form.html", {"form": form, "title": title})


@login_required
def source_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    source = get_object_or_404(LeadSource, pk=pk) if pk else None
    return _edit(
        request,
        permission="sales.change_leadsource" if pk else "sales.add_leadsource",
        form=LeadSourceForm(request.POST or None, instance=source),
        save=lambda data: services.lead_source_save(source=source, **data),
        title=_("Lead source"),
    )


@login_required
def stage_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    stage = get_object_or_404(Stage, pk=pk) if pk else None
    return _edit(
        request,
        permission="sales.change_stage" if pk else "sales.add_stage",
        form=StageForm(request.POST or None, instance=stage),
        save=lambda data: services.stage_save(stage=stage, **data),
        title=_("Stage"),
    )


@login_required
def team_settings_edit(request: HttpRequest, department_pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=department_pk)
    current = TeamSettings.objects.filter(department=department).first()
    return _edit(
        request,
        permission="sales.change_teamsettings",
        form=TeamSettingsForm(request.POST or None, instance=current),
        save=lambda data: services.team_settings_save(department=department, **data),
        title=_("Follow-up limit of %(team)s") % {"team": department.name},
    )
