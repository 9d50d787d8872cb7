"""Form fields that choose one customer or contact among a million.

A plain select would carry every customer the user may see; these carry only the chosen
one, and a search box above the select fills it with the matches as the user types (the
pick views). Validation is the field's as ever: the form's queryset says what may be
chosen, whatever the page offered.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from kehu.customers.models import Contact, Customer, CustomerKind

# Options a search returns: enough to choose from, few enough to read; a longer fragment
# narrows them further.
MATCHES = 20


def contact_label(contact: Contact) -> str:
    """A contact with its customer, as two people of one name may work for two customers."""
    return f"{contact.name} · {contact.customer.name}"


class PickerSelect(forms.Select):
    """A select holding only the chosen option (and the blank one), under a search box
    whose matches, fetched from `url_name`, replace its options."""

    template_name = "customers/widgets/picker.html"

    def __init__(self, *, url_name: str, search_label: Any, params: dict[str, str]) -> None:
        super().__init__()
        self.url_name = url_name
        self.search_label = search_label
        self.params = params

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        query = f"?{urlencode(self.params)}" if self.params else ""
        context["widget"]["search"] = {
            "url": reverse(self.url_name) + query,
            "label": self.search_label,
        }
        return context

    def optgroups(self, name: str, value: list[str], attrs: Any = None) -> list[Any]:
        options = [
            self.create_option(name, choice, label, str(choice) in value, index, attrs=attrs)
            for index, (choice, label) in enumerate(self._chosen(value))
        ]
        return [(None, [option], index) for index, option in enumerate(options)]

    def _chosen(self, value: list[str]) -> Iterator[tuple[Any, str]]:
        # The choices are the field's ModelChoiceIterator: its queryset is the form's.
        choices: Any = self.choices
        field = choices.field
        if field.empty_label is not None:
            yield "", field.empty_label
        wanted = [v for v in value if v]
        if not wanted:
            return
        key = field.to_field_name or "pk"
        try:
            chosen = list(choices.queryset.filter(**{f"{key}__in": wanted}))
        except (ValueError, TypeError, ValidationError):
            # A value that is not an id (a hand-edited ?customer=) chooses nothing.
            return
        for instance in chosen:
            yield choices.choice(instance)


class CustomerChoiceField(forms.ModelChoiceField):
    """A customer, found by name, pinyin, initials or phone; `kind` limits the search to
    customers of one kind (dealers). The form gives the queryset, and it alone decides
    what is accepted."""

    def __init__(self, *, queryset: Any = None, kind: str = "", **kwargs: Any) -> None:
        search_label = _("Search dealers") if kind == CustomerKind.DEALER else _("Search customers")
        widget = PickerSelect(
            url_name="customers:pick",
            search_label=search_label,
            params={"kind": kind} if kind else {},
        )
        super().__init__(
            queryset=Customer.objects.none() if queryset is None else queryset,
            widget=widget,
            **kwargs,
        )


class DealerChoiceField(CustomerChoiceField):
    """A dealer: the customers of kind dealer are the ones searched."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(kind=CustomerKind.DEALER, **kwargs)


class ContactChoiceField(forms.ModelChoiceField):
    """A contact of a customer, found by name, pinyin, initials or phone and shown with its
    customer. The queryset should fetch the customer along (`contact_queryset` does)."""

    def __init__(self, *, queryset: Any = None, **kwargs: Any) -> None:
        widget = PickerSelect(
            url_name="customers:contact-pick", search_label=_("Search contacts"), params={}
        )
        super().__init__(
            queryset=Contact.objects.none() if queryset is None else queryset,
            widget=widget,
            **kwargs,
        )

    def label_from_instance(self, obj: Any) -> str:
        return contact_label(obj)
