from django.urls import path

from kehu.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.customer_value, name="value"),
    path("customers/", views.score_list, name="customers"),
    path("runs/", views.run_request, name="run-request"),
    path("runs/status/", views.run_status, name="run-status"),
    path("scorecard/", views.scorecard_edit, name="scorecard"),
    path("scorecard/check/", views.scorecard_check, name="scorecard-check"),
    path("kpis/", views.kpis, name="kpis"),
    path("actions/new/", views.churn_action_new, name="action-new"),
    path("actions/<int:churn_action>/", views.churn_action_edit, name="action-edit"),
    path("actions/<int:churn_action>/done/", views.churn_action_done, name="action-done"),
]
