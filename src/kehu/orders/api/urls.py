from rest_framework.routers import SimpleRouter

from kehu.orders.api.viewsets import (
    CreditApprovalViewSet,
    OrderViewSet,
    PaymentViewSet,
    ProductViewSet,
    QuoteViewSet,
)

router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")
router.register("quotes", QuoteViewSet, basename="quote")
router.register("orders", OrderViewSet, basename="order")
router.register("payments", PaymentViewSet, basename="payment")
router.register("credit-approvals", CreditApprovalViewSet, basename="credit-approval")

urlpatterns = router.urls
