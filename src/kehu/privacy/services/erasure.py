"""Erasing a customer's personal data on request: every column the apps declared as
personal (core.registry.PersonalData) is replaced, and the history is scrubbed of the old
values; the business records (orders, amounts) stay, under the replaced name."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kehu.core.history import actor_or_none, change_record
from kehu.core.models import Change, User
from kehu.core.registry import personal_data
from kehu.customers.models import Customer
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


@transaction.atomic
def erasure_execute(*, actor: User | None, request: ErasureRequest) -> ErasureRequest:
    """Replace the customer's personal data in every declared table and in its history;
    only those who may erase (administrators) may carry it out."""
    if actor is not None and not actor.has_perm(ERASE):
        raise PermissionDenied(_("Only an administrator may erase a person's data."))
    if request.is_executed:
        raise ValidationError({"status": _("This request has already been carried out.")})
    customer_id = request.customer_id
    # In the company's language: the word stays in the records for every reader.
    with translation.override(settings.LANGUAGE_CODE):
        word = _("Erased")
    traces: set[str] = set()
    personal_fields: set[str] = set()
    for model, declared in personal_data():
        personal_fields.update(declared.fields)
        for row in model._default_manager.filter(**{declared.customer: customer_id}):
            for name in declared.fields:
                field = row._meta.get_field(name)
                value = getattr(row, name)
                if value:
                    traces.add(value)
                setattr(row, name, _replacement(field, value, word))
            row.save(update_fields=list(declared.fields))
    history = list(Change.objects.filter(customer_id=customer_id))
    for change in history:
        for name in personal_fields & change.changes.keys():
            traces.update(str(value) for value in change.changes[name] if value)
    # Longest first, so that a name is replaced whole before a part of it could be.
    ordered = sorted((t for t in traces if len(t) > 1), key=len, reverse=True)
    for change in history:
        change.changes = _scrubbed(change.changes, ordered, word)
        change.target_repr = _scrubbed(change.target_repr, ordered, word)
    Change.objects.bulk_update(history, ["changes", "target_repr"], batch_size=500)
    request.status = ErasureStatus.EXECUTED
    request.executed_at = timezone.now()
    request.executed_by = actor_or_none(actor)
    request.save(update_fields=["status", "executed_at", "executed_by"])
    change_record(
        actor=actor,
        target=request,
        action=PrivacyAction.ERASE,
        changes={"erasure_request": [None, request.pk]},
        customer_id=customer_id,
    )
    return request
