"""The privacy app's forms: granting a consent, recording an erasure request, and the
access audit's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kehu.core.access import AccessKind
from kehu.core.forms import date_input
from kehu.core.models import User
from kehu.customers.models import Customer
from kehu.customers.pickers import CustomerChoiceField
from kehu.privacy.models import ConsentChannel, Purpose


class ConsentForm(forms.Form):
    """A grant for the customer itself or one of its contacts."""

    contact: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("contact"),
        queryset=None,
        required=False,
        empty_label=_("The customer itself"),
    )
    purpose = forms.ChoiceField(label=_("purpose"), choices=Purpose.choices)
    channel = forms.ChoiceField(label=_("channel"), choices=ConsentChannel.choices)
    wording_version = forms.CharField(label=_("wording version"), max_length=50)

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = customer.contacts.order_by("name", "pk")  # type: ignore[attr-defined]


class ErasureRequestForm(forms.Form):
    customer = CustomerChoiceField(label=_("customer"))

    def __init__(self, *args: Any, customers: QuerySet[Customer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers  # type: ignore[attr-defined]


class AccessFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("user"), queryset=User.objects.order_by("username"), required=False
    )
    customer = forms.IntegerField(label=_("customer number"), min_value=1, required=False)
    kind = forms.ChoiceField(
        label=_("kind of access"), choices=[("", _("All")), *AccessKind.choices], required=False
    )
    since = forms.DateField(label=_("from"), required=False, widget=date_input())
    until = forms.DateField(label=_("to"), required=False, widget=date_input())

    def filters(self) -> dict[str, Any]:
        """The chosen filters, as `selectors.access_events` takes them; none while invalid."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "user": data["user"],
            "customer_id": data["customer"],
            "kind": data["kind"],
            "since": data["since"],
            "until": data["until"],
        }
