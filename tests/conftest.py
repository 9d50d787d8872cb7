"""Shared fixtures: people in roles, and customers written through the real services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis
import pytest
from rest_framework.test import APIClient

from kehu.core.models import Department, Role, User
from kehu.core.services import department_save, user_save
from kehu.customers import services as customer_services
from kehu.customers.models import Customer

PASSWORD = "correct-horse-battery"

# Property tests judge the code, never the machine: on a loaded two-core machine generating
# inputs is slow, and Hypothesis would fail a correct test for it, or for a slow example.
hypothesis.settings.register_profile(
    "kehu", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("kehu")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Hashing strength is Django's concern, not these tests'; the default costs ~0.3 s a user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings: Any) -> None:
    # Background tasks run inside the request or call that enqueues them, so a test sees
    # their outcome; the worker process itself is exercised by its own tests.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def english(settings: Any) -> None:
    """Pages and messages in English, for tests that compare texts with their source."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def make_department(db: Any) -> Callable[..., Department]:
    def make(name: str, parent: Department | None = None) -> Department:
        return department_save(name=name, parent=parent)

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(
        username: str,
        role: str = "sales",
        *,
        department: Department | None = None,
        manager: User | None = None,
    ) -> User:
        return user_save(
            username=username,
            password=PASSWORD,
            role=Role.objects.get(code=role),
            department=department,
            manager=manager,
        )

    return make


@pytest.fixture
def make_customer(db: Any) -> Callable[..., Customer]:
    def make(owner: User, name: str = "西安宏达食品有限公司", **fields: Any) -> Customer:
        # Credit terms are finance's: set by Kehu itself here, not by the owner.
        credit = {k: fields.pop(k) for k in list(fields) if k in Customer.restricted_fields}
        customer = customer_services.customer_create(actor=owner, owner=owner, name=name, **fields)
        if credit:
            customer = customer_services.customer_update(
                actor=None, customer=customer, version=customer.version, **credit
            )
        return customer

    return make


@pytest.fixture
def api_client() -> Callable[[User], APIClient]:
    def client_for(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return client_for
