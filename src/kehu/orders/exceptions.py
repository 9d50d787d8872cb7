"""Refusals that carry figures the caller shows: the credit check's."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from kehu.core.exceptions import Refused
from kehu.core.money import money_text


@dataclass(frozen=True)
class CreditCheck:
    """A customer's credit position if this order were confirmed."""

    customer: str
    currency: str
    credit_limit: Decimal
    open_receivables: Decimal
    amount: Decimal

    @property
    def exposure(self) -> Decimal:
        return self.open_receivables + self.amount

    @property
    def within_limit(self) -> bool:
        # A limit of zero means none was set: no check.
        return not self.credit_limit or self.exposure <= self.credit_limit

    def message(self) -> str:
        def money(value: Decimal) -> str:
            return f"{money_text(value)} {self.currency}"

        return _(
            "Confirming this order would take %(customer)s over its credit limit of %(limit)s: "
            "open receivables %(open)s plus this order %(amount)s make %(exposure)s. "
            "A finance approval is needed."
        ) % {
            "customer": self.customer,
            "limit": money(self.credit_limit),
            "open": money(self.open_receivables),
            "amount": money(self.amount),
            "exposure": money(self.exposure),
        }


class CreditBlocked(Refused):
    """The order would exceed the customer's credit limit and has no approval covering it."""

    def __init__(self, check: CreditCheck) -> None:
        super().__init__(check.message())
        self.check = check
