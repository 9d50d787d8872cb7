"""Forms of the service pages."""

from kehu.service.forms.knowledge import ArticleForm
from kehu.service.forms.setup import CalendarDayForm, CalendarForm, KindForm, PolicyForm, TeamForm
from kehu.service.forms.tickets import (
    AcceptForm,
    AssignForm,
    AttachForm,
    QueueForm,
    ReasonForm,
    ReplyForm,
    ResolveForm,
    StatusForm,
    TicketForm,
)

__all__ = [
    "AcceptForm",
    "ArticleForm",
    "AssignForm",
    "AttachForm",
    "CalendarDayForm",
    "CalendarForm",
    "KindForm",
    "PolicyForm",
    "QueueForm",
    "ReasonForm",
    "ReplyForm",
    "ResolveForm",
    "StatusForm",
    "TeamForm",
    "TicketForm",
]
