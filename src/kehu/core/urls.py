from django.contrib.auth import views as auth_views
from django.urls import path

from kehu.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisation/users/", views.user_list, name="users"),
    path("organisation/users/new/", views.user_edit, name="user-new"),
    path("organisation/users/<int:pk>/", views.user_edit, name="user-edit"),
    path("organisation/departments/", views.department_list, name="departments"),
    path("organisation/departments/new/", views.department_edit, name="department-new"),
    path("organisation/departments/<int:pk>/", views.department_edit, name="department-edit"),
    path("organisation/roles/", views.role_list, name="roles"),
    path("organisation/roles/new/", views.role_edit, name="role-new"),
    path("organisation/roles/<int:pk>/", views.role_edit, name="role-edit"),
]
