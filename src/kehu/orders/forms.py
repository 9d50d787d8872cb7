"""Page forms of the orders app. Line rows and specification rows are plain numbered inputs
(htmx adds rows), read back into the dicts the services take."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.core.forms import RecordForm, date_input
from kehu.core.models import User
from kehu.customers.pickers import CustomerChoiceField, DealerChoiceField
from kehu.customers.selectors import customer_queryset
from kehu.orders import selectors
from kehu.orders.models import (
    CustomerGroup,
    Delivery,
    Order,
    OrderStatus,
    Payment,
    Product,
    Quote,
)
from kehu.orders.services import GROUP_FIELDS, PRODUCT_FIELDS

_LINE = re.compile(r"^line-(\d+)-product$")
LINE_INPUTS = ["product", "quantity", "unit_price", "discount_percent"]


class ProductForm(RecordForm):
    layout = (
        (
            (
                "",
                (
                    ("sku", "col-md-4"),
                    ("name", "col-md-8"),
                    ("unit", "col-md-4"),
                    ("list_price", "col-md-4"),
                    ("currency", "col-md-4"),
                    ("is_active", "col-12"),
                ),
            ),
        ),
    )

    class Meta:
        model = Product
        fields = PRODUCT_FIELDS


class CustomerGroupForm(RecordForm):
    """A new group: its name and payment terms (finance's, read-only to anyone else)."""

    class Meta:
        model = CustomerGroup
        fields = GROUP_FIELDS


class GroupNameForm(RecordForm):
    class Meta:
        model = CustomerGroup
        fields = ["name"]


class GroupTermsForm(RecordForm):
    """A group's payment terms, which finance sets."""

    layout = ((("", (("payment_terms_days", "col-12"),)),),)

    class Meta:
        model = CustomerGroup
        fields = ["payment_terms_days"]


class MemberForm(forms.Form):
    customer = CustomerChoiceField(label=gettext_lazy("customer"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["customer"]
        field.queryset = customer_queryset(user=user).order_by("name")


class DocumentForm(RecordForm):
    """The head of a quote or an order; its lines are the numbered rows `line_rows` reads.
    The customer of a document being changed (or revised) stays fixed."""

    def __init__(self, *args: Any, user: User, fixed_customer: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        field: Any = self.fields["customer"]
        field.queryset = customer_queryset(user=user).order_by("name")
        if fixed_customer:
            field.disabled = True


class QuoteForm(DocumentForm):
    class Meta:
        model = Quote
        fields = ["customer", "valid_until", "notes"]
        field_classes = {"customer": CustomerChoiceField}
        widgets = {"valid_until": date_input(), "notes": forms.Textarea(attrs={"rows": 2})}


class OrderForm(DocumentForm):
    class Meta:
        model = Order
        fields = ["customer", "dealer", "notes"]
        field_classes = {"customer": CustomerChoiceField, "dealer": DealerChoiceField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "dealer": gettext_lazy(
                "Empty on a new order: the customer's own dealer, if it has one."
            ),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        field: Any = self.fields["dealer"]
        field.queryset = selectors.dealer_queryset(user=user).order_by("name")
        if self.fields["customer"].disabled:
            # Editing: an empty dealer removes the dealer, it does not fill in the customer's.
            field.help_text = ""


def line_rows(
    data: Mapping[str, Any], *, with_specs: bool = False
) -> tuple[list[dict[str, Any]], list[str]]:
    """The filled line rows of a posted quote or order form (with each line's specifications
    for an order), and the rows whose product is not one on offer.

    A row with an unknown product stays in the list, without one, so the form shows it again
    as it was typed.
    """
    indices = sorted(int(m.group(1)) for key in data if (m := _LINE.match(key)))
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    products = selectors.products_by_id(
        [data[f"line-{i}-product"] for i in indices if str(data[f"line-{i}-product"]).isdigit()]
    )
    for i in indices:
        row: dict[str, Any] = {}
        for name in LINE_INPUTS[1:]:
            value = str(data.get(f"line-{i}-{name}", "")).strip().replace(",", "")
            if value:
                row[name] = value
        if with_specs:
            row["specs"] = spec_rows(data, prefix=f"line-{i}-")
        raw = str(data.get(f"line-{i}-product", ""))
        if not raw and not any(row.values()):
            continue
        product = products.get(int(raw)) if raw.isdigit() else None
        if product is None:
            problems.append(
                _("Line %(n)d, product: choose one of the products on offer.")
                % {"n": len(rows) + 1}
            )
        rows.append({"product": product, **row})
    return rows, problems


def spec_rows(data: Mapping[str, Any], *, prefix: str = "") -> dict[str, str]:
    """The specifications posted as numbered name and value inputs, each name after `prefix`."""
    pattern = re.compile(rf"^{re.escape(prefix)}spec-(\d+)-name$")
    indices = sorted(int(m.group(1)) for key in data if (m := pattern.match(key)))
    specs = {}
    for i in indices:
        name = str(data.get(f"{prefix}spec-{i}-name", "")).strip()
        if name:
            specs[name] = str(data.get(f"{prefix}spec-{i}-value", "")).strip()
    return specs


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", gettext_lazy("All")), *OrderStatus.choices]  # type: ignore[attr-defined]
        self.fields["status"].widget.attrs["class"] = "form-select"

    def chosen_status(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


class PaymentForm(RecordForm):
    class Meta:
        model = Payment
        fields = ["received_on", "amount", "method", "reference"]
        widgets = {"received_on": date_input()}


class DeliveryForm(RecordForm):
    class Meta:
        model = Delivery
        fields = ["shipped_on", "delivered_on", "carrier", "tracking_number"]
        widgets = {
            "shipped_on": date_input(),
            "delivered_on": date_input(),
        }


class CreditPolicyForm(forms.Form):
    unlimited = forms.ChoiceField(
        label=gettext_lazy("Customers without a credit limit"),
        choices=[
            (
                "unchecked",
                gettext_lazy("No credit check: their orders are confirmed without approval"),
            ),
            ("approve", gettext_lazy("Each of their orders needs finance's approval")),
        ],
        widget=forms.RadioSelect,
    )
