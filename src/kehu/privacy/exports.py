"""The data-subject export: everything Kehu holds about one customer, as JSON.

It is gathered from what the apps declare, never from a list of tables here: each app's
personal columns (`KehuApp.personal_data`) and its other sections (`KehuApp.subject_data`,
the orders' summary), with the consent ledger and the customer's history.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils import timezone

from kehu.core.history import change_lines
from kehu.core.models import Change
from kehu.core.registry import personal_data, subject_data
from kehu.customers.models import Customer
from kehu.privacy.selectors import consent_ledger

_CONSENT_FIELDS = (
    "id",
    "contact_id",
    "purpose",
    "channel",
    "wording_version",
    "granted_at",
    "withdrawn_at",
)


def _personal(customer_id: int) -> dict[str, list[dict[str, Any]]]:
    return {
        model._meta.label: list(
            model._default_manager.filter(**{declared.customer: customer_id})
            .order_by("pk")
            .values("pk", *declared.fields)
        )
        for model, declared in personal_data()
    }


def _history(customer_id: int) -> list[dict[str, Any]]:
    changes = (
        Change.objects.filter(customer_id=customer_id)
        .select_related("target_type")
        .order_by("at", "id")
    )
    return [
        {
            "at": change.at,
            "action": change.action_label,
            "record": f"{change.target_type.model} {change.target_id}",
            "label": change.target_repr,
            "fields": [asdict(line) for line in change_lines(change, reveal_contact_details=True)],
        }
        for change in changes
    ]


def subject_export(*, customer: Customer) -> dict[str, Any]:
    """What Kehu holds about the customer (a person) and its contacts: their personal
    columns in every table, their consents, the other apps' sections, and the history."""
    return {
        "customer_id": customer.pk,
        "exported_at": timezone.now(),
        "personal_data": _personal(customer.pk),
        "consents": list(consent_ledger(customer=customer).values(*_CONSENT_FIELDS)),
        **{section: rows(customer.pk) for section, rows in subject_data().items()},
        "history": _history(customer.pk),
    }
