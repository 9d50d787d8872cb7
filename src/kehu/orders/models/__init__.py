"""Products and price lists, quotes, orders with their deliveries and payments, credit approvals.

Money is Decimal with the currency beside it. Each order keeps its paid amount and due date
as columns (kept in step by the services under a row lock) so receivables and their ageing
are one GROUP BY over orders, never a walk over order lines.
"""

from kehu.orders.models.catalogue import (
    CustomerGroup,
    GroupMembership,
    PriceListItem,
    Product,
    Unit,
)
from kehu.orders.models.documents import (
    MANUAL_TRANSITIONS,
    RECEIVABLE_STATUSES,
    SHIPPABLE,
    SPECS_EDITABLE,
    LineBase,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from kehu.orders.models.fields import DEFAULT_PAYMENT_TERMS_DAYS, HUNDRED, ZERO
from kehu.orders.models.fulfilment import (
    ApprovalStatus,
    CreditApproval,
    CreditPolicy,
    Delivery,
    DeliveryLine,
    Payment,
    PaymentMethod,
)
from kehu.orders.models.receivables import CustomerBalance, ReceivableDay

__all__ = [
    "DEFAULT_PAYMENT_TERMS_DAYS",
    "HUNDRED",
    "MANUAL_TRANSITIONS",
    "RECEIVABLE_STATUSES",
    "SHIPPABLE",
    "SPECS_EDITABLE",
    "ZERO",
    "ApprovalStatus",
    "CreditApproval",
    "CreditPolicy",
    "CustomerBalance",
    "CustomerGroup",
    "Delivery",
    "DeliveryLine",
    "GroupMembership",
    "LineBase",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OrderStatusChange",
    "Payment",
    "PaymentMethod",
    "PriceListItem",
    "Product",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "ReceivableDay",
    "Unit",
]
