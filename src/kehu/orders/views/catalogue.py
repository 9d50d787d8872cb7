"""Products, and the customer groups with their price lists, payment terms and members."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.core.forms import form_problem
from kehu.core.pages import EDITS, PAGE_SIZE, WRITES, RecordPages, UserRequest, page, problem_text
from kehu.core.pagination import CappedPaginator
from kehu.core.records import REFUSALS, Writes
from kehu.customers.models import CHANGE_CREDIT, Customer
from kehu.orders import selectors, services
from kehu.orders.forms import (
    CustomerGroupForm,
    GroupNameForm,
    GroupTermsForm,
    MemberForm,
    ProductForm,
)
from kehu.orders.models import CustomerGroup, Product

# A group is created and changed by one service, which is given the group it changes.
GROUP_WRITES = Writes(
    create=services.customer_group_save, update=services.customer_group_save, record="group"
)


@page("orders.view_product")
def product_list(request: UserRequest) -> HttpResponse:
    products = selectors.product_list(search=request.GET.get("q", ""))
    page_ = CappedPaginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "orders/product_list.html", {"page": page_, "q": request.GET.get("q", "")}
    )


product_new, product_edit = RecordPages(
    form=ProductForm,
    writes=Writes.named(services, "product"),
    template="orders/product_form.html",
    titles=(gettext_lazy("New product"), gettext_lazy("Edit product")),
    saved=gettext_lazy("Product saved."),
    done=lambda _product: reverse("orders:products"),
    back=lambda _product: reverse("orders:products"),
    record="product",
    loader=Product,
).views(add="orders.add_product", change="orders.change_product")


def _group_list(request: UserRequest, form: CustomerGroupForm) -> HttpResponse:
    groups = selectors.customer_group_list()
    return render(request, "orders/group_list.html", {"groups": groups, "form": form})


@page("orders.view_customergroup")
def group_list(request: UserRequest) -> HttpResponse:
    return _group_list(request, CustomerGroupForm(user=request.user))


@page("orders.add_customergroup", methods=WRITES)
def group_new(request: UserRequest) -> HttpResponse:
    form = CustomerGroupForm(request.POST, user=request.user)
    group = form.record_saved(GROUP_WRITES)
    if group is not None:
        return redirect("orders:group", group=group.pk)
    return _group_list(request, form)


@page("orders.view_customergroup", group=CustomerGroup)
def group_detail(request: UserRequest, group: CustomerGroup) -> HttpResponse:
    """A group's price per product, payment terms and members. The name and prices are
    changed by those who keep the price lists, the terms and members by finance."""
    context = {
        "group": group,
        "products": selectors.group_prices(group=group),
        "members": selectors.group_members(user=request.user, group=group),
        "member_form": MemberForm(user=request.user),
    }
    return render(request, "orders/group_detail.html", context)


def _saved_or_refused(
    request: UserRequest, group: CustomerGroup, change: Callable[[], None]
) -> HttpResponse:
    try:
        change()
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
    else:
        messages.success(request, _("Customer group saved."))
    return redirect("orders:group", group=group.pk)


@page("orders.change_customergroup", methods=WRITES, group=CustomerGroup)
def group_edit(request: UserRequest, group: CustomerGroup) -> HttpResponse:
    """The group's name, and its price for each product on sale (empty: the list price)."""

    def save() -> None:
        form = GroupNameForm(request.POST, instance=group, user=request.user)
        if not form.is_valid():
            raise form_problem(form)
        data, _version = form.written()
        services.customer_group_save(actor=request.user, group=group, **data)
        for product in selectors.product_list(active_only=True):
            raw = request.POST.get(f"price-{product.pk}", "").strip().replace(",", "")
            services.price_set(actor=request.user, group=group, product=product, price=raw or None)

    return _saved_or_refused(request, group, save)


@page(CHANGE_CREDIT, methods=EDITS, group=CustomerGroup)
def group_terms(request: UserRequest, group: CustomerGroup) -> HttpResponse:
    """Finance's form for a group's payment terms."""
    form = GroupTermsForm(request.POST or None, instance=group, user=request.user)
    if form.record_saved(GROUP_WRITES) is not None:
        messages.success(request, _("Payment terms saved."))
        return redirect("orders:group", group=group.pk)
    context = {
        "form": form,
        "group": group,
        "title": _("Payment terms"),
        "cancel_url": reverse("orders:group", args=[group.pk]),
    }
    return render(request, "orders/group_terms.html", context)


@page(CHANGE_CREDIT, methods=WRITES, group=CustomerGroup)
def group_member_add(request: UserRequest, group: CustomerGroup) -> HttpResponse:
    """Put a customer in the group: its orders take the group's prices and payment terms."""

    def add() -> None:
        form = MemberForm(request.POST, user=request.user)
        if not form.is_valid():
            raise ValidationError({"customer": _("Choose a customer.")})
        services.customer_group_add(
            actor=request.user, group=group, customer=form.cleaned_data["customer"]
        )

    return _saved_or_refused(request, group, add)


@page(CHANGE_CREDIT, methods=WRITES, group=CustomerGroup, customer=Customer)
def group_member_remove(
    request: UserRequest, group: CustomerGroup, customer: Customer
) -> HttpResponse:
    def remove() -> None:
        services.customer_group_remove(actor=request.user, group=group, customer=customer)

    return _saved_or_refused(request, group, remove)
