"""Pages of the orders app: thin over the selectors and services."""

from kehu.orders.views.catalogue import group_detail, group_list, product_edit, product_list
from kehu.orders.views.orders import (
    approval_decide,
    approval_list,
    dealer_detail,
    delivery_arrived,
    order_action,
    order_detail,
    order_edit,
    order_line_specs,
    order_list,
    order_pdf,
    receivables,
)
from kehu.orders.views.quotes import (
    blank_row,
    quote_accept,
    quote_detail,
    quote_edit,
    quote_list,
    quote_pdf,
)

__all__ = [
    "approval_decide",
    "approval_list",
    "blank_row",
    "dealer_detail",
    "delivery_arrived",
    "group_detail",
    "group_list",
    "order_action",
    "order_detail",
    "order_edit",
    "order_line_specs",
    "order_list",
    "order_pdf",
    "product_edit",
    "product_list",
    "quote_accept",
    "quote_detail",
    "quote_edit",
    "quote_list",
    "quote_pdf",
    "receivables",
]
