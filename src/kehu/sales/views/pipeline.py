"""Opportunity pages: the kanban board with drag-and-drop moves, the sortable list, the
opportunity page and its form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kehu.core.exceptions import VersionConflict
from kehu.core.htmx import is_htmx
from kehu.core.pages import problem_text, require
from kehu.core.pagination import CappedPaginator
from kehu.customers.models import BusinessMode
from kehu.sales import selectors, services
from kehu.sales.forms import BoardFilterForm, OpportunityForm
from kehu.sales.models import Stage
from kehu.sales.views._common import form_version, history_lines
from kehu.sales.views.projects import project_context

PAGE_SIZE = 25
SORTS = {
    "name": "name",
    "-name": "-name",
    "amount": "amount",
    "-amount": "-amount",
    "close": "expected_close_date",
    "-close": "-expected_close_date",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def _board(request: HttpRequest, data: Any, error: str = "", status: int = 200) -> HttpResponse:
    form = BoardFilterForm(data, user=request.user)
    mode = form.value("business_mode", BusinessMode.CONSUMER_GOODS)
    owner = form.value("owner")
    context = {
        "form": form,
        "business_mode": mode,
        "owner": owner,
        "columns": selectors.pipeline_board(user=request.user, business_mode=mode, owner=owner),
        "error": error,
    }
    partial = is_htmx(request) or request.method == "POST"
    template = "sales/_board.html" if partial else "sales/pipeline.html"
    return render(request, template, context, status=status)


@login_required
@permission_required("sales.view_opportunity", raise_exception=True)
def pipeline(request: HttpRequest) -> HttpResponse:
    return _board(request, request.GET)


@login_required
@require_POST
def opportunity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """A card dropped on another column: move it, and answer with the board as it now is
    (a refused move puts the card back where it was, with the reason)."""
    require(request, "sales.change_opportunity")
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    stage = Stage.objects.filter(pk=request.POST.get("stage") or 0).first()
    try:
        if stage is None:
            raise ValidationError({"stage": _("No such stage.")})
        services.opportunity_move(
            actor=request.user,
            opportunity=opportunity,
            stage=stage,
            version=int(request.POST.get("version") or 0),
            lost_reason=request.POST.get("lost_reason", "")[:500],
        )
    except ValidationError as problem:
        return _board(request, request.POST, problem_text(problem), status=400)
    except VersionConflict as conflict:
        return _board(request, request.POST, str(conflict), status=409)
    return _board(request, request.POST)


@login_required
@permission_required("sales.view_opportunity", raise_exception=True)
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET, user=request.user)
    sort = request.GET.get("sort", "close")
    filters = {
        "business_mode": form.value("business_mode"),
        "owner_id": form.value("owner"),
        "stage_id": request.GET.get("stage", "") if request.GET.get("stage", "").isdigit() else "",
    }
    opportunities = selectors.opportunity_list(
        user=request.user, search=request.GET.get("q", ""), filters=filters
    ).order_by(SORTS.get(sort, "expected_close_date"), "-id")
    page = CappedPaginator(opportunities, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "sort": sort, "htmx_partial": is_htmx(request)}
    template = (
        "sales/_opportunity_table.html" if is_htmx(request) else "sales/opportunity_list.html"
    )
    return render(request, template, context)


@login_required
@permission_required("sales.view_opportunity", raise_exception=True)
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get(user=request.user, pk=pk)
    context = {
        **project_context(opportunity),
        "stage_changes": opportunity.stage_changes.select_related(
            "from_stage", "to_stage", "actor"
        ),
        "history": history_lines(request, opportunity),
    }
    return render(request, "sales/opportunity_detail.html", context)


@login_required
def opportunity_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request, "sales.change_opportunity" if pk else "sales.add_opportunity")
    opportunity = selectors.opportunity_get(user=request.user, pk=pk) if pk else None
    initial = {"customer": request.GET.get("customer")} if not pk else None
    form = OpportunityForm(
        request.POST or None, instance=opportunity, initial=initial, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = form_version(data)
        customer = data.pop("customer")
        try:
            if opportunity is None:
                opportunity = services.opportunity_create(
                    actor=request.user, customer=customer, **data
                )
            else:
                services.opportunity_update(
                    actor=request.user, opportunity=opportunity, version=version, **data
                )
        except (ValidationError, VersionConflict) as problem:
            form.add_error(None, problem_text(problem))
        else:
            messages.success(request, _("Opportunity “%(name)s” saved.") % {"name": opportunity})
            return redirect("sales:opportunity", pk=opportunity.pk)
    context = {"form": form, "opportunity": opportunity}
    return render(request, "sales/opportunity_form.html", context)
