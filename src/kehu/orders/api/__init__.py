"""REST API for products, quotes, orders, payments and credit approvals."""

from kehu.orders.api.viewsets import (
    CreditApprovalViewSet,
    OrderViewSet,
    PaymentViewSet,
    ProductViewSet,
    QuoteViewSet,
)

__all__ = [
    "CreditApprovalViewSet",
    "OrderViewSet",
    "PaymentViewSet",
    "ProductViewSet",
    "QuoteViewSet",
]
