from django.urls import path

from kehu.sales.views import leads, pipeline, projects, settings, targets

app_name = "sales"

urlpatterns = [
    path("leads/", leads.lead_list, name="leads"),
    path("leads/new/", leads.lead_new, name="lead-new"),
    path("leads/<int:lead>/", leads.lead_detail, name="lead"),
    path("leads/<int:lead>/edit/", leads.lead_edit, name="lead-edit"),
    path("leads/<int:lead>/follow-ups/", leads.lead_follow_up, name="lead-follow-up"),
    path("leads/<int:lead>/assign/", leads.lead_assign, name="lead-assign"),
    path("leads/<int:lead>/status/", leads.lead_status, name="lead-status"),
    path("leads/<int:lead>/convert/", leads.lead_convert, name="lead-convert"),
    path("customers/<int:customer>/referrals/", leads.customer_referrals, name="referrals"),
    path("pipeline/", pipeline.pipeline, name="pipeline"),
    path("opportunities/", pipeline.opportunity_list, name="opportunities"),
    path("opportunities/new/", pipeline.opportunity_new, name="opportunity-new"),
    path("opportunities/<int:opportunity>/", pipeline.opportunity_detail, name="opportunity"),
    path(
        "opportunities/<int:opportunity>/edit/",
        pipeline.opportunity_edit,
        name="opportunity-edit",
    ),
    path(
        "opportunities/<int:opportunity>/move/",
        pipeline.opportunity_move,
        name="opportunity-move",
    ),
    path(
        "opportunities/<int:opportunity>/evaluation/",
        projects.evaluation_edit,
        name="evaluation",
    ),
    path(
        "opportunities/<int:opportunity>/decision-makers/",
        projects.decision_maker_add,
        name="decision-makers",
    ),
    path(
        "opportunities/<int:opportunity>/milestones/",
        projects.milestone_add,
        name="milestones",
    ),
    path(
        "opportunities/<int:opportunity>/milestones/<int:milestone>/toggle/",
        projects.milestone_toggle,
        name="milestone-toggle",
    ),
    path(
        "opportunities/<int:opportunity>/documents/",
        projects.document_upload,
        name="documents",
    ),
    path("documents/<int:document>/", projects.document_download, name="document"),
    path("targets/", targets.target_overview, name="targets"),
    path("targets/new/", targets.target_new, name="target-new"),
    path("targets/<int:target>/edit/", targets.target_edit, name="target-edit"),
    path("settings/", settings.sales_settings, name="settings"),
    path("settings/sources/new/", settings.source_new, name="source-new"),
    path("settings/sources/<int:source>/", settings.source_edit, name="source-edit"),
    path("settings/stages/new/", settings.stage_new, name="stage-new"),
    path("settings/stages/<int:stage>/", settings.stage_edit, name="stage-edit"),
    path(
        "settings/teams/<int:department>/",
        settings.team_settings_edit,
        name="team-settings",
    ),
]
