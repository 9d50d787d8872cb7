from django.utils.translation import gettext_lazy as _

from kehu.core.registry import KehuApp


class OrdersConfig(KehuApp):
    default = True  # apps.py also holds KehuApp, imported
    name = "kehu.orders"
    label = "orders"
    verbose_name = _("Orders")
    url_prefix = "orders/"
    api_urls = "api.urls"
    navigation = "orders/_nav.html"
    role_grants = "roles.GRANTS"
    panels = {"customer": ("panels.customer_orders",)}
    subject_data = {"orders": "selectors.subject.orders_summary"}
    customer_references = (
        "orders.GroupMembership.customer",
        "orders.Quote.customer",
        "orders.Order.customer",
        "orders.Order.dealer",
    )
    # Kept by the database from the orders: a merge moves the orders, and with them the sums.
    customer_derived = ("orders.CustomerBalance.customer",)
