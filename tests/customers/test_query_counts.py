"""Pages and API calls cost the same number of queries however many customers, contacts and
changes there are: a million customers must not mean a million queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kehu.core.pagination import CappedPaginator, SliceByIds
from kehu.customers import services
from kehu.customers.models import Customer

pytestmark = pytest.mark.django_db


def _queries(get: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as context:
        assert get().status_code == 200
    return len(context)


def _grow(team: dict[str, Any], make_customer: Callable[..., Customer], first: int, last: int):
    """Customers `first` … `last - 1`, each with contacts, a follow-up, an edit and tags."""
    for index in range(first, last):
        owner = team["alice"] if index % 2 else team["bob"]
        customer = make_customer(owner, name=f"宏达食品{index}号有限公司", tags=["经销商"])
        for person in ("张伟", "王芳"):
            services.contact_create(
                actor=owner, customer=customer, name=f"{person}{index}", phone="13812345678"
            )
        services.activity_create(actor=owner, customer=customer, kind="call", subject="回访")
        customer.refresh_from_db()
        services.customer_update(
            actor=owner,
            customer=customer,
            version=customer.version,
            province="陕西省",
            city="西安市",
        )


def _same_for_few_and_many(
    team: dict[str, Any], make_customer: Callable[..., Customer], get: Callable[[], Any]
) -> None:
    _grow(team, make_customer, 0, 3)
    _queries(get)  # the first request also loads the user's permissions
    few = _queries(get)
    _grow(team, make_customer, 3, 30)
    assert _queries(get) == few


@pytest.mark.parametrize("query", ["", "?q=宏达", "?q=宏达食品", "?q=hongda", "?q=1381234"])
def test_the_customer_list_page(team, make_customer, client, query):
    client.force_login(team["manager"])
    _same_for_few_and_many(team, make_customer, lambda: client.get(f"/customers/{query}"))


@pytest.mark.parametrize("query", ["", "?search=宏达", "?search=hongda", "?search=1381234"])
def test_the_api_list(team, make_customer, api_client, query):
    client = api_client(team["manager"])
    _same_for_few_and_many(team, make_customer, lambda: client.get(f"/api/v1/customers/{query}"))


def test_the_pool_page(team, make_customer, client):
    client.force_login(team["bob"])

    def release_all() -> None:
        for customer in Customer.objects.filter(owner__isnull=False):
            services.customer_release(actor=team["manager"], customer=customer, reason="无回应")

    _grow(team, make_customer, 0, 3)
    release_all()
    _queries(lambda: client.get("/customers/pool/"))
    few = _queries(lambda: client.get("/customers/pool/"))
    _grow(team, make_customer, 3, 30)
    release_all()
    assert _queries(lambda: client.get("/customers/pool/")) == few


def test_the_customer_page(team, make_customer, client):
    customer = make_customer(team["alice"], name="西安宏达食品有限公司")
    client.force_login(team["alice"])

    def get() -> Any:
        return client.get(f"/customers/{customer.pk}/")

    def add(first: int, last: int) -> None:
        for index in range(first, last):
            services.contact_create(
                actor=team["alice"], customer=customer, name=f"联系人{index}", phone=""
            )
            services.activity_create(
                actor=team["alice"], customer=customer, kind="visit", subject=f"拜访{index}"
            )
            customer.refresh_from_db()
            services.customer_update(
                actor=team["alice"],
                customer=customer,
                version=customer.version,
                notes=f"第{index}次更新",
            )

    add(0, 2)
    get()
    few = _queries(get)
    add(2, 20)
    assert _queries(get) == few


def test_counting_stops_at_the_limit(team, make_customer, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "count_limit", 5)
    for index in range(12):
        make_customer(team["alice"], name=f"客户{index}")
    customers = Customer.objects.order_by("pk")

    page = CappedPaginator(customers, 4).page(1)
    assert (page.paginator.count, page.paginator.exact, page.has_next()) == (5, False, True)
    last = CappedPaginator(customers, 4).page(3)  # past the counted rows, still served
    assert [c.name for c in last] == [f"客户{i}" for i in range(8, 12)]
    assert not last.has_next() and last.has_previous()
    few = CappedPaginator(customers[:3], 4).page(1)
    assert (few.paginator.count, few.paginator.exact, few.has_next()) == (3, True, False)


def test_a_known_count_is_not_counted_again_and_pages_read_by_ids(team, make_customer):
    for index in range(12):
        make_customer(team["alice"], name=f"客户{index}")
    customers = SliceByIds(Customer.objects.select_related("owner").order_by("-name"))

    with CaptureQueriesContext(connection) as context:
        page = CappedPaginator(customers, 4, known_count=12).page(2)
        names = [(c.name, c.owner.username) for c in page]
    assert names == [(f"客户{i}", "alice") for i in (5, 4, 3, 2)]  # by name, descending
    assert (page.paginator.count, page.paginator.exact, page.has_next()) == (12, True, True)
    assert len(context) == 2  # the page's ids, then its rows; no count


def test_the_api_says_when_the_count_stopped(team, make_customer, api_client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "count_limit", 5)
    for index in range(8):
        make_customer(team["alice"], name=f"客户{index}")
    client = api_client(team["alice"])

    capped = client.get("/api/v1/customers/", {"page_size": 3, "page": 3}).json()
    assert (capped["count"], capped["count_exact"], capped["next"]) == (5, False, None)
    assert len(capped["results"]) == 2 and capped["previous"]
    exact = client.get("/api/v1/customers/", {"search": "客户7"}).json()
    assert (exact["count"], exact["count_exact"]) == (1, True)


@pytest.mark.parametrize("limit", [20, 5])
def test_search_results_are_paged_alike_whether_sorted_from_their_ids_or_walked(
    team, make_customer, monkeypatch, limit
):
    """Up to the count limit, a search's page is a slice of the ids the count read and
    sorted (two queries: the sorted ids, the page's rows); past it, the page is read as it
    is."""
    monkeypatch.setattr(CappedPaginator, "count_limit", limit)
    for index in range(12):
        make_customer(team["alice"], name=f"客户{index}", tags=[f"标签{index % 2}"])
    customers = Customer.objects.select_related("owner").prefetch_related("tags")
    customers = customers.exclude(name="客户0").order_by("-name")

    with CaptureQueriesContext(connection) as context:
        page = CappedPaginator(customers, 4, sort_found=True).page(2)
        shown = [(c.name, c.owner.username, [t.name for t in c.tags.all()]) for c in page]
    assert shown == [(f"客户{i}", "alice", [f"标签{i % 2}"]) for i in (5, 4, 3, 2)]
    sorted_from_ids = limit == 20
    assert page.paginator.exact is sorted_from_ids
    # And the tags' query; on PostgreSQL first the planner's estimate of the matches.
    assert len(context) == 3 + (connection.vendor == "postgresql")
    if sorted_from_ids:
        # The page's rows are read by their ids alone, without the condition that found them.
        rows_read = context.captured_queries[-2]["sql"]
        assert "客户0" not in rows_read


def test_a_search_planned_to_match_far_past_the_limit_is_not_counted(
    team, make_customer, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's")
    monkeypatch.setattr(CappedPaginator, "count_limit", 5)
    monkeypatch.setattr(CappedPaginator, "planned_past_limit", 20)
    for index in range(30):
        make_customer(team["alice"], name=f"宏达{index:02d}")
    make_customer(team["alice"], name="秦丰机械")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer")
    customers = Customer.objects.order_by("name")

    common = CappedPaginator(customers.filter(name__startswith="宏达"), 4, sort_found=True)
    with CaptureQueriesContext(connection) as context:
        page = common.page(1)
    assert (common.count, common.exact, page.has_next()) == (5, False, True)
    assert [c.name for c in page] == ["宏达00", "宏达01", "宏达02", "宏达03"]
    assert len(context) == 2  # the estimate and the page, no count
    rare = CappedPaginator(customers.filter(name="秦丰机械"), 4, sort_found=True)
    assert (rare.count, rare.exact) == (1, True)


@pytest.mark.parametrize(
    "ordering",
    [
        ("-updated_at", "-id"),
        ("name", "pk"),
        ("owner__username", "-pk"),
        (F("last_activity_at").desc(nulls_last=True), "pk"),
        (F("last_activity_at").asc(nulls_first=True), "-pk"),
    ],
    ids=["newest", "name", "owner", "active-nulls-last", "active-nulls-first"],
)
def test_found_ids_are_paged_in_the_querysets_order(team, make_customer, ordering):
    for index in range(9):
        owner = team["alice"] if index % 3 else team["bob"]
        customer = make_customer(owner, name=f"客户{index % 4}号")
        if index % 2:
            Customer.objects.filter(pk=customer.pk).update(
                last_activity_at=timezone.now() - timedelta(days=index % 4)
            )
    customers = Customer.objects.order_by(*ordering)

    paginator = CappedPaginator(customers, 4, sort_found=True)
    paged = [customer.pk for number in (1, 2, 3) for customer in paginator.page(number)]

    assert paginator.exact
    assert paged == list(customers.values_list("pk", flat=True))
