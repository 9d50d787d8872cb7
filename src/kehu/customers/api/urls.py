from rest_framework.routers import SimpleRouter

from kehu.customers.api.viewsets import ActivityViewSet, ContactViewSet, CustomerViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("contacts", ContactViewSet, basename="contact")
router.register("activities", ActivityViewSet, basename="activity")

urlpatterns = router.urls
