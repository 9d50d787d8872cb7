from __future__ import annotations

from collections.abc import Callable

import pytest

from kehu.core.models import User
from kehu.customers.models import Contact, Customer
from kehu.customers.services import contact_create


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user("root", "admin")


@pytest.fixture
def seller(make_user: Callable[..., User]) -> User:
    return make_user("wang", "sales")


@pytest.fixture
def customer(seller: User, make_customer: Callable[..., Customer]) -> Customer:
    return make_customer(
        seller, "张伟", kind="individual", phone="13912345678", email="zhang.wei@example.cn"
    )


@pytest.fixture
def contact(seller: User, customer: Customer) -> Contact:
    return contact_create(actor=seller, customer=customer, name="李娜", phone="13800001111")
