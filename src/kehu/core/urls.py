from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from kehu.core import views
from kehu.core.pages import PUBLIC, READS, WRITES, page

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        page(PUBLIC, methods=(*READS, *WRITES))(
            auth_views.LoginView.as_view(redirect_authenticated_user=True)
        ),
        name="login",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("logout/", page(PUBLIC, methods=WRITES)(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", page(PUBLIC, methods=WRITES)(set_language), name="set-language"),
    path("organisation/users/", views.user_list, name="users"),
    path("organisation/users/new/", views.user_new, name="user-new"),
    path("organisation/users/<int:user>/", views.user_edit, name="user-edit"),
    path("organisation/departments/", views.department_list, name="departments"),
    path("organisation/departments/new/", views.department_new, name="department-new"),
    path(
        "organisation/departments/<int:department>/",
        views.department_edit,
        name="department-edit",
    ),
    path("organisation/roles/", views.role_list, name="roles"),
    path("organisation/roles/new/", views.role_new, name="role-new"),
    path("organisation/roles/<int:role>/", views.role_edit, name="role-edit"),
]
