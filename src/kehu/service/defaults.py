"""The built-in ticket kinds. Names are stored in English and shown translated;
administrators may rename, reorder or add to them. They are seeded after each migrate or
flush where the list is empty, so an edited list is left alone."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

# (code, name, answered to the customer on the customer's page)
KINDS = [
    ("complaint", gettext_noop("Complaint"), True),
    ("inquiry", gettext_noop("Inquiry"), False),
    ("repair", gettext_noop("Repair"), False),
    ("return", gettext_noop("Return or exchange"), False),
    ("suggestion", gettext_noop("Suggestion"), True),
]


def defaults_ensure(**_: Any) -> None:
    """After each migrate (and each flush in tests)."""
    from kehu.service.models import TicketKind

    if not TicketKind.objects.exists():
        TicketKind.objects.bulk_create(
            TicketKind(code=code, name=name, order=order, needs_reply=reply)
            for order, (code, name, reply) in enumerate(KINDS, start=1)
        )
