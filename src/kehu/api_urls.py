from django.urls import include, path
from rest_framework.routers import DefaultRouter

from kehu.core.api import TokenView
from kehu.customers.api import ActivityViewSet, ContactViewSet, CustomerViewSet

router = DefaultRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("contacts", ContactViewSet, basename="contact")
router.register("activities", ActivityViewSet, basename="activity")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
    path("", include("kehu.sales.api_urls")),
    path("", include("kehu.orders.api_urls")),
]
