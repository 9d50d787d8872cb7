from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kehu.core.models import Department, Role
from kehu.core.services import department_save, token_for_username, user_create, user_save

pytestmark = pytest.mark.django_db


def test_moving_a_department_moves_its_whole_subtree(make_department):
    north = make_department("华北")
    beijing = make_department("北京办事处", parent=north)
    haidian = make_department("海淀组", parent=beijing)
    head_office = make_department("总部")

    department_save(department=beijing, name="北京办事处", parent=head_office)

    haidian.refresh_from_db()
    assert haidian.path == f"/{head_office.pk}/{beijing.pk}/{haidian.pk}/"
    assert set(Department.objects.filter(path__startswith=north.path)) == {north}


def test_a_department_cannot_move_under_its_own_child(make_department):
    north = make_department("华北")
    beijing = make_department("北京办事处", parent=north)
    with pytest.raises(ValidationError) as error:
        department_save(department=north, name="华北", parent=beijing)
    assert "parent" in error.value.message_dict


def test_reporting_lines_cannot_loop(make_user):
    boss = make_user("boss", "sales_manager")
    worker = make_user("worker", manager=boss)
    with pytest.raises(ValidationError) as error:
        user_save(user=boss, username="boss", role=boss.role, manager=worker)
    assert "manager" in error.value.message_dict


def test_user_create_names_the_unknown_role():
    with pytest.raises(ValidationError) as error:
        user_create(username="x", password="a-long-password-1", role_code="boss")
    assert "boss" in error.value.message_dict["role"][0]
    assert "sales_manager" in error.value.message_dict["role"][0]


def test_a_weak_password_is_refused_on_the_password_field():
    with pytest.raises(ValidationError) as error:
        user_create(username="weak", password="123", role_code="sales")
    assert "password" in error.value.message_dict


def test_user_create_makes_the_department_and_links_the_manager(make_user):
    boss = make_user("boss", "sales_manager")
    user = user_create(
        username="newbie",
        password="a-long-password-1",
        role_code="sales",
        department_name="西北销售部",
        manager_username="boss",
    )
    assert user.department.name == "西北销售部"
    assert user.manager == boss
    assert user.check_password("a-long-password-1")


def test_a_token_is_stable_for_a_user(make_user):
    make_user("api")
    assert token_for_username(username="api") == token_for_username(username="api")
    with pytest.raises(LookupError):
        token_for_username(username="nobody")


def test_the_pool_limits_are_edited_on_the_organisation_pages(make_user, make_department, client):
    client.force_login(make_user("boss", "admin"))
    north = make_department("华北")
    saved = client.post(
        f"/organisation/departments/{north.pk}/",
        {"name": "华北", "parent": "", "pool_after_days": "45"},
    )
    assert saved.status_code == 302
    north.refresh_from_db()
    assert north.pool_after_days == 45
    sales = Role.objects.get(code="sales")
    form = {
        "code": "sales",
        "name": sales.name,
        "data_scope": sales.data_scope,
        "customer_limit": "50",
        "permissions": list(sales.permissions.values_list("pk", flat=True)),
    }
    assert client.post(f"/organisation/roles/{sales.pk}/", form).status_code == 302
    sales.refresh_from_db()
    assert sales.customer_limit == 50
    listed = client.get("/organisation/roles/").content.decode()
    assert "<td>50</td>" in listed
