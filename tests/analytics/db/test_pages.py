"""The analytics pages: visibility by data scope, the scorecard editor, the customer card."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kehu.analytics import services
from kehu.analytics.models import AnalyticsRun, Scorecard
from kehu.core.models import User
from kehu.customers.models import Customer
from tests.analytics.db.conftest import AS_OF, HISTORIES, purchases_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(settings: Any) -> Callable[[User], Client]:
    settings.LANGUAGE_CODE = "en"

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def two_salespeople(
    make_user: Callable[..., User], make_customer: Callable[..., Customer]
) -> tuple[User, User, dict[str, Customer]]:
    """Salesperson "mine" owns c1–c3, "theirs" owns c4 and c5; all are scored."""
    mine, theirs = make_user("mine"), make_user("theirs")
    customers = {}
    for name, history in HISTORIES.items():
        owner = mine if name in ("c1", "c2", "c3") else theirs
        customers[name] = make_customer(owner, name=f"{owner.username}的客户{name}")
        purchases_add(customers[name], history)
    services.scores_recompute(as_of=AS_OF)
    return mine, theirs, customers


def _chart(response: Any, name: str) -> Any:
    return json.loads(
        response.content.decode()
        .split(f'id="{name}" type="application/json">')[1]
        .split("</script>")[0]
    )


def test_a_salesperson_sees_only_their_customers_numbers(
    two_salespeople: tuple[User, User, dict[str, Customer]], client_for: Callable[[User], Client]
) -> None:
    mine, _theirs, customers = two_salespeople
    response = client_for(mine).get(reverse("analytics:value"))

    assert response.status_code == 200
    page = response.content.decode()
    segments = {row.code: row.customers for row in response.context["segments"]}
    assert segments == {"loyal": 1, "at_risk": 1, "promising": 1}
    assert sum(item["value"] for item in _chart(response, "chart-segments")) == 3
    assert [row.customers for row in response.context["abc"]] == [1, 1, 1]
    assert sum(bin.customers for bin in response.context["histogram"]) <= 3
    for score, _reasons, _actions in response.context["risks"]:
        assert score.customer.owner == mine
    assert "theirs" not in page and "champions" not in segments

    listed = client_for(mine).get(reverse("analytics:customers"), {"segment": "champions"})
    assert listed.context["page"].paginator.count == 0
    everyone = client_for(mine).get(reverse("analytics:customers"))
    assert {s.customer_id for s in everyone.context["page"]} == {
        customers[name].pk for name in ("c1", "c2", "c3")
    }


def test_the_kpis_count_only_visible_customers_purchases(
    two_salespeople: tuple[User, User, dict[str, Customer]], client_for: Callable[[User], Client]
) -> None:
    mine, theirs, _customers = two_salespeople
    rows = client_for(mine).get(reverse("analytics:kpis")).context["rows"]

    # c4's first purchase (2023-01) and c5's (2023-07) belong to "theirs".
    assert rows[0]["month"] == "2024-06"
    assert sum(row["new_customers"] for row in rows) == 3
    theirs_rows = client_for(theirs).get(reverse("analytics:kpis")).context["rows"]
    assert sum(row["new_customers"] for row in theirs_rows) == 2


def test_the_customer_card_shows_the_score(
    two_salespeople: tuple[User, User, dict[str, Customer]], client_for: Callable[[User], Client]
) -> None:
    mine, _theirs, customers = two_salespeople
    page = client_for(mine).get(reverse("customers:detail", args=[customers["c1"].pk]))

    assert 'data-testid="customer-value"' in page.content.decode()
    assert "Loyal" in page.content.decode()
    # Another salesperson's customer stays "not found", card and all.
    other = client_for(mine).get(reverse("customers:detail", args=[customers["c5"].pk]))
    assert other.status_code == 404


def test_only_scorecard_managers_edit_it_or_recompute(
    two_salespeople: tuple[User, User, dict[str, Customer]],
    client_for: Callable[[User], Client],
) -> None:
    mine, _theirs, _customers = two_salespeople
    client = client_for(mine)
    assert client.get(reverse("analytics:scorecard")).status_code == 403
    assert client.post(reverse("analytics:scorecard-check")).status_code == 403
    assert client.post(reverse("analytics:run-request")).status_code == 403
    assert 'data-testid="recompute"' not in client.get(reverse("analytics:value")).content.decode()


@pytest.fixture
def admin_client(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> Client:
    return client_for(make_user("boss", role="admin"))


def _matrix_post(**cells: str) -> dict[str, str]:
    """The default scorecard's form data with some cells changed."""
    data = {
        "criteria-0-1": "2", "criteria-0-2": "3", "criteria-0-3": "2", "criteria-0-4": "1",
        "criteria-1-2": "2", "criteria-1-3": "1", "criteria-1-4": "1/2",
        "criteria-2-3": "1/2", "criteria-2-4": "1/3", "criteria-3-4": "1/2",
        "value-0-1": "2", "loyalty-0-1": "1/2",
        "credit-0-1": "1", "credit-0-2": "1", "credit-1-2": "1",
        "satisfaction-0-1": "2", "potential-0-1": "3",
        "grade-A": "80", "grade-B": "60", "grade-C": "40", "normalisation": "percentile",
    }  # fmt: skip
    return data | cells


def test_the_check_endpoint_reports_weights_and_consistency(admin_client: Client) -> None:
    consistent = admin_client.post(reverse("analytics:scorecard-check"), _matrix_post())
    result = consistent.context["results"][0]
    assert result.ahp.consistent and result.ahp.cr < 0.1
    assert sum(result.ahp.weights) == pytest.approx(1)
    assert 'hx-swap-oob="true"' in consistent.content.decode()

    # Value ≫ loyalty ≫ credit, yet credit ≫ value: circular judgements.
    inconsistent = admin_client.post(
        reverse("analytics:scorecard-check"),
        _matrix_post(**{"criteria-0-1": "9", "criteria-1-2": "9", "criteria-0-2": "1/9"}),
    )
    result = inconsistent.context["results"][0]
    assert not result.ahp.consistent and result.ahp.cr >= 0.1
    assert "not consistent" in inconsistent.content.decode()
    # The reciprocal of the changed cell is sent back for the lower triangle.
    assert '<span id="cell-criteria-1-0" class="kehu-reciprocal" hx-swap-oob="true">1/9</span>' in (
        inconsistent.content.decode()
    )

    bad = admin_client.post(
        reverse("analytics:scorecard-check"), _matrix_post(**{"value-0-1": "twelve"})
    )
    assert bad.context["results"][1].ahp is None
    assert "Enter a number" in bad.content.decode()


def test_an_inconsistent_scorecard_is_not_saved(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("analytics:scorecard"),
        _matrix_post(**{"criteria-0-1": "9", "criteria-1-2": "9", "criteria-0-2": "1/9"}),
    )

    assert response.status_code == 200
    assert "not consistent enough" in response.content.decode()
    assert not Scorecard.objects.exists()


def test_a_consistent_scorecard_is_saved_and_the_scores_recomputed(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("analytics:scorecard"), _matrix_post(**{"potential-0-1": "5"})
        )

    assert response.status_code == 302
    config = Scorecard.objects.get(is_active=True).config
    assert config["criteria"]["potential"]["comparisons"] == [["1", "5"], ["1/5", "1"]]
    assert AnalyticsRun.objects.get().status == "done"
    page = admin_client.get(reverse("analytics:scorecard")).content.decode()
    assert 'value="5"' in page


def test_a_scorecard_saved_meanwhile_is_not_overwritten(
    admin_client: Client, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    deputy = client_for(make_user("deputy", role="admin"))
    first = admin_client.post(
        reverse("analytics:scorecard"), _matrix_post(**{"potential-0-1": "5"})
    )
    assert first.status_code == 302

    # The deputy opened the editor before that first save.
    late = deputy.post(reverse("analytics:scorecard"), _matrix_post(**{"potential-0-1": "7"}))

    assert late.status_code == 200
    assert "Someone else changed this record" in late.content.decode()
    config = Scorecard.objects.get(is_active=True).config
    assert config["criteria"]["potential"]["comparisons"] == [["1", "5"], ["1/5", "1"]]

    reloaded = deputy.get(reverse("analytics:scorecard"))
    version = reloaded.context["form"].initial["version"]
    assert f'name="version" value="{version}"' in reloaded.content.decode()
    again = deputy.post(
        reverse("analytics:scorecard"),
        _matrix_post(**{"potential-0-1": "7", "version": str(version)}),
    )
    assert again.status_code == 302
    config = Scorecard.objects.get(is_active=True).config
    assert config["criteria"]["potential"]["comparisons"] == [["1", "7"], ["1/7", "1"]]


def test_the_value_page_explains_high_contribution_in_words(settings, make_user):
    import datetime as dt
    from decimal import Decimal

    from kehu.analytics.models import Purchase
    from kehu.analytics.selectors import profit_rules
    from kehu.customers.services import customer_create

    settings.LANGUAGE_CODE = "en"
    manager = make_user("profit-manager", "sales_manager")
    owner = make_user("profit-sales", manager=manager)
    for index in range(60):
        retail = index % 3 == 0
        customer = customer_create(
            actor=owner, owner=owner, name=f"客户{index}", industry="retail" if retail else "food"
        )
        Purchase.objects.create(
            customer=customer,
            date=dt.date(2024, 6, 1),
            amount=Decimal(5000 if retail else 100),
        )
    services.scores_recompute(as_of=dt.date(2024, 12, 31))

    rules, threshold = profit_rules(user=manager)

    assert threshold == 5000
    # The tree may say it either way round: both mark out exactly the retail customers.
    assert rules[0].conditions in (
        ["industry is Retail and supermarkets"],
        ["industry is not Food and beverages"],
    )
    assert rules[0].high_share == 1
    assert profit_rules(user=make_user("outsider"))[0] == []


def test_high_contribution_is_explained_by_what_a_manager_can_aim_at(settings, make_user):
    """Here the big customers are the retailers, which finance also rated AAA, and only the
    retailers' industry was recorded: the rules name the industry, never the rating nor
    whether the industry is filled in."""
    import datetime as dt
    from decimal import Decimal

    from kehu.analytics.models import Purchase
    from kehu.analytics.selectors import profit_rules
    from kehu.customers.services import customer_create

    settings.LANGUAGE_CODE = "en"
    manager = make_user("aim-manager", "sales_manager")
    owner = make_user("aim-sales", manager=manager)
    for index in range(60):
        retail = index % 3 == 0
        customer = customer_create(
            actor=owner,
            owner=owner,
            name=f"客户{index}",
            industry="retail" if retail else ("" if index % 2 else "food"),
            source_channel="trade_fair" if index % 4 else "referral",
        )
        Customer.objects.filter(pk=customer.pk).update(credit_rating="AAA" if retail else "C")
        Purchase.objects.create(
            customer=customer, date=dt.date(2024, 6, 1), amount=Decimal(5000 if retail else 100)
        )
    services.scores_recompute(as_of=dt.date(2024, 12, 31))

    rules, _threshold = profit_rules(user=manager)

    conditions = [text for rule in rules for text in rule.conditions]
    assert "industry is Retail and supermarkets" in conditions or (
        "industry is not Food and beverages" in conditions
    )
    assert not any("credit" in text or "filled" in text for text in conditions)


def test_the_current_month_is_shown_as_partial_and_compared_like_with_like(
    settings, make_user, make_customer, client_for
):
    import calendar
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from kehu.analytics.models import Purchase

    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    owner = make_user("kpi-sales")
    # Two customers joined on the 1st of last month and one on its 28th; one so far this month.
    for index, day in enumerate([last_month, last_month, last_month.replace(day=28), this_month]):
        customer = make_customer(owner, name=f"月度客户{index}")
        Purchase.objects.create(customer=customer, date=day, amount=Decimal("100"))

    response = client_for(owner).get(reverse("analytics:kpis"))
    current = response.context["rows"][-1]

    assert current["month"] == f"{today:%Y-%m}" and current["new_customers"] == 1
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        assert current["partial_through"] is None  # the month is over by tonight
        return
    assert current["partial_through"] == today.isoformat()
    same_days_before = 2 + (today.day >= 28)
    assert current["new_customer_growth_rate"] == pytest.approx(
        (1 - same_days_before) / same_days_before
    )
    page = response.content.decode()
    assert 'data-testid="kpi-partial"' in page
    assert f"{today:%Y-%m} is not over: its figures count up to {today.isoformat()}" in page
