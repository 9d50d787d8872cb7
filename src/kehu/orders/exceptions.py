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
    credit_limit: Decimal | None  # None: no limit set, and the company's policy decides
    open_receivables: Decimal
    amount: Decimal
    unlimited_need_approval: bool = False

    @property
    def exposure(self) -> Decimal:
        return self.open_receivables + self.amount

    @property
    def within_limit(self) -> bool:
        if self.credit_limit is None:
            return not self.unlimited_need_approval
        return self.exposure <= self.credit_limit

    def message(self) -> str:
        def money(value: Decimal) -> str:
            return f"{money_text(value)} {self.currency}"

        if self.credit_limit is None:
            return _(
                "%(customer)s has no credit limit set, and the company's credit policy asks "
                "finance to approve each order of such customers before it is confirmed."
            ) % {"customer": self.customer}
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
