"""Targets: actual against target and the forecast, as a table and a bar chart."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.core.pages import RecordPages, UserRequest, page
from kehu.core.records import Writes
from kehu.core.replicas import reads_replica
from kehu.sales import selectors, services
from kehu.sales.forms import PeriodForm, TargetForm
from kehu.sales.models import PeriodKind, SalesTarget
from kehu.sales.periods import period_containing, period_end


@reads_replica
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


target_new, target_edit = RecordPages(
    form=TargetForm,
    writes=Writes.named(services, "target"),
    template="sales/target_form.html",
    titles=(gettext_lazy("New target"), gettext_lazy("Edit target")),
    saved=gettext_lazy("Target saved."),
    done=lambda _target: reverse("sales:targets"),
    back=lambda _target: reverse("sales:targets"),
    record="target",
    loader=SalesTarget,
).views(add="sales.add_salestarget", change="sales.change_salestarget")
