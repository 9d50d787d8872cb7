"""Column kinds the orders tables share: money, quantities, discounts."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0")
HUNDRED = Decimal("100")
DEFAULT_PAYMENT_TERMS_DAYS = 30


def money_field(verbose_name: str | object, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)  # type: ignore[arg-type]


def quantity_field() -> models.DecimalField:
    return models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )


def discount_field() -> models.DecimalField:
    return models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(HUNDRED)],
    )
