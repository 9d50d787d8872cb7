"""Page forms of the orders app. Line rows and specification rows are plain numbered inputs
(htmx adds rows), read back into the dicts the services take."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kehu.customers.models import Customer
from kehu.customers.selectors import customer_queryset
from kehu.orders.models import (
    CustomerGroup,
    Delivery,
    OrderStatus,
    Payment,
    Product,
)
from kehu.orders.services import GROUP_FIELDS, PRODUCT_FIELDS


def _date_input() -> forms.DateInput:
    # The browser's date picker reads and writes ISO dates whatever the page's language.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def form_problem(form: forms.BaseForm) -> ValidationError:
    """A form's errors as one refusal whose messages name their fields."""
    messages: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.extend(f"{label}: {e}" if label else str(e) for e in errors)
    return ValidationError(messages)


_LINE = re.compile(r"^line-(\d+)-product$")
_SPEC = re.compile(r"^spec-(\d+)-name$")
LINE_INPUTS = ["product", "quantity", "unit_price", "discount_percent"]


class ProductForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Product
        fields = PRODUCT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version


class CustomerGroupForm(forms.ModelForm):
    class Meta:
        model = CustomerGroup
        fields = GROUP_FIELDS


class MemberForm(forms.Form):
    customer = forms.ModelChoiceField(label=_lazy("customer"), queryset=Customer.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["customer"]
        field.queryset = customer_queryset(user=user).order_by("name")


class QuoteForm(forms.Form):
    customer = forms.ModelChoiceField(label=_lazy("customer"), queryset=Customer.objects.none())
    valid_until = forms.DateField(label=_lazy("valid until"), widget=_date_input())
    notes = forms.CharField(
        label=_lazy("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, fixed_customer: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["customer"]
        field.queryset = customer_queryset(user=user).order_by("name")
        if fixed_customer:
            field.disabled = True


def line_rows(data: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The filled line rows of a posted quote form, and problems with products that vanished."""
    indices = sorted(int(m.group(1)) for key in data if (m := _LINE.match(key)))
    rows: list[dict[str, Any]] = []
    problems: list[str] = []
    products = Product.objects.in_bulk(
        [data[f"line-{i}-product"] for i in indices if str(data[f"line-{i}-product"]).isdigit()]
    )
    for i in indices:
        raw = data.get(f"line-{i}-product", "")
        if not raw:
            continue
        product = products.get(int(raw)) if str(raw).isdigit() else None
        if product is None:
            problems.append(_("Choose a product on every line."))
            continue
        row: dict[str, Any] = {"product": product}
        for name in LINE_INPUTS[1:]:
            value = str(data.get(f"line-{i}-{name}", "")).strip().replace(",", "")
            if value:
                row[name] = value
        rows.append(row)
    return rows, problems


def spec_rows(data: Mapping[str, Any]) -> dict[str, str]:
    indices = sorted(int(m.group(1)) for key in data if (m := _SPEC.match(key)))
    specs = {}
    for i in indices:
        name = str(data.get(f"spec-{i}-name", "")).strip()
        if name:
            specs[name] = str(data.get(f"spec-{i}-value", "")).strip()
    return specs


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_lazy("status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _lazy("All")), *OrderStatus.choices]  # type: ignore[attr-defined]
        self.fields["status"].widget.attrs["class"] = "form-select"

    def chosen_status(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["received_on", "amount", "method", "reference"]
        widgets = {"received_on": _date_input()}


class DeliveryForm(forms.ModelForm):
    class Meta:
        model = Delivery
        fields = ["shipped_on", "delivered_on", "carrier", "tracking_number"]
        widgets = {
            "shipped_on": _date_input(),
            "delivered_on": _date_input(),
        }
