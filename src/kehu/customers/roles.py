"""What the built-in roles get of the customers' permissions."""

from kehu.customers.models import CHANGE_CREDIT

_READ = ["customers.view_customer", "customers.view_contact", "customers.view_activity"]
_WRITE = [
    *_READ,
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_contact",
    "customers.change_contact",
    "customers.delete_contact",
    "customers.add_activity",
]
_ALL = [*_WRITE, "customers.delete_customer"]

GRANTS = {
    "admin": [*_ALL, CHANGE_CREDIT],
    "sales_manager": _ALL,
    "sales": _WRITE,
    "service": [*_READ, "customers.add_activity"],
    "marketing": _READ,
    "finance": [*_READ, CHANGE_CREDIT],
    "analyst": _READ,
}
