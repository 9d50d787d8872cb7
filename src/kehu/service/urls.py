from django.urls import path

from kehu.service.views import acceptance, tickets

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
    path("accept/", acceptance.acceptance, name="acceptance"),
]
