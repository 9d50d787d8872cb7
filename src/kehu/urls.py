"""Every app's pages under its `url_prefix` and its API under /api/v1/ (core.registry)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from kehu.core.registry import kehu_apps

urlpatterns = [
    *(
        path(app.url_prefix, include(f"{app.name}.urls"))
        for app in kehu_apps()
        if app.url_prefix is not None
    ),
    path(
        "api/v1/",
        include(
            [path("", include(f"{app.name}.{app.api_urls}")) for app in kehu_apps() if app.api_urls]
        ),
    ),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "kehu.core.request_guard.bad_request"
handler404 = "kehu.core.request_guard.not_found"
