"""What administrators set up: lead sources, each business mode's stages, team settings."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.core.forms import RecordForm
from kehu.core.models import Department
from kehu.core.pages import EDITS, Loader, RecordPages, StrOrPromise, UserRequest, page
from kehu.core.records import Writes
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


def _to_settings(_record: models.Model | None) -> str:
    return reverse("sales:settings")


def _settings_pages(
    form: type[RecordForm],
    writes: Writes,
    title: StrOrPromise,
    record: str,
    model: type[models.Model],
) -> RecordPages:
    """A lead source's or a stage's pages: a form, then back to the settings."""
    return RecordPages(
        form=form,
        writes=writes,
        template="sales/settings_form.html",
        titles=(title, title),
        saved=gettext_lazy("Saved."),
        done=_to_settings,
        back=_to_settings,
        record=record,
        loader=model,
    )


source_new, source_edit = _settings_pages(
    LeadSourceForm,
    Writes(services.lead_source_create, services.lead_source_update, record="source"),
    gettext_lazy("Lead source"),
    "source",
    LeadSource,
).views(add="sales.add_leadsource", change="sales.change_leadsource")

stage_new, stage_edit = _settings_pages(
    StageForm,
    Writes(services.stage_create, services.stage_update, record="stage"),
    gettext_lazy("Stage"),
    "stage",
    Stage,
).views(add="sales.add_stage", change="sales.change_stage")


@page("sales.change_teamsettings", methods=EDITS, department=TEAM)
def team_settings_edit(request: UserRequest, department: Department) -> HttpResponse:
    current = selectors.team_settings(department=department)
    form = TeamSettingsForm(request.POST or None, instance=current, user=request.user)
    save = partial(services.team_settings_save, department=department)
    if form.saved(lambda data, _version: save(**data)) is not None:
        messages.success(request, _("Saved."))
        return redirect("sales:settings")
    context = {
        "form": form,
        "title": _("Follow-up limit of %(team)s") % {"team": department.name},
        "cancel_url": _to_settings(current),
    }
    return render(request, "sales/settings_form.html", context)
