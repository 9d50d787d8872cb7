"""The demo company: a small food and consumer-goods maker with its sales team and customers."""

from __future__ import annotations

from django.db import transaction

from kehu.core.models import User
from kehu.demo import customers, organisation

DEMO_PASSWORD = organisation.DEMO_PASSWORD


@transaction.atomic
def demo_load() -> str:
    """Load the demo company once; later calls change nothing and say so."""
    if User.objects.filter(username=organisation.ADMIN_USERNAME).exists():
        return "The demo company is already loaded."
    team = organisation.organisation_load()
    created = customers.customers_load(team=team)
    return (
        f"Demo company loaded: {len(team.users)} users, {created.customers} customers, "
        f"{created.contacts} contacts."
    )
