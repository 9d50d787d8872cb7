"""The project-deal cards of an opportunity page: evaluation, decision-maker map,
milestones, documents. htmx swaps a card after each change to it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core.exceptions import VersionConflict
from kehu.core.pages import problem_text, require
from kehu.sales import selectors, services
from kehu.sales.forms import DecisionMakerForm, DocumentForm, EvaluationForm, MilestoneForm
from kehu.sales.models import Opportunity, ProjectEvaluation
from kehu.sales.views._common import form_version


def project_context(opportunity: Opportunity, **forms: Any) -> dict[str, Any]:
    evaluation = ProjectEvaluation.objects.filter(opportunity=opportunity).first()
    return {
        "opportunity": opportunity,
        "evaluation": evaluation,
        "evaluation_form": forms.get("evaluation_form")
        or EvaluationForm(instance=evaluation or ProjectEvaluation(opportunity=opportunity)),
        "decision_makers": opportunity.decision_makers.select_related("contact"),
        "decision_maker_form": forms.get("decision_maker_form")
        or DecisionMakerForm(opportunity=opportunity),
        "milestones": opportunity.milestones.all(),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "documents": opportunity.documents.select_related("uploaded_by"),
        "document_form": forms.get("document_form") or DocumentForm(),
        "editing": forms.get("editing", ""),
        "today": timezone.localdate(),
    }


def _card(request: HttpRequest, part: str, opportunity: Opportunity, **forms: Any) -> HttpResponse:
    return render(request, f"sales/_{part}.html", project_context(opportunity, **forms))


def _editable(request: HttpRequest, pk: int) -> Opportunity:
    require(request, "sales.change_opportunity")
    return selectors.opportunity_get(user=request.user, pk=pk)


@login_required
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _editable(request, pk)
    if request.method != "POST":
        editing = "" if request.GET.get("cancel") else "evaluation"
        return _card(request, "evaluation", opportunity, editing=editing)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = form_version(data)
        try:
            services.evaluation_save(
                actor=request.user, opportunity=opportunity, version=version, **data
            )
        except (ValidationError, VersionConflict) as problem:
            form.add_error(None, problem_text(problem))
        else:
            return _card(request, "evaluation", opportunity)
    return _card(request, "evaluation", opportunity, evaluation_form=form, editing="evaluation")


@login_required
@require_POST
def decision_maker_add(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _editable(request, pk)
    form = DecisionMakerForm(request.POST, opportunity=opportunity)
    if form.is_valid():
        try:
            services.decision_maker_save(
                actor=request.user, opportunity=opportunity, **form.cleaned_data
            )
        except ValidationError as problem:
            form.add_error(None, problem_text(problem))
        else:
            return _card(request, "decision_makers", opportunity)
    return _card(request, "decision_makers", opportunity, decision_maker_form=form)


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _editable(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        services.milestone_add(actor=request.user, opportunity=opportunity, **form.cleaned_data)
        return _card(request, "milestones", opportunity)
    return _card(request, "milestones", opportunity, milestone_form=form)


@login_required
@require_POST
def milestone_toggle(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    opportunity = _editable(request, pk)
    milestone = opportunity.milestones.filter(pk=milestone_pk).first()
    if milestone is None:
        raise Http404(_("No such milestone."))
    services.milestone_set_done(actor=request.user, milestone=milestone, done=not milestone.done)
    return _card(request, "milestones", opportunity)


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = _editable(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_add(
                actor=request.user, opportunity=opportunity, file=form.cleaned_data["file"]
            )
        except ValidationError as problem:
            form.add_error("file", problem_text(problem))
        else:
            return _card(request, "documents", opportunity)
    return _card(request, "documents", opportunity, document_form=form)


@login_required
@permission_required("sales.view_opportunity", raise_exception=True)
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = selectors.document_get(user=request.user, pk=pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)
