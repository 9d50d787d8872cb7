"""The demo company: a small food and consumer-goods maker with its sales team and customers."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from kehu.analytics.demo import analytics_demo_load
from kehu.core.models import User
from kehu.customers.models import Customer
from kehu.demo import customers, orders, organisation, sales, service

DEMO_PASSWORD = organisation.DEMO_PASSWORD


@transaction.atomic
def demo_load() -> str:
    """Load the demo company once; later calls change nothing and say so."""
    if User.objects.filter(username=organisation.ADMIN_USERNAME).exists():
        return gettext("The demo company is already loaded.")
    team = organisation.organisation_load()
    created = customers.customers_load(team=team)
    pipeline = sales.sales_load(team=team)
    sold = orders.orders_load(team=team)
    served = service.service_load(team=team)
    # Last, so that the scores read the orders and the payments as they stand.
    analytics_demo_load(Customer.objects.order_by("pk"))
    return gettext(
        "Demo company loaded: %(users)d users, %(customers)d customers, %(contacts)d contacts, "
        "%(leads)d leads, %(opportunities)d opportunities, %(orders)d orders, "
        "%(payments)d payments, %(tickets)d service tickets."
    ) % {
        "users": User.objects.count(),
        "customers": created.customers,
        "contacts": created.contacts,
        "leads": pipeline.leads,
        "opportunities": pipeline.opportunities,
        "orders": sold.orders,
        "payments": sold.payments,
        "tickets": served.tickets,
    }
