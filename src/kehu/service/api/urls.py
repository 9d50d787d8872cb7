from rest_framework.routers import SimpleRouter

from kehu.service.api.viewsets import (
    ArticleViewSet,
    CalendarViewSet,
    PolicyViewSet,
    TicketKindViewSet,
    TicketViewSet,
)

router = SimpleRouter()
router.register("tickets", TicketViewSet, basename="ticket")
router.register("articles", ArticleViewSet, basename="article")
router.register("ticket-kinds", TicketKindViewSet, basename="ticket-kind")
router.register("calendars", CalendarViewSet, basename="calendar")
router.register("sla-policies", PolicyViewSet, basename="sla-policy")

urlpatterns = router.urls
