from kehu.service.models.calendars import BusinessCalendar, CalendarDay, DayKind, DaySource
from kehu.service.models.knowledge import Article, ArticleAudience, ArticleStatus
from kehu.service.models.policies import SlaPolicy
from kehu.service.models.teams import ServiceTeam
from kehu.service.models.tickets import (
    OPEN_STATUSES,
    WAITING_STATUSES,
    Channel,
    CloseReason,
    Priority,
    Satisfaction,
    Ticket,
    TicketAction,
    TicketAttachment,
    TicketKind,
    TicketMessage,
    TicketStatus,
)

__all__ = [
    "OPEN_STATUSES",
    "WAITING_STATUSES",
    "Article",
    "ArticleAudience",
    "ArticleStatus",
    "BusinessCalendar",
    "CalendarDay",
    "Channel",
    "CloseReason",
    "DayKind",
    "DaySource",
    "Priority",
    "Satisfaction",
    "ServiceTeam",
    "SlaPolicy",
    "Ticket",
    "TicketAction",
    "TicketAttachment",
    "TicketKind",
    "TicketMessage",
    "TicketStatus",
]
