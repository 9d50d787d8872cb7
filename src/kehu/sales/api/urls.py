from rest_framework.routers import SimpleRouter

from kehu.sales.api.viewsets import LeadViewSet, OpportunityViewSet, StageViewSet, TargetViewSet

router = SimpleRouter()
router.register("leads", LeadViewSet, basename="lead")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("stages", StageViewSet, basename="stage")
router.register("targets", TargetViewSet, basename="target")

urlpatterns = router.urls
