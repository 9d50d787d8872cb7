"""Analytics pages: customer value, the customers behind a figure, the scorecard editor, KPIs.

Thin: figures come from `selectors`, writes go through `services`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from kehu.analytics import selectors, services
from kehu.analytics.forms import ChurnActionForm, ScorecardForm
from kehu.analytics.labels import indicator_label, reason_texts
from kehu.analytics.models import AbcClass, ChurnAction, Segment
from kehu.analytics.selectors.churn_actions import actions_of_customers, churn_action_outcomes
from kehu.analytics.services import churn_actions
from kehu.core.htmx import is_htmx
from kehu.core.pages import EDITS, PAGE_SIZE, WRITES, RecordPages, UserRequest, page, problem_text
from kehu.core.records import REFUSALS, Writes
from kehu.core.replicas import reads_replica

VIEW = "analytics.view_customerscore"
MANAGE = "analytics.change_scorecard"
AT_RISK_SHOWN = 10


def _run_context(request: UserRequest) -> dict[str, Any]:
    latest = selectors.run_latest(user=request.user)
    busy = latest is not None and latest.is_busy
    current = selectors.run_current(user=request.user)
    return {"latest_run": latest, "current_run": current, "run_busy": busy}


@reads_replica
@page(VIEW)
def customer_value(request: UserRequest) -> HttpResponse:
    user = request.user
    segments = selectors.segment_summary(user=user)
    abc = selectors.abc_summary(user=user)
    histogram = selectors.clv_histogram(user=user)
    at_risk = selectors.at_risk(user=user, shown=AT_RISK_SHOWN)
    actions = actions_of_customers(user=user, customers=[s.customer_id for s in at_risk.riskiest])
    risks = [
        (
            score,
            reason_texts(score.churn_reasons),
            actions.get(score.customer_id, []),
        )
        for score in at_risk.riskiest
    ]
    class_a = abc[0]
    profit_rules, profit_threshold = selectors.profit_rules(user=user)
    context = {
        **_run_context(request),
        "profit_rules": profit_rules,
        "profit_threshold": profit_threshold,
        "segments": segments,
        "abc": abc,
        "class_a": class_a,
        "histogram": histogram,
        "risks": risks,
        "at_risk_count": at_risk.customers,
        "charts": {
            "segments": [{"name": row.label, "value": row.customers} for row in segments],
            "abc": {
                "classes": [row.code for row in abc],
                "customers": [round(100 * row.customer_share, 1) for row in abc],
                "sales": [round(100 * row.sales_share, 1) for row in abc],
                "labels": {"customers": _("Share of customers"), "sales": _("Share of sales")},
            },
            "clv": {
                "bins": [_bin_label(b.low, b.high) for b in histogram],
                "customers": [b.customers for b in histogram],
                "label": _("Customers"),
            },
        },
    }
    return render(request, "analytics/customer_value.html", context)


def _bin_label(low: float, high: float | None) -> str:
    if high is None:
        return _("≥ %(low)s") % {"low": f"{low:,.0f}"}
    return f"{low:,.0f}–{high:,.0f}"


@page(VIEW)
def run_status(request: UserRequest) -> HttpResponse:
    """Polled while a run is busy; the first answer after it ends offers the new figures."""
    context = _run_context(request)
    return render(
        request, "analytics/_run_status.html", {**context, "just_finished": not context["run_busy"]}
    )


@page(MANAGE, methods=WRITES)
def run_request(request: UserRequest) -> HttpResponse:
    services.analytics_run_request(actor=request.user)
    if is_htmx(request):
        return render(request, "analytics/_run_status.html", _run_context(request))
    return redirect("analytics:value")


@reads_replica
@page(VIEW)
def score_list(request: UserRequest) -> HttpResponse:
    segment = request.GET.get("segment", "")
    segment = segment if segment in Segment else ""
    abc_class = request.GET.get("abc", "")
    abc_class = abc_class if abc_class in AbcClass else ""
    at_risk = request.GET.get("risk") == "1"
    scores = selectors.score_list(
        user=request.user, segment=segment, abc_class=abc_class, at_risk=at_risk
    )
    shown = Paginator(scores, PAGE_SIZE).get_page(request.GET.get("page"))
    actions = (
        actions_of_customers(user=request.user, customers=[s.customer_id for s in shown])
        if at_risk
        else {}
    )
    context = {
        "page": shown,
        "rows": [(score, actions.get(score.customer_id, [])) for score in shown],
        "segment_label": dict(Segment.choices).get(segment),
        "abc_class": abc_class,
        "at_risk": at_risk,
    }
    return render(request, "analytics/score_list.html", context)


@page(MANAGE, methods=EDITS)
def scorecard_edit(request: UserRequest) -> HttpResponse:
    scorecard = selectors.scorecard_active()
    form = ScorecardForm(request.POST or None, instance=scorecard, user=request.user)
    if request.method == "POST" and form.is_valid():
        _data, version = form.written()
        try:
            services.scorecard_save(
                actor=request.user,
                scorecard=scorecard,
                version=version,
                config=form.config_cleaned(),
            )
        except REFUSALS as problem:
            form.add_problem(problem)
        else:
            services.analytics_run_request(actor=request.user)
            messages.success(
                request, _("Scorecard saved. The scores are being recomputed with its weights.")
            )
            return redirect("analytics:scorecard")
    return render(
        request,
        "analytics/scorecard.html",
        {
            "form": form,
            "results": form.results(),
            "without_data": [
                indicator_label(c) for c in selectors.indicators_without_data(user=request.user)
            ],
        },
    )


@page(MANAGE, methods=WRITES)
def scorecard_check(request: UserRequest) -> HttpResponse:
    """Weights and consistency of the matrices as typed, for the editor to show live."""
    form = ScorecardForm(request.POST, instance=selectors.scorecard_active(), user=request.user)
    form.is_valid()
    return render(
        request, "analytics/_scorecard_check.html", {"form": form, "results": form.results()}
    )


@reads_replica
@page(VIEW)
def kpis(request: UserRequest) -> HttpResponse:
    rows = selectors.monthly_kpi_rows(user=request.user)
    series = {name: [row[name] for row in rows] for name in (rows[0] if rows else {})}
    context = {
        "rows": rows,
        "partial": next((row for row in rows if row["partial_through"]), None),
        "outcomes": churn_action_outcomes(user=request.user),
        "charts": {
            "months": [_month_label(row) for row in rows],
            "counts": [
                {
                    "name": _("Active customers"),
                    "type": "bar",
                    "data": series.get("active_customers", []),
                },
                {
                    "name": _("New customers"),
                    "type": "bar",
                    "data": series.get("new_customers", []),
                },
                {
                    "name": _("Churned customers"),
                    "type": "bar",
                    "data": series.get("churned_customers", []),
                },
            ],
            "rates": [
                {"name": _(label), "data": _percent(series.get(name, []))}
                for name, label in RATE_SERIES
            ],
        },
    }
    return render(request, "analytics/kpis.html", context)


def _month_label(row: dict[str, Any]) -> str:
    """A chart's month, saying so when it is not over yet."""
    if row["partial_through"]:
        return _("%(month)s (so far)") % {"month": row["month"]}
    return str(row["month"])


# KPI series drawn as percentages, with their chart names. The new-customer growth rate stays
# in the table: it swings by hundreds of percent and would flatten the other lines.
RATE_SERIES = [
    ("churn_rate", gettext_noop("Churn rate")),
    ("retention_rate", gettext_noop("Retention rate")),
    ("repeat_purchase_rate", gettext_noop("Repeat-purchase rate")),
    ("one_time_share", gettext_noop("One-time customers")),
]


def _percent(values: list[float | None]) -> list[float | None]:
    return [None if value is None else round(100 * value, 1) for value in values]


churn_action_new, churn_action_edit = RecordPages(
    form=ChurnActionForm,
    writes=Writes.named(churn_actions, "churn_action"),
    template="analytics/churn_action_form.html",
    titles=(gettext_lazy("New churn action"), gettext_lazy("Edit churn action")),
    saved=gettext_lazy("Action “%(name)s” saved."),
    done=lambda action: reverse("customers:detail", args=[action.customer_id]),
    back=lambda action: (
        reverse("customers:detail", args=[action.customer_id])
        if action
        else reverse("analytics:customers") + "?risk=1"
    ),
    record="churn_action",
    loader=ChurnAction,
    # A new action for the customer whose page or row it was started from.
    initial=lambda request: {"customer": request.GET.get("customer")},
).views(add="analytics.add_churnaction", change="analytics.change_churnaction")


def _version_sent(request: UserRequest) -> int:
    """The version the page showed; anything else is no version, refused as a stale one."""
    sent = request.POST.get("version", "")
    return int(sent) if sent.isdigit() else 0


@page("analytics.change_churnaction", methods=WRITES, churn_action=ChurnAction)
def churn_action_done(request: UserRequest, churn_action: ChurnAction) -> HttpResponse:
    """Mark an action done from the customer's page or the at-risk list, as read at the
    version the page showed."""
    try:
        churn_actions.churn_action_update(
            actor=request.user,
            churn_action=churn_action,
            version=_version_sent(request),
            done=True,
        )
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
    else:
        messages.success(request, _("Action “%(name)s” done.") % {"name": churn_action})
    return redirect("customers:detail", churn_action.customer_id)
