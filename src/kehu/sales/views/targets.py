"""Targets: actual against target and the forecast, as a table and a bar chart."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import VersionConflict
from kehu.core.pages import problem_text, require
from kehu.sales import selectors, services
from kehu.sales.forms import PeriodForm, TargetForm
from kehu.sales.models import PeriodKind
from kehu.sales.periods import period_containing, period_end
from kehu.sales.views._common import form_version


@login_required
@permission_required("sales.view_salestarget", raise_exception=True)
def target_overview(request: HttpRequest) -> HttpResponse:
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
        "targets": selectors.target_queryset(user=request.user).filter(
            period=period, period_start=start
        ),
    }
    return render(request, "sales/targets.html", context)


@login_required
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request, "sales.change_salestarget" if pk else "sales.add_salestarget")
    target = selectors.target_queryset(user=request.user).filter(pk=pk).first() if pk else None
    if pk and target is None:
        return render(request, "404.html", status=404)
    form = TargetForm(request.POST or None, instance=target, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = form_version(data)
        try:
            services.target_save(actor=request.user, target=target, version=version, **data)
        except (ValidationError, VersionConflict) as problem:
            form.add_error(None, problem_text(problem))
        else:
            messages.success(request, _("Target saved."))
            return redirect("sales:targets")
    return render(request, "sales/target_form.html", {"form": form, "target": target})
