"""Choosing a customer or a contact on a form: the page carries only the chosen one however
many customers there are, the search offers a few visible matches, and the form still
refuses a customer the user may not see."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kehu.customers import services
from kehu.customers.models import Customer
from kehu.sales.models import Lead, LeadSource, Opportunity
from tests.texts import t

pytestmark = pytest.mark.django_db


class _Selects(HTMLParser):
    """The options of each select of a page, by the select's name: (value, label, selected)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.options: dict[str, list[tuple[str, str, bool]]] = {}
        self.attrs: dict[str, dict[str, str | None]] = {}
        self._select: str | None = None
        self._option: dict[str, str | None] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "select":
            self._select = dict(attrs).get("name") or ""
            self.options[self._select] = []
            self.attrs[self._select] = dict(attrs)
        elif tag == "option" and self._select is not None:
            self._option = dict(attrs)

    def handle_data(self, data: str) -> None:
        if self._option is not None and self._select is not None:
            option = self._option
            self.options[self._select].append(
                (option.get("value") or "", data.strip(), "selected" in option)
            )
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _options(html: str) -> list[tuple[str, str, bool]]:
    """The options of a pick view's answer."""
    return _Selects(f"<select name='answer'>{html}</select>").options["answer"]


def _grow(owner: Any, make_customer: Callable[..., Customer], first: int, last: int) -> None:
    for index in range(first, last):
        customer = make_customer(owner, name=f"宏达食品{index:02d}号有限公司")
        services.contact_create(
            actor=owner, customer=customer, name=f"张伟{index:02d}", phone="13812345678"
        )


def test_the_form_holds_only_the_chosen_customer_however_many_there_are(
    team, make_customer, client
):
    _grow(team["alice"], make_customer, 0, 30)
    chosen = Customer.objects.get(name="宏达食品07号有限公司")
    client.force_login(team["alice"])
    for url in (
        f"/sales/opportunities/new/?customer={chosen.pk}",
        f"/orders/new/?customer={chosen.pk}",
        f"/orders/quotes/new/?customer={chosen.pk}",
    ):
        html = client.get(url).content.decode()
        assert _Selects(html).options["customer"] == [
            ("", "---------", False),
            (str(chosen.pk), chosen.name, True),
        ], url
        assert 'hx-get="/customers/pick/"' in html, url

    order_form = client.get("/orders/new/").content.decode()
    assert 'hx-get="/customers/pick/?kind=dealer"' in order_form
    lead_form = _Selects(client.get("/sales/leads/new/").content.decode())
    assert lead_form.options["referred_by_customer"] == [("", "---------", True)]
    assert lead_form.options["referred_by_contact"] == [("", "---------", True)]


def test_a_chosen_customer_stays_on_the_page_and_cannot_change_when_editing(
    team, make_customer, client
):
    customer = make_customer(team["alice"], name="宏达食品有限公司")
    make_customer(team["alice"], name="秦丰粮油有限公司")
    client.force_login(team["alice"])
    client.post(
        "/sales/opportunities/new/",
        {
            "name": "年度供货",
            "customer": customer.pk,
            "owner": team["alice"].pk,
            "business_mode": "consumer_goods",
            "amount": "5000",
            "currency": "CNY",
        },
    )
    deal = Opportunity.objects.get()
    assert deal.customer == customer

    html = client.get(f"/sales/opportunities/{deal.pk}/edit/").content.decode()
    page = _Selects(html)
    assert page.options["customer"] == [
        ("", "---------", False),
        (str(customer.pk), customer.name, True),
    ]
    assert "disabled" in page.attrs["customer"]
    assert 'id="id_customer_search"' not in html


def test_a_customer_id_that_is_no_number_chooses_nothing(team, make_customer, client):
    make_customer(team["alice"])
    client.force_login(team["alice"])
    page = _Selects(client.get("/sales/opportunities/new/?customer=abc").content.decode())
    assert page.options["customer"] == [("", "---------", False)]


def test_the_search_offers_at_most_twenty_customers(team, make_customer, client):
    _grow(team["alice"], make_customer, 0, 30)
    client.force_login(team["alice"])
    for query in ("宏达", "hdsp", "宏达食品1", "1381234"):
        options = _options(client.get("/customers/pick/", {"q": query}).content.decode())
        assert 0 < len(options) <= 20, query
        assert all(label.startswith("宏达食品") for _, label, _ in options), query
    tens = _options(client.get("/customers/pick/", {"q": "宏达食品1"}).content.decode())
    assert [label for _, label, _ in tens] == [f"宏达食品1{i}号有限公司" for i in range(10)]


def test_a_salesperson_finds_only_her_own_customers(team, make_customer, client):
    mine = make_customer(team["alice"], name="宏达食品有限公司")
    theirs = make_customer(team["bob"], name="宏达粮油有限公司")
    client.force_login(team["alice"])
    found = _options(client.get("/customers/pick/", {"q": "宏达"}).content.decode())
    assert found == [(str(mine.pk), mine.name, False)]
    client.force_login(team["manager"])
    found = _options(client.get("/customers/pick/", {"q": "宏达"}).content.decode())
    assert {value for value, _, _ in found} == {str(mine.pk), str(theirs.pk)}


def test_the_dealer_search_offers_dealers_only(team, make_customer, client):
    dealer = make_customer(team["alice"], name="宏达经销部", kind="dealer")
    make_customer(team["alice"], name="宏达饭店")
    client.force_login(team["alice"])
    answer = client.get("/customers/pick/", {"q": "宏达", "kind": "dealer"})
    found = _options(answer.content.decode())
    assert found == [(str(dealer.pk), dealer.name, False)]


def test_nothing_found_says_so_and_cannot_be_chosen(team, make_customer, client):
    make_customer(team["alice"])
    client.force_login(team["alice"])
    answer = client.get("/customers/pick/", {"q": "不存在的名字"}).content.decode()
    assert _options(answer) == [("", t("Nothing matches."), False)]
    assert "disabled" in answer


def test_contacts_are_found_by_name_initials_and_phone_with_their_customer(
    team, make_customer, client
):
    customer = make_customer(team["alice"], name="宏达食品有限公司")
    contact = services.contact_create(
        actor=team["alice"], customer=customer, name="王建国", phone="13912345678"
    )
    other = make_customer(team["bob"], name="秦丰粮油有限公司")
    services.contact_create(actor=team["bob"], customer=other, name="王建华", phone="13912345679")
    client.force_login(team["alice"])
    for query in ("王建", "wjg", "1391234"):
        found = _options(client.get("/customers/contacts/pick/", {"q": query}).content.decode())
        assert found == [(str(contact.pk), "王建国 · 宏达食品有限公司", False)], query


def test_the_form_refuses_a_customer_the_user_may_not_see(team, make_customer, client):
    theirs = make_customer(team["bob"], name="秦丰粮油有限公司")
    client.force_login(team["alice"])
    answer = client.post(
        "/sales/opportunities/new/",
        {
            "name": "年度供货",
            "customer": theirs.pk,
            "owner": team["alice"].pk,
            "business_mode": "consumer_goods",
            "amount": "5000",
            "currency": "CNY",
        },
    )
    assert answer.status_code == 200
    assert not Opportunity.objects.exists()
    page = answer.content.decode()
    refusal = t("Select a valid choice. That choice is not one of the available choices.")
    assert f'data-field-error="customer">{refusal}' in page
    # The refused customer is not named on the page either.
    assert theirs.name not in page


def test_a_lead_refuses_a_referrer_the_user_may_not_see(team, make_customer, client):
    theirs = make_customer(team["bob"], name="秦丰粮油有限公司")
    contact = services.contact_create(actor=team["bob"], customer=theirs, name="王建华")
    client.force_login(team["alice"])
    answer = client.post(
        "/sales/leads/new/",
        {
            "company": "宁波海天贸易有限公司",
            "person": "陈刚",
            "source": LeadSource.objects.get(channel="referral").pk,
            "owner": team["alice"].pk,
            "referred_by_customer": theirs.pk,
            "referred_by_contact": contact.pk,
        },
    )
    assert not Lead.objects.exists()
    page = answer.content.decode()
    for field in ("referred_by_customer", "referred_by_contact"):
        assert f'data-field-error="{field}"' in page


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize(
    "url",
    [
        "/customers/pick/?q=宏达",
        "/customers/pick/?q=hd",
        "/customers/pick/?q=1381234",
        "/customers/contacts/pick/?q=张伟",
        "/sales/opportunities/new/?customer={chosen}",
        "/sales/leads/new/",
    ],
)
def test_choosing_costs_no_more_queries_with_more_customers(team, make_customer, client, url):
    _grow(team["alice"], make_customer, 0, 3)
    url = url.format(chosen=Customer.objects.order_by("pk").first().pk)
    client.force_login(team["manager"])
    _queries(client, url)  # the first request also loads the user's permissions
    few = _queries(client, url)
    _grow(team["alice"], make_customer, 3, 30)
    # A search that finds enough customers by their own details asks nothing of contacts.
    assert _queries(client, url) <= few


@pytest.mark.parametrize("chooser", ["alice", "manager"])
def test_a_customer_is_found_through_its_contact_after_its_own_matches(
    team, make_customer, client, chooser
):
    named = make_customer(team["alice"], name="张伟食品有限公司")
    through_contact = make_customer(team["alice"], name="秦丰机械有限公司")
    services.contact_create(actor=team["alice"], customer=through_contact, name="张伟")
    make_customer(team["alice"], name="陇原商贸有限公司")
    client.force_login(team[chooser])
    found = _options(client.get("/customers/pick/", {"q": "张伟"}).content.decode())
    assert [label for _, label, _ in found] == [named.name, through_contact.name]
