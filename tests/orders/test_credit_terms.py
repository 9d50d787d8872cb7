"""Credit terms (a customer's credit limit and rating, a customer group's payment terms) are
finance's to set. Every path that writes a customer refuses anyone else's change to them:
the API, the forms, imports, merges and group membership."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from kehu.core.models import Change, Role, User
from kehu.core.records import FieldsRefused
from kehu.customers import services as customer_services
from kehu.customers.imports import import_prepare, import_run, import_start
from kehu.customers.models import Customer
from kehu.orders import services
from kehu.orders.exceptions import CreditBlocked
from kehu.orders.models import ApprovalStatus, CustomerGroup, OrderStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def limited(team, make_customer):
    """Alice's customer, on a 5,000 limit that finance set."""
    return make_customer(team["alice"], credit_limit=Decimal("5000"), credit_rating="B")


def test_a_salesperson_cannot_raise_her_customers_limit_to_confirm_an_unapproved_order(
    team, limited, make_order, api_client
):
    order = make_order(team["alice"], limited, "198000.00")
    services.credit_approval_request(actor=team["alice"], order=order, reason="大单")
    alice = api_client(team["alice"])
    before = Change.objects.count()

    raised = alice.patch(
        f"/api/v1/customers/{limited.pk}/",
        {"version": limited.version, "credit_limit": "99999999.00"},
        format="json",
    )

    assert raised.status_code == 403
    assert raised.json()["credit_limit"] == ["Your role may not change the credit limit."]
    limited.refresh_from_db()
    assert limited.credit_limit == Decimal("5000.00")
    assert Change.objects.count() == before
    confirm = alice.post(f"/api/v1/orders/{order.pk}/confirm/")
    assert confirm.status_code == 409
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    assert order.credit_approvals.get().status == ApprovalStatus.PENDING


def test_a_salesperson_cannot_create_a_customer_with_a_credit_limit(team, api_client):
    created = api_client(team["alice"]).post(
        "/api/v1/customers/",
        {"name": "渭南金穗粮油有限公司", "credit_limit": "50000.00", "credit_rating": "AAA"},
        format="json",
    )
    assert created.status_code == 403
    assert set(created.json()) == {"detail", "credit_limit", "credit_rating"}
    assert not Customer.objects.exists()


def test_an_update_that_sends_the_credit_terms_back_unchanged_is_accepted(
    team, limited, api_client
):
    read = api_client(team["alice"]).get(f"/api/v1/customers/{limited.pk}/").json()
    updated = api_client(team["alice"]).patch(
        f"/api/v1/customers/{limited.pk}/",
        {**{k: read[k] for k in ("version", "credit_limit", "credit_rating")}, "notes": "老客户"},
        format="json",
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["notes"] == "老客户"


def test_an_administrator_may_change_credit_terms_through_the_api(team, limited, api_client):
    changed = api_client(team["admin"]).patch(
        f"/api/v1/customers/{limited.pk}/",
        {"version": limited.version, "credit_limit": "8000.00", "credit_rating": "A"},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    limited.refresh_from_db()
    assert (limited.credit_limit, limited.credit_rating) == (Decimal("8000.00"), "A")


def test_the_form_shows_credit_terms_read_only_and_ignores_a_forged_value(team, limited, client):
    client.force_login(team["alice"])
    form = client.get(f"/customers/{limited.pk}/edit/").content.decode()
    assert 'name="credit_limit"' in form
    assert form.count("disabled") >= 2  # the credit limit and the rating

    client.post(
        f"/customers/{limited.pk}/edit/",
        {
            "name": limited.name,
            "kind": "company",
            "currency": "CNY",
            "owner": team["alice"].pk,
            "version": limited.version,
            "credit_limit": "99999999",
            "credit_rating": "AAA",
            "notes": "改了备注",
        },
    )

    limited.refresh_from_db()
    assert limited.notes == "改了备注"
    assert (limited.credit_limit, limited.credit_rating) == (Decimal("5000.00"), "B")


def _import(actor, rows, **options):
    text = io.StringIO()
    for row in rows:
        text.write(",".join(row) + "\r\n")
    prepared = import_prepare(
        actor=actor, stream=io.BytesIO(text.getvalue().encode()), name="c.csv", **options
    )
    import_start(job=prepared.job, dry_run=False)
    return import_run(job=prepared.job)


def test_an_import_by_a_salesperson_refuses_rows_that_set_credit_terms(team):
    job = _import(
        team["alice"],
        [["客户名称", "信用额度"], ["渭南金穗粮油有限公司", "99999999"], ["华阴粮站", ""]],
    )
    assert (job.created_count, job.failed_count) == (1, 1)
    assert list(job.problems.values_list("row", "column", "message")) == [
        (2, "信用额度", "Your role may not change the credit limit.")
    ]
    assert list(Customer.objects.values_list("name", "credit_limit")) == [("华阴粮站", None)]


def test_an_import_that_updates_a_customer_cannot_raise_its_limit(team, limited):
    job = _import(
        team["alice"],
        [["客户名称", "信用额度", "备注"], [limited.name, "99999999", "导入"]],
        on_duplicate="update",
    )
    assert (job.updated_count, job.failed_count) == (0, 1)
    assert job.problems.get().message == "Your role may not change the credit limit."
    limited.refresh_from_db()
    assert (limited.credit_limit, limited.notes) == (Decimal("5000.00"), "")


def test_a_merge_by_a_salesperson_keeps_the_survivors_own_credit_terms(team, make_customer):
    survivor = make_customer(team["alice"], name="宏达食品")
    other = make_customer(team["alice"], name="宏达食品厂", credit_rating="AAA", industry="food")
    customer_services.customer_merge(actor=team["alice"], survivor=survivor, other=other)
    survivor.refresh_from_db()
    assert (survivor.industry, survivor.credit_rating) == ("food", "")


def test_payment_terms_and_group_membership_need_the_credit_permission(
    team, make_user, make_customer
):
    pricing = Role.objects.create(code="pricing", name="Pricing")
    everything = Role.objects.get(code="admin").permissions
    pricing.permissions.set(everything.exclude(codename="change_credit"))
    clerk = make_user("pricer", "pricing")
    group = services.customer_group_save(actor=team["admin"], name="经销商", payment_terms_days=30)
    customer = make_customer(team["alice"])

    with pytest.raises(FieldsRefused) as refused:
        services.customer_group_save(actor=clerk, group=group, name="经销商", payment_terms_days=90)
    assert refused.value.fields == {
        "payment_terms_days": "Your role may not change the payment terms (days)."
    }
    with pytest.raises(FieldsRefused) as refused:
        services.customer_group_add(actor=clerk, group=group, customer=customer)
    assert list(refused.value.fields) == ["customer"]

    services.customer_group_save(actor=clerk, group=group, name="一级经销商", payment_terms_days=30)
    services.customer_group_add(actor=team["finance"], group=group, customer=customer)
    group.refresh_from_db()
    assert (group.name, group.payment_terms_days) == ("一级经销商", 30)
    assert CustomerGroup.objects.get(customers=customer) == group


@pytest.fixture
def group(team):
    return services.customer_group_save(actor=team["admin"], name="经销商", payment_terms_days=30)


def test_finance_sets_a_groups_payment_terms_on_its_page(team, group, client):
    client.force_login(team["finance"])
    page = client.get(f"/orders/price-lists/{group.pk}/").content.decode()
    assert f"/orders/price-lists/{group.pk}/terms/" in page
    assert client.get(f"/orders/price-lists/{group.pk}/terms/").status_code == 200

    saved = client.post(f"/orders/price-lists/{group.pk}/terms/", {"payment_terms_days": "60"})

    assert saved.status_code == 302 and saved.url == f"/orders/price-lists/{group.pk}/"
    group.refresh_from_db()
    assert (group.name, group.payment_terms_days) == ("经销商", 60)


def test_a_salesperson_sees_the_terms_read_only_and_cannot_set_them(team, group, client):
    client.force_login(team["alice"])
    page = client.get(f"/orders/price-lists/{group.pk}/").content.decode()
    assert 'data-testid="payment-terms"' in page
    assert "/terms/" not in page and 'name="payment_terms_days"' not in page
    for url in (f"/orders/price-lists/{group.pk}/terms/", f"/orders/price-lists/{group.pk}/"):
        assert client.post(url, {"payment_terms_days": "90"}).status_code in (403, 405), url
    assert client.get(f"/orders/price-lists/{group.pk}/terms/").status_code == 403
    group.refresh_from_db()
    assert group.payment_terms_days == 30


def test_the_price_list_keeps_its_own_permission_apart_from_the_terms(
    team, group, products, client
):
    """Finance sets terms and members, not names and prices; who keeps the price lists
    without the credit permission sets those, and neither terms nor members."""
    pricing = Role.objects.create(code="pricing", name="Pricing")
    pricing.permissions.set(
        Role.objects.get(code="admin").permissions.exclude(codename="change_credit")
    )
    clerk = User.objects.create_user("pricer", role=pricing)
    customer = customer_services.customer_create(actor=None, name="咸阳饭店")
    prices = {"name": "一级经销商", f"price-{products['valve'].pk}": "199.50"}

    client.force_login(team["finance"])
    assert client.post(f"/orders/price-lists/{group.pk}/prices/", prices).status_code == 403
    client.force_login(clerk)
    assert client.post(f"/orders/price-lists/{group.pk}/prices/", prices).status_code == 302
    members = f"/orders/price-lists/{group.pk}/members/"
    assert client.post(members, {"customer": customer.pk}).status_code == 403
    assert client.post(f"/orders/price-lists/{group.pk}/terms/", {}).status_code == 403
    page = client.get(f"/orders/price-lists/{group.pk}/").content.decode()
    assert members not in page

    client.force_login(team["finance"])
    assert client.post(members, {"customer": customer.pk}).status_code == 302
    assert services.payment_terms_for(customer) == 30
    group.refresh_from_db()
    assert group.name == "一级经销商"
    assert group.prices.get().price == Decimal("199.50")
    removed = client.post(f"{members}{customer.pk}/remove/")
    assert removed.status_code == 302
    assert not CustomerGroup.objects.filter(customers=customer).exists()


def test_a_new_group_by_someone_without_the_credit_permission_keeps_the_default_terms(team, client):
    pricing = Role.objects.create(code="pricing", name="Pricing")
    pricing.permissions.set(
        Role.objects.get(code="admin").permissions.exclude(codename="change_credit")
    )
    clerk = User.objects.create_user("pricer", role=pricing)
    client.force_login(clerk)
    form = client.get("/orders/price-lists/").content.decode()
    assert "disabled" in form  # the payment terms field

    posted = client.post("/orders/price-lists/new/", {"name": "大客户", "payment_terms_days": "90"})
    created = CustomerGroup.objects.get(name="大客户")
    assert posted.status_code == 302
    assert created.payment_terms_days == 30


# What a limit of nothing and a limit of 0 mean --------------------------------------------


def test_a_limit_of_zero_is_no_credit_and_an_unset_limit_follows_the_company_policy(
    team, make_customer, make_order
):
    unset = make_customer(team["alice"], name="未设额度")
    zero = make_customer(team["alice"], name="零额度", credit_limit=Decimal("0"))
    assert unset.credit_limit is None
    with pytest.raises(CreditBlocked, match=r"over its credit limit of 0\.00"):
        services.order_confirm(actor=team["alice"], order=make_order(team["alice"], zero))
    first = services.order_confirm(actor=team["alice"], order=make_order(team["alice"], unset))
    assert first.status == OrderStatus.CONFIRMED

    services.credit_policy_set(actor=team["finance"], unlimited_need_approval=True)
    big = make_order(team["alice"], unset, "198000.00")
    with pytest.raises(CreditBlocked, match="has no credit limit set"):
        services.order_confirm(actor=team["alice"], order=big)
    approval = services.credit_approval_request(actor=team["alice"], order=big, reason="大客户")
    assert approval.credit_limit is None
    services.credit_approval_decide(actor=team["finance"], approval=approval, approve=True)
    assert services.order_confirm(actor=team["alice"], order=big).status == OrderStatus.CONFIRMED


def test_only_finance_sets_the_credit_policy_and_the_order_page_shows_it(
    team, make_customer, make_order, client
):
    with pytest.raises(PermissionDenied):
        services.credit_policy_set(actor=team["alice"], unlimited_need_approval=True)
    client.force_login(team["alice"])
    assert client.get("/orders/credit-policy/").status_code == 403
    order = make_order(team["alice"], make_customer(team["alice"]))
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "not set: by the company's policy no credit check" in page

    client.force_login(team["finance"])
    saved = client.post("/orders/credit-policy/", {"unlimited": "approve"}, follow=True)
    assert "Credit policy saved." in saved.content.decode()
    client.force_login(team["alice"])
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert "each order needs finance's approval" in page
    assert 'data-testid="credit-block"' in page
    assert Change.objects.filter(changes__unlimited_need_approval=[False, True]).exists()
