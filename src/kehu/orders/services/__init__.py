"""Every write of the orders app. Views, the API, the demo and the CLI call these; none
writes models."""

from kehu.orders.services._common import ADD_PAYMENT, APPROVE_CREDIT, line_total
from kehu.orders.services.bulk import orders_write_past
from kehu.orders.services.credit import (
    credit_approval_decide,
    credit_approval_request,
    credit_check,
    credit_policy_set,
    open_receivables,
)
from kehu.orders.services.deliveries import delivery_create, delivery_mark_delivered
from kehu.orders.services.orders import (
    order_confirm,
    order_create,
    order_line_set_specs,
    order_transition,
    order_update,
)
from kehu.orders.services.past import (
    PastDelivery,
    PastLine,
    PastMove,
    PastOrder,
    PastPayment,
)
from kehu.orders.services.payments import payment_create, payment_update
from kehu.orders.services.products import (
    GROUP_FIELDS,
    PRODUCT_FIELDS,
    customer_group_add,
    customer_group_remove,
    customer_group_save,
    payment_terms_for,
    price_set,
    product_create,
    product_update,
)
from kehu.orders.services.quotes import quote_accept, quote_create, quote_revise, quote_update

__all__ = [
    "ADD_PAYMENT",
    "APPROVE_CREDIT",
    "GROUP_FIELDS",
    "PRODUCT_FIELDS",
    "PastDelivery",
    "PastLine",
    "PastMove",
    "PastOrder",
    "PastPayment",
    "credit_approval_decide",
    "credit_approval_request",
    "credit_check",
    "credit_policy_set",
    "customer_group_add",
    "customer_group_remove",
    "customer_group_save",
    "delivery_create",
    "delivery_mark_delivered",
    "line_total",
    "open_receivables",
    "order_confirm",
    "order_create",
    "order_line_set_specs",
    "order_transition",
    "order_update",
    "orders_write_past",
    "payment_create",
    "payment_terms_for",
    "payment_update",
    "price_set",
    "product_create",
    "product_update",
    "quote_accept",
    "quote_create",
    "quote_revise",
    "quote_update",
]
