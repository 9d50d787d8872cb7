from django.urls import path

from kehu.sales.views import leads, pipeline, projects, settings, targets

app_name = "sales"

urlpatterns = [
    path("leads/", leads.lead_list, name="leads"),
    path("leads/new/", leads.lead_edit, name="lead-new"),
    path("leads/<int:pk>/", leads.lead_detail, name="lead"),
    path("leads/<int:pk>/edit/", leads.lead_edit, name="lead-edit"),
    path("leads/<int:pk>/follow-ups/", leads.lead_follow_up, name="lead-follow-up"),
    path("leads/<int:pk>/assign/", leads.lead_assign, name="lead-assign"),
    path("leads/<int:pk>/status/", leads.lead_status, name="lead-status"),
    path("leads/<int:pk>/convert/", leads.lead_convert, name="lead-convert"),
    path("customers/<int:pk>/referrals/", leads.customer_referrals, name="referrals"),
    path("pipeline/", pipeline.pipeline, name="pipeline"),
    path("opportunities/", pipeline.opportunity_list, name="opportunities"),
    path("opportunities/new/", pipeline.opportunity_edit, name="opportunity-new"),
    path("opportunities/<int:pk>/", pipeline.opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/edit/", pipeline.opportunity_edit, name="opportunity-edit"),
    path("opportunities/<int:pk>/move/", pipeline.opportunity_move, name="opportunity-move"),
    path("opportunities/<int:pk>/evaluation/", projects.evaluation_edit, name="evaluation"),
    path(
        "opportunities/<int:pk>/decision-makers/",
        projects.decision_maker_add,
        name="decision-makers",
    ),
    path("opportunities/<int:pk>/milestones/", projects.milestone_add, name="milestones"),
    path(
        "opportunities/<int:pk>/milestones/<int:milestone_pk>/toggle/",
        projects.milestone_toggle,
        name="milestone-toggle",
    ),
    path("opportunities/<int:pk>/documents/", projects.document_upload, name="documents"),
    path("documents/<int:pk>/", projects.document_download, name="document"),
    path("targets/", targets.target_overview, name="targets"),
    path("targets/new/", targets.target_edit, name="target-new"),
    path("targets/<int:pk>/edit/", targets.target_edit, name="target-edit"),
    path("settings/", settings.sales_settings, name="settings"),
    path("settings/sources/new/", settings.source_edit, name="source-new"),
    path("settings/sources/<int:pk>/", settings.source_edit, name="source-edit"),
    path("settings/stages/new/", settings.stage_edit, name="stage-new"),
    path("settings/stages/<int:pk>/", settings.stage_edit, name="stage-edit"),
    path("settings/teams/<int:department_pk>/", settings.team_settings_edit, name="team-settings"),
]
