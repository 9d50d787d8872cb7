"""The customer page's cards that htmx swaps in place: contacts and follow-ups."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from kehu.core.pages import EDITS, WRITES, Loader, UserRequest, page
from kehu.core.records import Writes
from kehu.customers import services
from kehu.customers.forms import ActivityForm, ContactForm
from kehu.customers.models import Contact, Customer

CONTACT = Loader(Contact, of="customer")


def _contacts_card(
    request: UserRequest,
    customer: Customer,
    form: ContactForm | None = None,
    editing: Contact | None = None,
) -> HttpResponse:
    context = {
        "customer": customer,
        "contacts": customer.contacts.all(),
        "contact_form": form,
        "editing": editing,
    }
    return render(request, "customers/_contacts.html", context)


def _changed(response: HttpResponse) -> HttpResponse:
    # The customer page reloads its history card when it hears this.
    response["HX-Trigger"] = "historyChanged"
    return response


@page("customers.view_contact", customer=Customer)
def contact_list(request: UserRequest, customer: Customer) -> HttpResponse:
    return _contacts_card(request, customer)


def _contact_form(
    request: UserRequest, customer: Customer, contact: Contact | None
) -> HttpResponse:
    """The contacts card, with a form to add or edit one contact (htmx swaps the card)."""
    form = ContactForm(request.POST or None, instance=contact, user=request.user)
    writes = Writes(
        create=partial(services.contact_create, customer=customer),
        update=services.contact_update,
    )
    if form.record_saved(writes) is not None:
        return _changed(_contacts_card(request, customer))
    return _contacts_card(request, customer, form, contact)


@page("customers.add_contact", methods=EDITS, customer=Customer)
def contact_new(request: UserRequest, customer: Customer) -> HttpResponse:
    return _contact_form(request, customer, None)


@page("customers.change_contact", methods=EDITS, customer=Customer, contact=CONTACT)
def contact_edit(request: UserRequest, customer: Customer, contact: Contact) -> HttpResponse:
    return _contact_form(request, customer, contact)


@page("customers.delete_contact", methods=WRITES, customer=Customer, contact=CONTACT)
def contact_delete(request: UserRequest, customer: Customer, contact: Contact) -> HttpResponse:
    services.contact_delete(actor=request.user, contact=contact)
    return _changed(_contacts_card(request, customer))


def activities_context(
    request: UserRequest, customer: Customer, form: ActivityForm | None = None
) -> dict[str, Any]:
    """What the follow-ups card of a customer page shows."""
    return {
        "activities": customer.activities.select_related("author")[:50],
        "activity_form": form,
        "activities_url": reverse("customers:activities", args=[customer.pk]),
        "can_log": request.user.has_perm("customers.add_activity"),
    }


@page("customers.add_activity", methods=EDITS, customer=Customer)
def activity_create(request: UserRequest, customer: Customer) -> HttpResponse:
    """The follow-ups card, with a form to log one (htmx swaps the card)."""
    form = None
    if not request.GET.get("cancel"):
        form = ActivityForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.activity_create(actor=request.user, customer=customer, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                form = None
    context = activities_context(request, customer, form)
    return render(request, "customers/_activities.html", context)
