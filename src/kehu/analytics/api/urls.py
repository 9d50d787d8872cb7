from rest_framework.routers import SimpleRouter

from kehu.analytics.api.viewsets import ChurnActionViewSet

router = SimpleRouter()
router.register("churn-actions", ChurnActionViewSet, basename="churn-action")

urlpatterns = router.urls
