"""Reads of the service desk: the tickets a user sees, queues with their counts and ages,
a ticket's timeline, and the setup lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from kehu.core.history import FieldChange, history_entries
from kehu.core.models import Change, User
from kehu.customers.models import Customer
from kehu.service import similar
from kehu.service.models import (
    OPEN_STATUSES,
    Article,
    ArticleStatus,
    BusinessCalendar,
    CalendarDay,
    ServiceTeam,
    SlaPolicy,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketStatus,
)


def ticket_list(*, user: User, search: str = "") -> QuerySet[Ticket]:
    """The tickets `user` sees: through their customers' owners, and through the teams
    the user works in."""
    tickets = Ticket.objects.visible_to(user).select_related(
        "customer", "kind", "team", "assignee", "first_responsible"
    )
    search = search.strip()
    if search:
        found = Q(subject__icontains=search) | Q(customer__name__icontains=search)
        if search.upper().startswith("T") and search[1:].isdigit():
            found |= Q(pk=int(search[1:]))
        tickets = tickets.filter(found)
    return tickets


def queue(
    *,
    user: User,
    search: str = "",
    team: ServiceTeam | None = None,
    mine: bool = False,
    late: bool = False,
) -> QuerySet[Ticket]:
    """Open tickets, soonest deadline first and those without one (paused, no policy)
    last: the user's own, a team's, or all they see."""
    tickets = ticket_list(user=user, search=search).filter(status__in=OPEN_STATUSES)
    if mine:
        tickets = tickets.filter(Q(assignee=user) | Q(first_responsible=user))
    if team is not None:
        tickets = tickets.filter(team=team)
    if late:
        tickets = tickets.filter(Q(response_breached=True) | Q(resolution_breached=True))
    return tickets.order_by(F("resolution_due").asc(nulls_last=True), "created_at")


@dataclass(frozen=True)
class QueueCounts:
    team: ServiceTeam
    open: int
    unassigned: int
    late: int
    waiting: int
    oldest: datetime | None

    @property
    def age(self) -> timedelta | None:
        return timezone.now() - self.oldest if self.oldest else None


def team_counts(*, user: User) -> list[QueueCounts]:
    """Each team's open tickets that the user sees: how many, unassigned, late, waiting,
    and the age of the oldest."""
    counts = (
        ticket_list(user=user)
        .filter(status__in=OPEN_STATUSES, team__isnull=False)
        .values("team")
        .annotate(
            open=Count("pk"),
            unassigned=Count("pk", filter=Q(assignee__isnull=True)),
            late=Count("pk", filter=Q(response_breached=True) | Q(resolution_breached=True)),
            waiting=Count(
                "pk",
                filter=Q(
                    status__in=[TicketStatus.WAITING_CUSTOMER, TicketStatus.WAITING_THIRD_PARTY]
                ),
            ),
            oldest=Min("created_at"),
        )
        .order_by()
    )
    teams = {team.pk: team for team in ServiceTeam.objects.all()}
    return [
        QueueCounts(
            team=teams[row["team"]],
            open=row["open"],
            unassigned=row["unassigned"],
            late=row["late"],
            waiting=row["waiting"],
            oldest=row["oldest"],
        )
        for row in sorted(counts, key=lambda row: teams[row["team"]].name)
    ]


def customer_tickets(*, user: User, customer: Customer, limit: int = 5) -> list[Ticket]:
    """The customer's latest tickets, each with staff's last reply to the customer (what a
    complaint or a suggestion was answered)."""
    last_reply = (
        TicketMessage.objects.filter(ticket=OuterRef("pk"), from_customer=False, internal=False)
        .order_by("-at", "-id")
        .values("body")[:1]
    )
    tickets = (
        ticket_list(user=user).filter(customer=customer).annotate(last_reply=Subquery(last_reply))
    )
    return list(tickets.order_by("-created_at", "-id")[:limit])


def ticket_timeline(*, ticket: Ticket, reader: User) -> list[tuple[Change, list[FieldChange]]]:
    """Every event of the ticket, oldest first, as the reader may see it."""
    changes = (
        Change.objects.filter(
            target_type=ContentType.objects.get_for_model(Ticket), target_id=ticket.pk
        )
        .select_related("actor", "target_type")
        .order_by("at", "id")
    )
    return history_entries(changes, reader=reader)


def ticket_messages(*, ticket: Ticket) -> QuerySet[TicketMessage]:
    return ticket.messages.select_related("author")


def kinds() -> QuerySet[TicketKind]:
    return TicketKind.objects.all()


def kinds_active() -> QuerySet[TicketKind]:
    return kinds().filter(is_active=True)


def teams() -> QuerySet[ServiceTeam]:
    return ServiceTeam.objects.select_related("lead", "calendar").prefetch_related("members")


def service_people() -> QuerySet[User]:
    """The people a ticket may be given to: members of a service team."""
    return User.objects.filter(is_active=True, service_teams__isnull=False).distinct()


def calendars() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.all()


def calendar_days(calendar: BusinessCalendar, year: int) -> QuerySet[CalendarDay]:
    return calendar.days.filter(date__year=year)


def policies() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.select_related("calendar").prefetch_related("kinds")


@dataclass(frozen=True)
class SimilarCase:
    """A past ticket (with its resolution) or an article like the problem being written."""

    ticket: Ticket | None
    article: Article | None
    score: float

    @property
    def title(self) -> str:
        return self.ticket.subject if self.ticket else self.article.title if self.article else ""

    @property
    def solution(self) -> str:
        if self.ticket is not None:
            return self.ticket.resolution
        return self.article.solution if self.article else ""


def similar_cases(
    *, user: User, text: str, exclude: Ticket | None = None, limit: int = 5
) -> list[SimilarCase]:
    """The resolved tickets the user may see and the published articles most like `text`,
    best first."""
    found = similar.matches(text, limit=limit * 4)
    ticket_ids = [m.record for m in found if m.kind == similar.TICKET]
    tickets = ticket_list(user=user).in_bulk(ticket_ids)
    articles = Article.objects.filter(status=ArticleStatus.PUBLISHED).in_bulk(
        [m.record for m in found if m.kind == similar.ARTICLE]
    )
    cases = []
    for match in found:
        ticket = tickets.get(match.record) if match.kind == similar.TICKET else None
        article = articles.get(match.record) if match.kind == similar.ARTICLE else None
        if (ticket is None and article is None) or (exclude is not None and ticket == exclude):
            continue
        cases.append(SimilarCase(ticket, article, match.score))
    return cases[:limit]


def articles(*, search: str = "", status: str = "") -> QuerySet[Article]:
    found = Article.objects.select_related("product", "created_by")
    if status:
        found = found.filter(status=status)
    search = search.strip()
    if search:
        found = found.filter(Q(title__icontains=search) | Q(problem__icontains=search))
    return found
