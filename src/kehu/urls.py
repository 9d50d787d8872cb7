from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("kehu.core.urls")),
    path("customers/", include("kehu.customers.urls")),
    path("analytics/", include("kehu.analytics.urls")),
    path("sales/", include("kehu.sales.urls")),
    path("orders/", include("kehu.orders.urls")),
    path("api/v1/", include("kehu.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]
