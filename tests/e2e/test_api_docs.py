"""The API's documentation page: Swagger UI, served by Kehu itself under the pages' policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_documentation_lists_the_operations(page, make_user):
    make_user("admin", role="admin")
    log_in(page, "admin", PASSWORD, then="/api/docs/")
    expect(page.locator(".swagger-ui .information-container")).to_contain_text("Kehu")
    customers = page.locator(".opblock-summary-path", has_text="/api/v1/customers/").first
    expect(customers).to_be_visible()
