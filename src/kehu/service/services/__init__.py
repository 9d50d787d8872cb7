"""Every write of the service app."""

from kehu.service.services.clocks import breaches_sweep, tickets_clocks_update
from kehu.service.services.closing import (
    acceptance_token,
    ticket_accept,
    ticket_for_token,
    ticket_reject,
    ticket_reopen,
    ticket_resolve,
    tickets_close_unanswered,
)
from kehu.service.services.knowledge import (
    article_archive,
    article_create,
    article_from_ticket,
    article_publish,
    article_submit,
    article_update,
)
from kehu.service.services.tickets import (
    TicketRefused,
    ticket_assign,
    ticket_attach,
    ticket_create,
    ticket_reply,
    ticket_status_set,
    ticket_update,
)

__all__ = [
    "TicketRefused",
    "acceptance_token",
    "article_archive",
    "article_create",
    "article_from_ticket",
    "article_publish",
    "article_submit",
    "article_update",
    "breaches_sweep",
    "ticket_accept",
    "ticket_assign",
    "ticket_attach",
    "ticket_create",
    "ticket_for_token",
    "ticket_reject",
    "ticket_reopen",
    "ticket_reply",
    "ticket_resolve",
    "ticket_status_set",
    "ticket_update",
    "tickets_clocks_update",
    "tickets_close_unanswered",
]
