"""The project-deal cards of an opportunity page: evaluation, decision-maker map,
milestones, documents. htmx swaps a card after each change to it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import render

from kehu.core.forms import RecordForm
from kehu.core.pages import EDITS, WRITES, Loader, UserRequest, page, problem_text
from kehu.core.records import REFUSALS
from kehu.sales import selectors, services
from kehu.sales.forms import DecisionMakerForm, DocumentForm, EvaluationForm, MilestoneForm
from kehu.sales.models import Milestone, Opportunity, OpportunityDocument, ProjectEvaluation

# Each card, and the name its form has in the page's context.
FORMS = {
    "evaluation": "evaluation_form",
    "decision_makers": "decision_maker_form",
    "milestones": "milestone_form",
    "documents": "document_form",
}


def project_context(
    request: UserRequest,
    opportunity: Opportunity,
    *,
    refused: dict[str, forms.BaseForm] | None = None,
    editing: str = "",
) -> dict[str, Any]:
    """What the cards show, with the forms in `refused` (by their context names, each with
    its problems) in place of empty ones."""
    shown = refused or {}
    parts = selectors.project_parts(opportunity=opportunity)
    user = request.user
    evaluation = parts.evaluation or ProjectEvaluation(opportunity=opportunity)
    return {
        "opportunity": opportunity,
        "evaluation": parts.evaluation,
        "evaluation_form": shown.get("evaluation_form")
        or EvaluationForm(instance=evaluation, user=user),
        "decision_makers": parts.decision_makers,
        "decision_maker_form": shown.get("decision_maker_form")
        or DecisionMakerForm(opportunity=opportunity, user=user),
        "milestones": parts.milestones,
        "milestone_form": shown.get("milestone_form") or MilestoneForm(user=user),
        "documents": parts.documents,
        "document_form": shown.get("document_form") or DocumentForm(),
        "editing": editing,
    }


def _card(
    request: UserRequest,
    part: str,
    opportunity: Opportunity,
    *,
    refused: forms.BaseForm | None = None,
    editing: str = "",
) -> HttpResponse:
    """One card, swapped in place; a refused form is shown with its problems."""
    shown = {FORMS[part]: refused} if refused is not None else None
    context = project_context(request, opportunity, refused=shown, editing=editing)
    return render(request, f"sales/_{part}.html", context)


@page("sales.change_opportunity", methods=EDITS, opportunity=Opportunity)
def evaluation_edit(request: UserRequest, opportunity: Opportunity) -> HttpResponse:
    if request.method != "POST":
        editing = "" if request.GET.get("cancel") else "evaluation"
        return _card(request, "evaluation", opportunity, editing=editing)
    evaluation = selectors.evaluation_of(opportunity=opportunity)
    form = EvaluationForm(request.POST, instance=evaluation, user=request.user)
    if form.is_valid():
        data, version = form.written()
        try:
            services.evaluation_save(
                actor=request.user, opportunity=opportunity, version=version, **data
            )
        except REFUSALS as problem:
            form.add_problem(problem)
        else:
            return _card(request, "evaluation", opportunity)
    return _card(request, "evaluation", opportunity, refused=form, editing="evaluation")


def _added(
    request: UserRequest,
    opportunity: Opportunity,
    part: str,
    form: RecordForm,
    add: Callable[..., models.Model],
) -> HttpResponse:
    """The card of `part` after adding to it what `form` says, or with the form's problems."""
    if form.is_valid():
        data, _version = form.written()
        try:
            add(actor=request.user, opportunity=opportunity, **data)
        except ValidationError as problem:
            form.add_problem(problem)
        else:
            return _card(request, part, opportunity)
    return _card(request, part, opportunity, refused=form)


@page("sales.change_opportunity", methods=WRITES, opportunity=Opportunity)
def decision_maker_add(request: UserRequest, opportunity: Opportunity) -> HttpResponse:
    form = DecisionMakerForm(request.POST, opportunity=opportunity, user=request.user)
    return _added(request, opportunity, "decision_makers", form, services.decision_maker_save)


@page("sales.change_opportunity", methods=WRITES, opportunity=Opportunity)
def milestone_add(request: UserRequest, opportunity: Opportunity) -> HttpResponse:
    form = MilestoneForm(request.POST, user=request.user)
    return _added(request, opportunity, "milestones", form, services.milestone_add)


@page(
    "sales.change_opportunity",
    methods=WRITES,
    opportunity=Opportunity,
    milestone=Loader(Milestone, of="opportunity"),
)
def milestone_toggle(
    request: UserRequest, opportunity: Opportunity, milestone: Milestone
) -> HttpResponse:
    services.milestone_set_done(actor=request.user, milestone=milestone, done=not milestone.done)
    return _card(request, "milestones", opportunity)


@page("sales.change_opportunity", methods=WRITES, opportunity=Opportunity)
def document_upload(request: UserRequest, opportunity: Opportunity) -> HttpResponse:
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
    return _card(request, "documents", opportunity, refused=form)


@page("sales.view_opportunity", document=OpportunityDocument)
def document_download(request: UserRequest, document: OpportunityDocument) -> HttpResponseBase:
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)
