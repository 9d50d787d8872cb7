"""Product and price list pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kehu.core.exceptions import VersionConflict
from kehu.core.pages import problem_text, require
from kehu.core.pagination import CappedPaginator
from kehu.customers.selectors import customer_queryset
from kehu.orders import selectors, services
from kehu.orders.forms import (
    CustomerGroupForm,
    MemberForm,
    ProductForm,
    form_problem,
)
from kehu.orders.views._common import PAGE_SIZE

# Products and price lists ---------------------------------------------------------------


@login_required
@permission_required("orders.view_product", raise_exception=True)
def product_list(request: HttpRequest) -> HttpResponse:
    products = selectors.product_list(search=request.GET.get("q", ""))
    page = CappedPaginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "orders/product_list.html", {"page": page, "q": request.GET.get("q", "")}
    )


@login_required
def product_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(request, "orders.change_product" if pk else "orders.add_product")
    product = selectors.product_get(pk=pk) if pk else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            if product is None:
                services.product_create(actor=request.user, **data)
            else:
                services.product_update(
                    actor=request.user, product=product, version=version or 0, **data
                )
        except (ValidationError, VersionConflict) as problem:
            form.add_error(None, problem_text(problem))
        else:
            messages.success(request, _("Product saved."))
            return redirect("orders:products")
    return render(request, "orders/product_form.html", {"form": form, "product": product})


@login_required
@permission_required("orders.view_customergroup", raise_exception=True)
def group_list(request: HttpRequest) -> HttpResponse:
    form = CustomerGroupForm(request.POST or None)
    if request.method == "POST":
        require(request, "orders.add_customergroup")
        if form.is_valid():
            group = services.customer_group_save(actor=request.user, **form.cleaned_data)
            return redirect("orders:group", pk=group.pk)
    groups = selectors.customer_group_list()
    return render(request, "orders/group_list.html", {"groups": groups, "form": form})


@login_required
@permission_required("orders.view_customergroup", raise_exception=True)
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A group's members and its price per product; changes need change_customergroup."""
    group = selectors.customer_group_get(pk=pk)
    member_form = MemberForm(user=request.user)
    if request.method == "POST":
        require(request, "orders.change_customergroup")
        try:
            _change_group(request, group)
        except ValidationError as error:
            messages.error(request, problem_text(error))
        else:
            messages.success(request, _("Customer group saved."))
        return redirect("orders:group", pk=group.pk)
    prices = {item.product_id: item.price for item in group.prices.all()}
    products = [(p, prices.get(p.pk)) for p in selectors.product_list(active_only=True)]
    members = customer_queryset(user=request.user).filter(group_membership__group=group)
    context = {
        "group": group,
        "products": products,
        "members": members.order_by("name"),
        "member_form": member_form,
    }
    return render(request, "orders/group_detail.html", context)


def _change_group(request: HttpRequest, group: Any) -> None:
    action = request.POST.get("action")
    if action in ("add", "remove"):
        form = MemberForm(request.POST, user=request.user)
        if not form.is_valid():
            raise ValidationError({"customer": _("Choose a customer.")})
        change = services.customer_group_add if action == "add" else services.customer_group_remove
        change(actor=request.user, group=group, customer=form.cleaned_data["customer"])
        return
    group_form = CustomerGroupForm(request.POST, instance=group)
    if not group_form.is_valid():
        raise form_problem(group_form)
    services.customer_group_save(actor=request.user, group=group, **group_form.cleaned_data)
    for product in selectors.product_list(active_only=True):
        raw = request.POST.get(f"price-{product.pk}", "").strip().replace(",", "")
        services.price_set(actor=request.user, group=group, product=product, price=raw or None)
