"""Opportunity pages: the kanban board with drag-and-drop moves, the sortable list, the
opportunity page and its form."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from kehu.core.exceptions import VersionConflict
from kehu.core.history import history_entries
from kehu.core.htmx import is_htmx
from kehu.core.pages import PAGE_SIZE, WRITES, Loader, RecordPages, UserRequest, page, problem_text
from kehu.core.pagination import CappedPaginator
from kehu.core.records import Writes
from kehu.customers.models import BusinessMode
from kehu.sales import selectors, services
from kehu.sales.forms import BoardFilterForm, MoveForm, OpportunityForm
from kehu.sales.models import Opportunity
from kehu.sales.views.projects import project_context

# An opportunity with the records its page names.
OPPORTUNITY = Loader(Opportunity, rows=selectors.opportunity_rows)
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


def _board(
    request: UserRequest, data: QueryDict, error: str = "", status: int = 200
) -> HttpResponse:
    form = BoardFilterForm(data, user=request.user)
    mode = form.value("business_mode", BusinessMode.CONSUMER_GOODS)
    owner = form.value("owner")
    columns = selectors.pipeline_board(
        user=request.user, business_mode=mode, owner_id=int(owner) if owner else None
    )
    context = {
        "form": form,
        "business_mode": mode,
        "owner": owner,
        "columns": columns,
        "error": error,
    }
    partial = is_htmx(request) or request.method == "POST"
    template = "sales/_board.html" if partial else "sales/pipeline.html"
    return render(request, template, context, status=status)


@page("sales.view_opportunity")
def pipeline(request: UserRequest) -> HttpResponse:
    return _board(request, request.GET)


@page("sales.change_opportunity", methods=WRITES, opportunity=Opportunity)
def opportunity_move(request: UserRequest, opportunity: Opportunity) -> HttpResponse:
    """A card dropped on another column: move it, and answer with the board as it now is
    (a refused move puts the card back where it was, with the reason)."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        refused = " ".join(str(message) for errors in form.errors.values() for message in errors)
        return _board(request, request.POST, refused, status=400)
    try:
        services.opportunity_move(
            actor=request.user,
            opportunity=opportunity,
            stage=form.cleaned_data["stage"],
            version=form.cleaned_data["version"] or 0,
            lost_reason=form.cleaned_data["lost_reason"],
        )
    except ValidationError as problem:
        return _board(request, request.POST, problem_text(problem), status=400)
    except VersionConflict as conflict:
        return _board(request, request.POST, str(conflict), status=409)
    return _board(request, request.POST)


@page("sales.view_opportunity")
def opportunity_list(request: UserRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET, user=request.user)
    sort = request.GET.get("sort", "close")
    stage = request.GET.get("stage", "")
    filters = {
        "business_mode": form.value("business_mode"),
        "owner_id": form.value("owner"),
        "stage_id": stage if stage.isdigit() else "",
    }
    opportunities = selectors.opportunity_list(
        user=request.user, search=request.GET.get("q", ""), filters=filters
    ).order_by(SORTS.get(sort, "expected_close_date"), "-id")
    page_ = CappedPaginator(opportunities, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page_, "sort": sort, "htmx_partial": is_htmx(request)}
    template = (
        "sales/_opportunity_table.html" if is_htmx(request) else "sales/opportunity_list.html"
    )
    return render(request, template, context)


@page("sales.view_opportunity", opportunity=OPPORTUNITY)
def opportunity_detail(request: UserRequest, opportunity: Opportunity) -> HttpResponse:
    context = {
        **project_context(request, opportunity),
        "stage_changes": selectors.stage_changes(opportunity=opportunity),
        "history": history_entries(selectors.history(target=opportunity)[:50], reader=request.user),
    }
    return render(request, "sales/opportunity_detail.html", context)


opportunity_new, opportunity_edit = RecordPages(
    form=OpportunityForm,
    writes=Writes.named(services, "opportunity"),
    template="sales/opportunity_form.html",
    titles=(gettext_lazy("New opportunity"), gettext_lazy("Edit opportunity")),
    saved=gettext_lazy("Opportunity “%(name)s” saved."),
    done=lambda deal: reverse("sales:opportunity", args=[deal.pk]),
    back=lambda deal: (
        reverse("sales:opportunity", args=[deal.pk]) if deal else reverse("sales:pipeline")
    ),
    record="opportunity",
    loader=OPPORTUNITY,
    # A new opportunity of the customer whose page it was started from.
    initial=lambda request: {"customer": request.GET.get("customer")},
).views(add="sales.add_opportunity", change="sales.change_opportunity")
