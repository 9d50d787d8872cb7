"""Erasing personal data on request: every column the apps declared as personal
(core.registry.PersonalData) is replaced, and the history is scrubbed of the old values; the
business records (orders, amounts) stay, under the replaced name.

A whole customer is erased on a recorded request (`erasure_execute`); one of its contacts
alone by `contact_erase`, which also scrubs the contact's traces out of the customer's
other records (a converted lead that named the person). Both go through `_Erasure`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kehu.core.contact_details import phone_display
from kehu.core.history import actor_or_none, change_record
from kehu.core.models import Change, User
from kehu.core.registry import PersonalData, personal_data
from kehu.customers import search_index
from kehu.customers.models import Contact, Customer
from kehu.privacy.models import ERASE, ErasureRequest, ErasureStatus, PrivacyAction


def erasure_request(*, actor: User | None, customer: Customer) -> ErasureRequest:
    """Record that the customer asked to be erased."""
    return ErasureRequest.objects.create(customer=customer, requested_by=actor_or_none(actor))


def _replacement(field: Any, value: str, word: str) -> str:
    # Search keys and e-mail addresses are left empty; a name becomes a word that says why.
    if not value or not field.editable or isinstance(field, models.EmailField):
        return ""
    return word[: field.max_length or None]


def _scrubbed(value: Any, traces: list[str], word: str) -> Any:
    if isinstance(value, str):
        for trace in traces:
            value = value.replace(trace, word)
        return value
    if isinstance(value, list):
        return [_scrubbed(item, traces, word) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, traces, word) for key, item in value.items()}
    return value


def _trace_forms(name: str, value: Any) -> set[str]:
    # A phone is kept as +8613912345678 and written by people as 13912345678.
    text = str(value)
    return {text, phone_display(text)} if name == "phone" else {text}


@dataclass
class _Erasure:
    """One erasure: the values it replaced (its traces), then scrubbed out of the history
    and out of the other records it was asked to clean."""

    customer_id: int
    traces: set[str] = field(default_factory=set)
    word: str = ""

    def __post_init__(self) -> None:
        # In the company's language: the word stays in the records for every reader.
        with translation.override(settings.LANGUAGE_CODE):
            self.word = _("Erased")

    def replace(self, rows: QuerySet[Any], declared: PersonalData) -> None:
        """Replace the declared columns of `rows`, keeping what they held as traces."""
        for row in rows:
            for name in declared.fields:
                value = getattr(row, name)
                if value:
                    self.traces.update(_trace_forms(name, value))
                setattr(row, name, _replacement(row._meta.get_field(name), value, self.word))
            row.save(update_fields=list(declared.fields))

    def trace_history(self, changes: Iterable[Change], fields: set[str]) -> None:
        """Keep as traces the old and new values of `fields` in these history rows."""
        for change in changes:
            for name in fields & change.changes.keys():
                for value in change.changes[name]:
                    if value:
                        self.traces.update(_trace_forms(name, value))

    @property
    def ordered(self) -> list[str]:
        # Longest first, so that a name is replaced whole before a part of it could be.
        return sorted((t for t in self.traces if len(t) > 1), key=len, reverse=True)

    def scrub(self, rows: QuerySet[Any], declared: PersonalData) -> None:
        """Take the traces out of the declared columns of `rows`: a column that held only a
        trace is replaced as an erased one is, one that mentions it has the trace replaced."""
        ordered = self.ordered
        for row in rows:
            touched = []
            for name in declared.fields:
                value = getattr(row, name)
                if not value or not isinstance(value, str):
                    continue
                model_field = row._meta.get_field(name)
                if value in self.traces:
                    new = _replacement(model_field, value, self.word)
                else:
                    new = _scrubbed(value, ordered, self.word)[: model_field.max_length or None]
                if new != value:
                    setattr(row, name, new)
                    touched.append(name)
            if touched:
                row.save(update_fields=touched)

    def scrub_history(self) -> None:
        ordered = self.ordered
        history = list(Change.objects.filter(customer_id=self.customer_id))
        for change in history:
            change.changes = _scrubbed(change.changes, ordered, self.word)
            change.target_repr = _scrubbed(change.target_repr, ordered, self.word)
        Change.objects.bulk_update(history, ["changes", "target_repr"], batch_size=500)


# Sent, in the erasure's transaction, with the customer whose personal data was just
# replaced: an app that keeps words of its records elsewhere (a search index) refreshes them.
personal_data_erased = Signal()


def _erased(customer_id: int) -> None:
    search_index.refresh([customer_id])
    personal_data_erased.send(sender=Customer, customer_id=customer_id)


def _may_erase(actor: User | None) -> None:
    if actor is not None and not actor.has_perm(ERASE):
        raise PermissionDenied(_("Only an administrator may erase a person's data."))


def _of_customer(
    model: type[models.Model], declared: PersonalData, customer_id: int
) -> QuerySet[Any]:
    return model._default_manager.filter(**{declared.customer: customer_id})


@transaction.atomic
def erasure_execute(*, actor: User | None, request: ErasureRequest) -> ErasureRequest:
    """Replace the customer's personal data in every declared table and in its history;
    only those who may erase (administrators) may carry it out."""
    _may_erase(actor)
    if request.is_executed:
        raise ValidationError({"status": _("This request has already been carried out.")})
    erasure = _Erasure(request.customer_id)
    personal_fields: set[str] = set()
    for model, declared in personal_data():
        personal_fields.update(declared.fields)
        erasure.replace(_of_customer(model, declared, erasure.customer_id), declared)
    erasure.trace_history(Change.objects.filter(customer_id=erasure.customer_id), personal_fields)
    erasure.scrub_history()
    _erased(erasure.customer_id)
    request.status = ErasureStatus.EXECUTED
    request.executed_at = timezone.now()
    request.executed_by = actor_or_none(actor)
    request.save(update_fields=["status", "executed_at", "executed_by"])
    change_record(
        actor=actor,
        target=request,
        action=PrivacyAction.ERASE,
        changes={"erasure_request": [None, request.pk]},
        customer_id=erasure.customer_id,
    )
    return request


@transaction.atomic
def contact_erase(*, actor: User | None, contact: Contact) -> Contact:
    """Replace one contact's personal data, and take what it held out of the customer's
    history and other records; the customer and the contact's row stay."""
    _may_erase(actor)
    erasure = _Erasure(contact.customer_id)
    declared_tables = personal_data()
    own = next(declared for model, declared in declared_tables if model is Contact)
    erasure.replace(Contact.objects.filter(pk=contact.pk), own)
    history = Change.objects.filter(
        customer_id=erasure.customer_id,
        target_type=ContentType.objects.get_for_model(Contact),
        target_id=contact.pk,
    )
    erasure.trace_history(history, set(own.fields))
    erasure.traces.update(history.values_list("target_repr", flat=True))
    for model, declared in declared_tables:
        erasure.scrub(_of_customer(model, declared, erasure.customer_id), declared)
    erasure.scrub_history()
    _erased(erasure.customer_id)
    contact.refresh_from_db()
    change_record(
        actor=actor,
        target=contact,
        action=PrivacyAction.ERASE,
        changes={},
        customer_id=erasure.customer_id,
    )
    return contact
