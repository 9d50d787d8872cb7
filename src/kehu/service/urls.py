from django.urls import path

from kehu.service.views import acceptance, knowledge, setup, tickets

app_name = "service"

urlpatterns = [
    path("", tickets.queue, name="queue"),
    path("tickets/new/", tickets.ticket_new, name="ticket-new"),
    path("tickets/<int:ticket>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<int:ticket>/edit/", tickets.ticket_edit, name="ticket-edit"),
    path("tickets/<int:ticket>/reply/", tickets.ticket_reply, name="ticket-reply"),
    path("tickets/<int:ticket>/assign/", tickets.ticket_assign, name="ticket-assign"),
    path("tickets/<int:ticket>/status/", tickets.ticket_status, name="ticket-status"),
    path("tickets/<int:ticket>/resolve/", tickets.ticket_resolve, name="ticket-resolve"),
    path("tickets/<int:ticket>/accept/", tickets.ticket_accept, name="ticket-accept"),
    path("tickets/<int:ticket>/reject/", tickets.ticket_reject, name="ticket-reject"),
    path("tickets/<int:ticket>/reopen/", tickets.ticket_reopen, name="ticket-reopen"),
    path("tickets/<int:ticket>/attach/", tickets.ticket_attach, name="ticket-attach"),
    path("attachments/<int:attachment>/", tickets.attachment_download, name="attachment"),
    path("tickets/<int:ticket>/article/", knowledge.article_from_ticket, name="ticket-article"),
    path("similar/", knowledge.similar_cases, name="similar"),
    path("articles/", knowledge.article_list, name="articles"),
    path("articles/new/", knowledge.article_new, name="article-new"),
    path("articles/<int:article>/", knowledge.article_detail, name="article"),
    path("articles/<int:article>/edit/", knowledge.article_edit, name="article-edit"),
    path("articles/<int:article>/submit/", knowledge.article_submit, name="article-submit"),
    path("articles/<int:article>/publish/", knowledge.article_publish, name="article-publish"),
    path("articles/<int:article>/archive/", knowledge.article_archive, name="article-archive"),
    path("setup/", setup.setup_overview, name="setup"),
    path("setup/calendars/new/", setup.calendar_new, name="calendar-new"),
    path("setup/calendars/<int:calendar>/", setup.calendar_detail, name="calendar"),
    path("setup/calendars/<int:calendar>/edit/", setup.calendar_edit, name="calendar-edit"),
    path("setup/calendars/<int:calendar>/days/", setup.calendar_day_add, name="calendar-day-add"),
    path(
        "setup/calendars/<int:calendar>/days/<int:day>/delete/",
        setup.calendar_day_delete,
        name="calendar-day-delete",
    ),
    path(
        "setup/calendars/<int:calendar>/national/",
        setup.calendar_national_load,
        name="calendar-national",
    ),
    path("setup/policies/new/", setup.policy_new, name="policy-new"),
    path("setup/policies/<int:policy>/edit/", setup.policy_edit, name="policy-edit"),
    path("setup/kinds/new/", setup.kind_new, name="kind-new"),
    path("setup/kinds/<int:kind>/edit/", setup.kind_edit, name="kind-edit"),
    path("setup/teams/new/", setup.team_new, name="team-new"),
    path("setup/teams/<int:team>/edit/", setup.team_edit, name="team-edit"),
    path("accept/", acceptance.acceptance, name="acceptance"),
]
