"""Targets: actual against target and the forecast, as a table and a bar chart."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.pages import WRITES, UserRequest, page
from kehu.core.records import Writes
from kehu.sales import selectors, services
from kehu.sales.forms import PeriodForm, TargetForm
from kehu.sales.models import PeriodKind, SalesTarget
from kehu.sales.periods import period_containing, period_end

EDITS = ("GET", "HEAD", *WRITES)


@page("sales.view_salestarget")
def target_overview(request: UserRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    period = data.get("period") or PeriodKind.MONTH
    start = period_containing(period, data.get("day") or timezone.localdate())
    rows = selectors.target_progress(user=request.user, period=period, start=start)
    chart = {
        "names": [row.label for row in rows],
        "labels": {"target": _("Target"), "won": _("Won"), "forecast": _("Forecast")},
        "target": [str(row.target_amount) if row.target else None for row in rows],
        "won": [str(row.won) for row in rows],
        "forecast": [str(row.forecast) for row in rows],
    }
    context = {
        "form": form,
        "period": period,
        "start": start,
        "last_day": period_end(period, start) - timedelta(days=1),
        "rows": rows,
        "chart": chart,
    }
    return render(request, "sales/targets.html", context)


def _target_form(request: UserRequest, target: SalesTarget | None) -> HttpResponse:
    form = TargetForm(request.POST or None, instance=target, user=request.user)
    if form.record_saved(Writes.named(services, "target")) is not None:
        messages.success(request, _("Target saved."))
        return redirect("sales:targets")
    context = {
        "form": form,
        "target": target,
        "title": _("Edit target") if target else _("New target"),
        "cancel_url": reverse("sales:targets"),
    }
    return render(request, "sales/target_form.html", context)


@page("sales.add_salestarget", methods=EDITS)
def target_new(request: UserRequest) -> HttpResponse:
    return _target_form(request, None)


@page("sales.change_salestarget", methods=EDITS, target=SalesTarget)
def target_edit(request: UserRequest, target: SalesTarget) -> HttpResponse:
    return _target_form(request, target)
