"""What the built-in roles get of the orders' permissions."""

_READ = [
    "orders.view_product",
    "orders.view_customergroup",
    "orders.view_quote",
    "orders.view_order",
    "orders.view_payment",
    "orders.view_creditapproval",
    "orders.view_receivables",
]
_SALES = [
    *_READ,
    "orders.add_quote",
    "orders.change_quote",
    "orders.add_order",
    "orders.change_order",
    "orders.add_creditapproval",
]
_FINANCE = [*_READ, "orders.add_payment", "orders.approve_credit"]
_ALL = [
    *_SALES,
    *_FINANCE,
    "orders.add_product",
    "orders.change_product",
    "orders.add_customergroup",
    "orders.change_customergroup",
]

GRANTS = {
    "admin": _ALL,
    "sales_manager": _SALES,
    "sales": _SALES,
    "finance": _FINANCE,
}
