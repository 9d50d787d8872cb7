from django.urls import path

from kehu.core.api.token import TokenView

urlpatterns = [path("auth/token/", TokenView.as_view(), name="api-token")]
