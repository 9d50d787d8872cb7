from rest_framework.routers import SimpleRouter

from kehu.privacy.api.viewsets import AccessEventViewSet, ConsentViewSet, ErasureRequestViewSet

router = SimpleRouter()
router.register("consents", ConsentViewSet, basename="consent")
router.register("erasure-requests", ErasureRequestViewSet, basename="erasure-request")
router.register("access-events", AccessEventViewSet, basename="access-event")

urlpatterns = router.urls
