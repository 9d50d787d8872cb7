"""The whole path over the API: a lead from a trade fair becomes a customer with an
opportunity, a quote, an order held by the credit limit until finance approves it, and a
payment that settles it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kehu.customers.models import Customer
from kehu.orders.models import Order
from kehu.orders.selectors import receivables_ageing
from kehu.sales.models import LeadSource, Opportunity
from tests.orders.conftest import in_days

pytestmark = pytest.mark.django_db


def test_a_lead_becomes_a_paid_order(team, products, api_client, english):
    alice, finance = api_client(team["alice"]), api_client(team["finance"])

    lead = alice.post(
        "/api/v1/leads/",
        {
            "company": "南京金陵食品有限公司",
            "person": "陈静",
            "phone": "13951234567",
            "source": LeadSource.objects.get(channel="trade_fair").pk,
            "campaign": "2026 春季糖酒会",
        },
        format="json",
    )
    assert lead.status_code == 201, lead.json()
    converted = alice.post(
        f"/api/v1/leads/{lead.json()['id']}/convert/",
        {
            "version": 1,
            "opportunity": {
                "name": "年度阀门供货",
                "business_mode": "industrial_goods",
                "amount": "3500.00",
            },
        },
        format="json",
    )
    assert converted.status_code == 201, converted.json()
    customer = Customer.objects.get(pk=converted.json()["customer"])
    opportunity = Opportunity.objects.get(pk=converted.json()["opportunity"])
    assert customer.source_channel == "trade_fair" and customer.owner == team["alice"]
    Customer.objects.filter(pk=customer.pk).update(credit_limit=Decimal("1000.00"))

    quote = alice.post(
        "/api/v1/quotes/",
        {
            "customer": customer.pk,
            "opportunity": opportunity.pk,
            "valid_until": in_days(30).isoformat(),
            "lines": [
                {"product": products["valve"].pk, "quantity": "10", "discount_percent": "10"},
                {"product": products["pipe"].pk, "quantity": "100"},
            ],
        },
        format="json",
    )
    assert quote.status_code == 201, quote.data
    order = alice.post(f"/api/v1/quotes/{quote.data['id']}/accept/")
    assert order.status_code == 201 and order.data["total"] == "3500.00"
    order_id = order.data["id"]

    blocked = alice.post(f"/api/v1/orders/{order_id}/confirm/")
    assert blocked.status_code == 409
    assert "credit limit of 1,000.00 CNY" in blocked.data["detail"]
    approval = alice.post(
        "/api/v1/credit-approvals/",
        {"order": order_id, "reason": "展会新客户，首单预付一半"},
        format="json",
    )
    assert approval.status_code == 201, approval.data
    decided = finance.post(
        f"/api/v1/credit-approvals/{approval.data['id']}/decide/",
        {"approve": True, "note": "同意"},
        format="json",
    )
    assert decided.status_code == 200 and decided.data["status"] == "approved"
    confirmed = alice.post(f"/api/v1/orders/{order_id}/confirm/")
    assert confirmed.status_code == 200 and confirmed.data["status"] == "confirmed"

    rows = receivables_ageing(user=team["finance"]).rows
    assert [(row.label, row.not_due) for row in rows] == [(customer.name, Decimal("3500.00"))]

    paid = finance.post(
        "/api/v1/payments/",
        {"order": order_id, "amount": "3500.00", "received_on": in_days(0).isoformat()},
        format="json",
    )
    assert paid.status_code == 201, paid.data
    settled = Order.objects.get(pk=order_id)
    assert (settled.paid, settled.quote.opportunity) == (Decimal("3500.00"), opportunity)
    assert receivables_ageing(user=team["finance"]).rows == []
