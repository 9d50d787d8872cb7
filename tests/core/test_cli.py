"""The `kehu` command's organisation and demo sub-commands, run in-process on the test database."""

from __future__ import annotations

import pytest

from kehu.cli import main
from kehu.core.models import User
from kehu.customers.models import Contact, Customer

pytestmark = pytest.mark.django_db


def test_user_add_creates_a_user_in_a_role_department_and_reporting_line(capsys):
    assert (
        main(["user", "add", "liming", "--password", "kehu-pass-1", "--role", "sales_manager"]) == 0
    )
    assert (
        main(
            [
                "user",
                "add",
                "zhaolei",
                "--password",
                "kehu-pass-2",
                "--role",
                "sales",
                "--department",
                "华北销售部",
                "--manager",
                "liming",
            ]
        )
        == 0
    )
    user = User.objects.get(username="zhaolei")
    assert (user.role.code, user.department.name, user.manager.username) == (
        "sales",
        "华北销售部",
        "liming",
    )
    assert "zhaolei (sales)" in capsys.readouterr().out


def test_user_add_reports_a_bad_role_and_exits_non_zero(capsys):
    assert main(["user", "add", "x", "--password", "kehu-pass-1", "--role", "boss"]) == 1
    assert "role" in capsys.readouterr().err
    assert not User.objects.filter(username="x").exists()


def test_token_prints_the_same_token_each_time(capsys, make_user):
    make_user("api")
    main(["token", "api"])
    main(["token", "api"])
    first, second = capsys.readouterr().out.split()
    assert first == second and len(first) == 40
    assert main(["token", "ghost"]) == 1


def test_demo_loads_a_believable_company_once(capsys, settings):
    settings.LANGUAGE_CODE = "en"
    assert main(["demo"]) == 0
    loaded = (Customer.objects.count(), Contact.objects.count(), User.objects.count())
    assert main(["demo"]) == 0
    assert (Customer.objects.count(), Contact.objects.count(), User.objects.count()) == loaded
    assert "already loaded" in capsys.readouterr().out
    assert Customer.objects.count() >= 500
    assert Contact.objects.count() > Customer.objects.count()
    assert User.objects.filter(role__code="sales").count() == 4
    assert User.objects.filter(role__code="sales_manager").count() == 1
    assert User.objects.exclude(department=None).values("department").distinct().count() >= 2
    assert Customer.objects.values("province").distinct().count() > 10
    assert Customer.objects.filter(name="张三").exists()
