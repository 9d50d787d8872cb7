"""What the browser tests of quotes and orders share: filling a line and its specifications,
reading an amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.formats import number_format

from kehu.orders.models import Product


def money(value: str, language: str) -> str:
    """An amount as the page writes it in `language`."""
    with translation.override(language):
        return number_format(Decimal(value), 2, force_grouping=True)


def choose_line(page: Any, row: int, sku: str, quantity: str, discount: str = "") -> None:
    """Fill row `row` of a quote's or an order's lines with the product `sku`."""
    line = page.get_by_test_id("line-row").nth(row)
    line.locator("select").select_option(value=str(Product.objects.get(sku=sku).pk))
    line.locator("input[name$=-quantity]").fill(quantity)
    if discount:
        line.locator("input[name$=-discount_percent]").fill(discount)


def add_spec(page: Any, row: int, name: str, value: str) -> None:
    """Give line `row` of an order's form one more specification."""
    line = page.get_by_test_id("line-row").nth(row)
    specs = line.locator(".spec-row")
    count = specs.count()
    line.get_by_test_id("add-spec").click()
    specs.nth(count).locator("input[name$=-name]").fill(name)
    specs.nth(count).locator("input[name$=-value]").fill(value)
