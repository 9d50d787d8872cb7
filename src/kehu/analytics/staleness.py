"""Changes to orders put the scores out of date: a recomputation is queued, once for many."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from kehu.core.models import Change
from kehu.orders.models import Order


def order_changes_record(sender: type[Change], changes: list[Change], **_: object) -> None:
    """Queue a recomputation after changes to orders: their statuses, totals and payments,
    which the purchases and the credit indicators are read from.

    Connected to core.history.changes_recorded, inside the change's own transaction, for
    one order or a bulk write alike: every write of an order is in its history (a payment
    or a delivery as a change of its order), so the orders' services need not know the
    analytics.
    """
    orders = ContentType.objects.get_for_model(Order).pk
    if any(change.target_type_id == orders for change in changes):
        # Imported here: the services bring the model libraries, which a write that changes
        # no order should not wait for (apps.ready imports this module).
        from kehu.analytics.services import scores_refresh_request

        scores_refresh_request()
