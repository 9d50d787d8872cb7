"""Actions to keep customers at risk: given and done by the people who see the customer and
its assignee, on the pages and through the API alike, recorded in the customer's history, and
counted on the KPI page exactly as the rows say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kehu.analytics import services
from kehu.analytics.models import ChurnAction, CustomerScore, Purchase
from kehu.analytics.selectors.churn_actions import churn_action_outcomes
from kehu.analytics.services.churn_actions import churn_action_create, churn_action_update
from kehu.core.models import Change, User
from kehu.customers.models import Customer
from tests.analytics.db.conftest import AS_OF, HISTORIES, purchases_add

pytestmark = pytest.mark.django_db

AT_RISK = 0.8


@dataclass(frozen=True)
class Team:
    """A manager over two salespeople: "mine" owns c1–c3, "theirs" c4 and c5; c1, c2 and c4
    are at risk."""

    manager: User
    mine: User
    theirs: User
    customers: dict[str, Customer]


@pytest.fixture
def team(make_user: Callable[..., User], make_customer: Callable[..., Customer]) -> Team:
    manager = make_user("manager", "sales_manager")
    mine = make_user("mine", manager=manager)
    theirs = make_user("theirs", manager=manager)
    customers = {}
    for name, history in HISTORIES.items():
        owner = mine if name in ("c1", "c2", "c3") else theirs
        customers[name] = make_customer(owner, name=f"{owner.username}的客户{name}")
        purchases_add(customers[name], history)
    services.scores_recompute(as_of=AS_OF)
    # The churn model needs a longer history than five customers have; the risk is set as
    # the model would have written it.
    CustomerScore.objects.filter(run__is_current=True).update(churn_probability=0.1)
    CustomerScore.objects.filter(
        run__is_current=True, customer__in=[customers[n] for n in ("c1", "c2", "c4")]
    ).update(churn_probability=AT_RISK)
    return Team(manager, mine, theirs, customers)


@pytest.fixture
def browser(settings: Any) -> Callable[[User], Client]:
    settings.LANGUAGE_CODE = "en"

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def _due(days: int = 7) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_a_salesperson_gives_her_at_risk_customer_an_action_on_the_form(
    team: Team, browser: Callable[[User], Client]
) -> None:
    c1 = team.customers["c1"]
    client = browser(team.mine)
    form = client.get(reverse("analytics:action-new"), {"customer": c1.pk})
    assert form.status_code == 200
    assert form.context["form"].initial["customer"] == str(c1.pk)

    sent = client.post(
        reverse("analytics:action-new"),
        {
            "customer": c1.pk,
            "description": "上门拜访，了解停购原因",
            "assignee": team.mine.pk,
            "due_date": _due().isoformat(),
        },
    )

    assert sent.status_code == 302
    assert sent["Location"] == reverse("customers:detail", args=[c1.pk])
    action = ChurnAction.objects.get()
    assert (action.customer, action.assignee, action.created_by) == (c1, team.mine, team.mine)
    assert action.churn_probability == AT_RISK and not action.is_done
    created = Change.objects.get(target_type__model="churnaction", target_id=action.pk)
    assert created.customer_id == c1.pk and created.action == "create"
    assert created.changes["description"] == [None, "上门拜访，了解停购原因"]

    page = client.get(reverse("customers:detail", args=[c1.pk])).content.decode()
    assert 'data-testid="churn-actions"' in page and "上门拜访，了解停购原因" in page
    at_risk = client.get(reverse("analytics:customers"), {"risk": "1"})
    rows = dict((score.customer_id, actions) for score, actions in at_risk.context["rows"])
    assert [row.action for row in rows[c1.pk]] == [action]
    assert rows[team.customers["c2"].pk] == []
    assert "上门拜访，了解停购原因" in at_risk.content.decode()


def test_bad_input_on_the_form_names_the_field_and_saves_nothing(
    team: Team, browser: Callable[[User], Client]
) -> None:
    sent = browser(team.mine).post(
        reverse("analytics:action-new"),
        {"customer": team.customers["c1"].pk, "assignee": team.mine.pk, "due_date": "明天"},
    )

    assert sent.status_code == 200
    errors = sent.context["form"].errors
    assert set(errors) == {"description", "due_date"}
    assert not ChurnAction.objects.exists()


def test_another_salespersons_customer_and_its_actions_are_not_found(
    team: Team, browser: Callable[[User], Client], api_client: Callable[[User], APIClient]
) -> None:
    c4 = team.customers["c4"]
    theirs = churn_action_create(
        actor=team.theirs, customer=c4, description="电话回访", due_date=_due()
    )
    client = browser(team.mine)

    assert client.get(reverse("analytics:action-edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("analytics:action-done", args=[theirs.pk])).status_code == 404
    refused = client.post(
        reverse("analytics:action-new"),
        {"customer": c4.pk, "description": "抢客户", "assignee": team.mine.pk, "due_date": _due()},
    )
    assert set(refused.context["form"].errors) == {"customer"}

    api = api_client(team.mine)
    assert api.get(f"/api/v1/churn-actions/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/v1/churn-actions/{theirs.pk}/", {"done": True}).status_code == 404
    assert api.get("/api/v1/churn-actions/").json()["results"] == []
    created = api.post(
        "/api/v1/churn-actions/",
        {"customer": c4.pk, "description": "抢客户", "due_date": _due()},
        format="json",
    )
    assert created.status_code == 400 and "customer" in created.json()
    theirs.refresh_from_db()
    assert not theirs.is_done and ChurnAction.objects.count() == 1


def test_a_salesperson_marks_her_own_action_done_but_not_her_managers(
    team: Team, browser: Callable[[User], Client], api_client: Callable[[User], APIClient]
) -> None:
    c1 = team.customers["c1"]
    own = churn_action_create(actor=team.mine, customer=c1, description="送样品", due_date=_due())
    managers = churn_action_create(
        actor=team.manager,
        customer=c1,
        assignee=team.manager,
        description="总经理拜访",
        due_date=_due(),
    )

    done = browser(team.mine).post(
        reverse("analytics:action-done", args=[own.pk]), {"version": own.version}
    )
    assert done.status_code == 302
    own.refresh_from_db()
    assert own.is_done and own.done_at is not None
    history = Change.objects.filter(target_type__model="churnaction", target_id=own.pk)
    assert [change.action for change in history.order_by("at", "id")] == ["create", "update"]

    refused = api_client(team.mine).patch(
        f"/api/v1/churn-actions/{managers.pk}/",
        {"done": True, "version": managers.version},
        format="json",
    )
    assert refused.status_code == 403 and "done" in refused.json()
    managers.refresh_from_db()
    assert not managers.is_done
    # Nor may she give her customer's action to someone whose work she does not see.
    given = api_client(team.mine).post(
        "/api/v1/churn-actions/",
        {"customer": c1.pk, "assignee": "theirs", "description": "转交", "due_date": _due()},
        format="json",
    )
    assert given.status_code == 400 and "assignee" in given.json()


def test_a_manager_gives_and_completes_actions_for_the_team(
    team: Team, api_client: Callable[[User], APIClient]
) -> None:
    api = api_client(team.manager)
    created = api.post(
        "/api/v1/churn-actions/",
        {
            "customer": team.customers["c4"].pk,
            "assignee": "theirs",
            "description": "给予季度返利",
            "due_date": _due(3),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["assignee"] == "theirs" and body["done"] is False
    assert body["churn_probability"] == AT_RISK

    done = api.patch(
        f"/api/v1/churn-actions/{body['id']}/",
        {"done": True, "version": body["version"]},
        format="json",
    )
    assert done.status_code == 200 and done.json()["done"] is True
    stale = api.patch(
        f"/api/v1/churn-actions/{body['id']}/",
        {"description": "改写", "version": body["version"]},
        format="json",
    )
    assert stale.status_code == 409
    assert ChurnAction.objects.get().description == "给予季度返利"


def test_the_kpi_page_counts_what_the_actions_did(
    team: Team, browser: Callable[[User], Client]
) -> None:
    c1, c2, c4 = (team.customers[name] for name in ("c1", "c2", "c4"))
    kept = churn_action_create(actor=team.mine, customer=c1, description="拜访", due_date=_due())
    churn_action_update(actor=team.mine, churn_action=kept, version=kept.version, done=True)
    churn_action_create(actor=team.mine, customer=c1, description="再次回访", due_date=_due())
    churn_action_create(actor=team.mine, customer=c2, description="过期未办", due_date=_due(-2))
    lost = churn_action_create(actor=team.theirs, customer=c4, description="电话", due_date=_due())
    churn_action_update(actor=team.theirs, churn_action=lost, version=lost.version, done=True)
    # c1 bought again after its action was done, and the scores no longer put it at risk;
    # c4 did neither.
    Purchase.objects.create(customer=c1, date=timezone.localdate(), amount=Decimal("300"))
    CustomerScore.objects.filter(run__is_current=True, customer=c1).update(churn_probability=0.2)

    mine = browser(team.mine).get(reverse("analytics:kpis"))
    outcomes = mine.context["outcomes"]
    actions = ChurnAction.objects.filter(customer__owner=team.mine)
    assert outcomes.given == actions.values("customer").distinct().count() == 2
    assert outcomes.open == actions.filter(done_at=None).count() == 2
    assert outcomes.overdue == 1
    assert outcomes.acted_on == actions.exclude(done_at=None).count() == 1
    assert (outcomes.bought_again, outcomes.no_longer_at_risk) == (1, 1)
    page = mine.content.decode()
    assert 'data-testid="outcome-bought-again">1' in page

    manager = churn_action_outcomes(user=team.manager)
    assert (manager.given, manager.acted_on, manager.bought_again) == (3, 2, 1)
    assert manager.no_longer_at_risk == 1


def test_only_managers_remove_an_action_and_the_history_keeps_it(
    team: Team, api_client: Callable[[User], APIClient]
) -> None:
    action = churn_action_create(
        actor=team.mine, customer=team.customers["c1"], description="送样品", due_date=_due()
    )

    assert api_client(team.mine).delete(f"/api/v1/churn-actions/{action.pk}/").status_code == 403
    assert api_client(team.manager).delete(f"/api/v1/churn-actions/{action.pk}/").status_code == 204

    assert not ChurnAction.objects.exists()
    removed = Change.objects.get(target_type__model="churnaction", action="delete")
    assert removed.customer_id == team.customers["c1"].pk
    assert removed.changes["description"] == ["送样品", None]


def test_a_manager_edits_the_teams_action_on_its_form(
    team: Team, browser: Callable[[User], Client]
) -> None:
    action = churn_action_create(
        actor=team.mine, customer=team.customers["c1"], description="送样品", due_date=_due()
    )
    client = browser(team.manager)
    form = client.get(reverse("analytics:action-edit", args=[action.pk]))
    assert form.status_code == 200 and form.context["form"].initial["done"] is False

    sent = client.post(
        reverse("analytics:action-edit", args=[action.pk]),
        {
            "description": "送样品并请客户试用",
            "assignee": team.mine.pk,
            "due_date": _due(3).isoformat(),
            "done": "on",
            "version": action.version,
        },
    )

    assert sent.status_code == 302
    action.refresh_from_db()
    assert action.description == "送样品并请客户试用" and action.is_done
    assert action.due_date == _due(3) and action.customer == team.customers["c1"]
    change = Change.objects.get(
        target_type__model="churnaction", target_id=action.pk, action="update"
    )
    assert set(change.changes) == {"description", "due_date", "done_at"}


def test_marking_done_a_version_since_changed_tells_and_changes_nothing(
    team: Team, browser: Callable[[User], Client]
) -> None:
    action = churn_action_create(
        actor=team.mine, customer=team.customers["c1"], description="送样品", due_date=_due()
    )
    churn_action_update(
        actor=team.manager, churn_action=action, version=action.version, description="送两箱样品"
    )
    client = browser(team.mine)

    for version in ("1", "不是版本"):
        sent = client.post(
            reverse("analytics:action-done", args=[action.pk]), {"version": version}, follow=True
        )
        assert "Someone else changed this record" in sent.content.decode()
    action.refresh_from_db()
    assert not action.is_done


def test_an_order_confirmed_after_the_action_is_buying_again(
    team: Team, sell: Callable[..., Any]
) -> None:
    c1 = team.customers["c1"]
    action = churn_action_create(actor=team.mine, customer=c1, description="拜访", due_date=_due())
    churn_action_update(actor=team.mine, churn_action=action, version=action.version, done=True)
    assert churn_action_outcomes(user=team.mine).bought_again == 0
    sell(c1, "800", on=timezone.localdate(), to="cancelled")
    assert churn_action_outcomes(user=team.mine).bought_again == 0
    sell(c1, "800", on=timezone.localdate())
    assert churn_action_outcomes(user=team.mine).bought_again == 1
