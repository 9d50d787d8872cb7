"""Leads from capture to conversion, assignment and follow-up, through the services every
page and API call uses."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone, translation

from kehu.core.exceptions import VersionConflict
from kehu.core.models import Change
from kehu.customers import selectors as customer_selectors
from kehu.customers import services as customer_services
from kehu.customers.models import Activity, Customer
from kehu.sales import selectors, services
from kehu.sales.models import Lead, Opportunity
from tests.sales.conftest import source, stage

pytestmark = pytest.mark.django_db


# Leads -----------------------------------------------------------------------------------


def test_a_lead_needs_a_company_or_a_person(team):
    with pytest.raises(ValidationError) as error:
        services.lead_create(actor=team["alice"], source=source("web"), phone="13812345678")
    assert "company" in error.value.message_dict
    assert not Lead.objects.exists()


def test_a_new_lead_is_recorded_in_its_history(team, make_lead):
    lead = make_lead(team["alice"], phone="138 1234 5678")
    assert lead.phone == "+8613812345678"
    change = Change.objects.get(target_id=lead.pk, action="create")
    assert change.changes["company"] == [None, "杭州云帆科技有限公司"]


def test_a_referral_by_a_contact_names_its_customer(team, make_customer, make_lead):
    referrer = make_customer(team["alice"], name="西安宏达食品有限公司")
    contact = customer_services.contact_create(actor=team["alice"], customer=referrer, name="刘洋")
    lead = make_lead(team["alice"], source=source("referral"), referred_by_contact=contact)
    assert lead.referred_by_customer == referrer
    other = make_customer(team["alice"], name="别家公司")
    with pytest.raises(ValidationError) as error:
        make_lead(
            team["alice"], company="另一家", referred_by_customer=other, referred_by_contact=contact
        )
    assert "referred_by_contact" in error.value.message_dict


def test_disqualifying_needs_a_reason(team, make_lead):
    lead = make_lead(team["alice"])
    with pytest.raises(ValidationError) as error:
        services.lead_set_status(
            actor=team["alice"], lead=lead, version=lead.version, status="disqualified"
        )
    assert "disqualified_reason" in error.value.message_dict
    services.lead_set_status(
        actor=team["alice"],
        lead=lead,
        version=lead.version,
        status="disqualified",
        reason="预算不足",
    )
    lead.refresh_from_db()
    assert (lead.status, lead.disqualified_reason) == ("disqualified", "预算不足")


def test_the_database_refuses_a_disqualified_lead_without_reason(team, make_lead):
    lead = make_lead(team["alice"])
    with pytest.raises(IntegrityError):
        Lead.objects.filter(pk=lead.pk).update(status="disqualified")


def test_a_follow_up_makes_a_new_lead_contacted_and_stays_off_customer_timelines(
    team, make_lead, make_customer
):
    customer = make_customer(team["alice"])
    lead = make_lead(team["alice"])
    activity = services.lead_follow_up(
        actor=team["alice"], lead=lead, kind="call", subject="初次电话"
    )
    assert (lead.status, lead.last_activity_at) == ("contacted", activity.at)
    assert activity.customer is None
    assert list(customer.activities.all()) == []
    visible = customer_selectors.activity_queryset(user=team["admin"])
    assert activity not in visible
    customer.refresh_from_db()
    assert customer.last_activity_at is None


def test_an_activity_belongs_to_a_customer_or_a_lead(team):
    with pytest.raises(ValidationError):
        customer_services.activity_create(actor=team["alice"], kind="call", subject="无主")
    with pytest.raises(IntegrityError):
        Activity.objects.create(kind="call", subject="无主", at=timezone.now())


# Conversion --------------------------------------------------------------------------------


def test_converting_a_lead_makes_a_customer_a_contact_and_an_opportunity(team, make_lead):
    lead = make_lead(team["alice"], phone="13812345678", province="浙江省", city="杭州市")
    services.lead_follow_up(actor=team["alice"], lead=lead, kind="visit", subject="上门拜访")

    conversion = services.lead_convert(
        actor=team["alice"],
        lead=lead,
        version=lead.version,
        opportunity={
            "name": "办公设备采购",
            "business_mode": "industrial_goods",
            "amount": "80000",
        },
    )

    customer = conversion.customer
    assert conversion.customer_created
    assert (customer.name, customer.kind, customer.source_channel) == (
        "杭州云帆科技有限公司",
        "company",
        "trade_fair",
    )
    assert (customer.owner, customer.province) == (team["alice"], "浙江省")
    assert customer.business_mode == "industrial_goods"
    assert conversion.contact.name == "王强" and conversion.contact.is_primary
    deal = conversion.opportunity
    first = stage("industrial_goods", "Qualification")
    assert (deal.lead, deal.customer, deal.stage) == (lead, customer, first)
    lead.refresh_from_db()
    assert (lead.status, lead.customer, lead.contact) == ("converted", customer, conversion.contact)
    assert [a.subject for a in customer.activities.all()] == ["上门拜访"]
    assert customer.last_activity_at is not None
    timeline = {c.target_repr for c in customer_selectors.customer_history(customer=customer)}
    assert {"杭州云帆科技有限公司", "王强", "办公设备采购"} <= timeline
    lead_changes = selectors.history(target=lead)
    assert all(c.customer_id == customer.pk for c in lead_changes)


def test_a_lead_like_an_existing_customer_is_linked_not_duplicated(team, make_lead, make_customer):
    existing = make_customer(team["alice"], name="杭州云帆科技股份有限公司", phone="0571 8888 6666")
    lead = make_lead(team["alice"], company="杭州云帆科技有限公司")

    with pytest.raises(ValidationError) as error:
        services.lead_convert(actor=team["alice"], lead=lead, version=lead.version)
    assert "杭州云帆科技股份有限公司" in error.value.message_dict["customer"][0]
    bobs = make_lead(team["bob"], company="杭州云帆科技")
    with pytest.raises(ValidationError) as hidden, translation.override("en"):
        services.lead_convert(actor=team["bob"], lead=bobs, version=bobs.version)
    assert "杭州云帆科技股份有限公司" not in hidden.value.message_dict["customer"][0]
    assert "1 you cannot see" in hidden.value.message_dict["customer"][0]
    assert Customer.objects.count() == 1
    lead.refresh_from_db()
    assert lead.status == "new"

    conversion = services.lead_convert(
        actor=team["alice"], lead=lead, version=lead.version, customer=existing
    )
    assert conversion.customer == existing and not conversion.customer_created
    assert Customer.objects.count() == 1
    existing.refresh_from_db()
    assert existing.source_channel == "trade_fair"
    assert list(existing.contacts.values_list("name", flat=True)) == ["王强"]


def test_a_different_company_with_a_similar_name_may_be_created_anyway(
    team, make_lead, make_customer
):
    make_customer(team["alice"], name="杭州云帆科技股份有限公司")
    lead = make_lead(team["alice"], company="杭州云帆科技有限公司")
    conversion = services.lead_convert(
        actor=team["alice"], lead=lead, version=lead.version, allow_duplicate=True
    )
    assert conversion.customer_created and Customer.objects.count() == 2


def test_converting_twice_is_refused(team, make_lead):
    lead = make_lead(team["alice"])
    services.lead_convert(actor=team["alice"], lead=lead, version=lead.version)
    with pytest.raises(ValidationError) as error:
        services.lead_convert(actor=team["alice"], lead=lead, version=lead.version)
    assert "杭州云帆科技有限公司" in error.value.message_dict["status"][0]
    assert Customer.objects.count() == 1


def test_a_conversion_that_fails_half_way_changes_nothing(team, make_lead):
    lead = make_lead(team["alice"])
    with pytest.raises(ValidationError) as error:
        services.lead_convert(
            actor=team["alice"],
            lead=lead,
            version=lead.version,
            opportunity={"name": "", "business_mode": "project"},
        )
    assert "name" in error.value.message_dict
    assert not Customer.objects.exists()
    lead.refresh_from_db()
    assert lead.status == "new"


def test_a_stale_lead_is_not_converted(team, make_lead):
    lead = make_lead(team["alice"])
    with pytest.raises(VersionConflict):
        services.lead_convert(actor=team["alice"], lead=lead, version=lead.version - 1 or 99)
    assert not Customer.objects.exists()


def test_a_converted_lead_is_kept_as_it_was_converted(team, make_lead):
    lead = make_lead(team["alice"])
    services.lead_convert(actor=team["alice"], lead=lead, version=lead.version)
    lead.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.lead_update(actor=team["alice"], lead=lead, version=lead.version, notes="改")
    assert "status" in error.value.message_dict
    assert Lead.objects.get(pk=lead.pk).notes == ""


def _without(user, *permissions):
    """The user, their role having lost `permissions`."""
    for name in permissions:
        app_label, codename = name.split(".")
        user.role.permissions.remove(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return type(user).objects.get(pk=user.pk)


def test_converting_makes_only_what_the_actor_may_add(team, make_lead, make_customer):
    existing = make_customer(team["alice"], name="宁波海天贸易有限公司")
    alice = _without(team["alice"], "customers.add_customer", "sales.add_opportunity")
    lead = make_lead(alice)
    with pytest.raises(PermissionDenied):
        services.lead_convert(actor=alice, lead=lead, version=lead.version)
    deal = {"name": "首单", "business_mode": "consumer_goods"}
    with pytest.raises(PermissionDenied):
        services.lead_convert(
            actor=alice, lead=lead, version=lead.version, customer=existing, opportunity=deal
        )
    assert Customer.objects.count() == 1 and not Opportunity.objects.exists()
    conversion = services.lead_convert(
        actor=alice, lead=lead, version=lead.version, customer=existing
    )
    assert conversion.customer == existing and conversion.opportunity is None


# Assignment --------------------------------------------------------------------------------


def test_round_robin_takes_turns_fairly(team, make_user, make_lead):
    make_user("carol", department=team["department"], manager=team["manager"])
    make_user("inactive_dave", department=team["department"]).__class__.objects.filter(
        username="inactive_dave"
    ).update(is_active=False)
    owners = [
        services.lead_create(
            actor=team["manager"],
            team=team["department"],
            company=f"线索{i}",
            source=source("web"),
        ).owner.username
        for i in range(9)
    ]
    assert owners == ["alice", "bob", "carol"] * 3


def test_manual_assignment_only_to_people_one_can_see(team, make_lead, make_user):
    lead = make_lead(team["manager"])
    outsider = make_user("outsider")
    with pytest.raises(ValidationError) as error:
        services.lead_assign(actor=team["manager"], lead=lead, version=lead.version, owner=outsider)
    assert "owner" in error.value.message_dict
    services.lead_assign(actor=team["manager"], lead=lead, version=lead.version, owner=team["bob"])
    lead.refresh_from_db()
    assert lead.owner == team["bob"] and lead.assigned_at is not None


def test_a_team_without_salespeople_cannot_take_a_lead(team, make_department, make_lead):
    empty = make_department("空部门")
    with pytest.raises(ValidationError) as error:
        services.lead_create(actor=team["admin"], team=empty, company="无人", source=source("web"))
    assert "team" in error.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_leads_assigned_at_once_still_take_turns(team):
    barrier = threading.Barrier(4)
    owners: list[str] = []

    def assign(index: int) -> None:
        barrier.wait()
        try:
            lead = services.lead_create(
                actor=None, team=team["department"], company=f"并发{index}", source=source("web")
            )
            owners.append(lead.owner.username)
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(owners) == {"alice": 2, "bob": 2}


# Overdue leads -----------------------------------------------------------------------------


def test_leads_nobody_followed_up_are_flagged_by_their_teams_limit(
    team, make_lead, make_department, make_user
):
    now = timezone.now()
    stale = make_lead(team["alice"], company="三天没跟进")
    followed = make_lead(team["alice"], company="刚跟进过")
    recent = make_lead(team["bob"], company="昨天分到")
    Lead.objects.filter(pk__in=[stale.pk, followed.pk]).update(assigned_at=now - timedelta(days=4))
    Lead.objects.filter(pk=recent.pk).update(assigned_at=now - timedelta(days=1))
    services.lead_follow_up(
        actor=team["alice"], lead=followed, kind="call", subject="回访", at=now - timedelta(days=1)
    )

    assert list(selectors.overdue_leads(user=team["alice"], now=now)) == [stale]
    assert list(selectors.overdue_leads(user=team["bob"], now=now)) == []
    assert list(selectors.overdue_leads(user=team["manager"], now=now)) == [stale]

    services.team_settings_save(department=team["department"], lead_follow_up_days=7)
    assert list(selectors.overdue_leads(user=team["manager"], now=now)) == []
    sub = make_department("杭州组", parent=team["department"])
    carol = make_user("carol", department=sub, manager=team["manager"])
    late = make_lead(carol, company="子部门线索")
    Lead.objects.filter(pk=late.pk).update(assigned_at=now - timedelta(days=5))
    assert list(selectors.overdue_leads(user=team["manager"], now=now)) == []
    Lead.objects.filter(pk=late.pk).update(assigned_at=now - timedelta(days=8))
    assert list(selectors.overdue_leads(user=team["manager"], now=now)) == [late]


# Referrals -------------------------------------------------------------------------------


def test_the_referral_chain_follows_who_introduced_whom(team, make_customer, make_lead):
    first = make_customer(team["alice"], name="最早的老客户")
    referral = source("referral")
    lead = make_lead(team["alice"], company="第二家", source=referral, referred_by_customer=first)
    second = services.lead_convert(actor=team["alice"], lead=lead, version=lead.version).customer
    lead = make_lead(team["alice"], company="第三家", source=referral, referred_by_customer=second)
    third = services.lead_convert(actor=team["alice"], lead=lead, version=lead.version).customer

    chain = selectors.referral_chain(customer=third, user=team["alice"])
    assert [link.referred_by_customer for link in chain] == [second, first]
    brought = selectors.referred_leads(customer=first, user=team["alice"])
    assert [lead.customer for lead in brought] == [second]
    assert list(selectors.referred_leads(customer=first, user=team["bob"])) == []
