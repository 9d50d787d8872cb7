"""The service API: thin over the selectors and services, on the kernel's base."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from kehu.core.api.viewsets import RecordViewSet, Writes
from kehu.service import selectors, services
from kehu.service.api.serializers import (
    AcceptSerializer,
    ArticleSerializer,
    AttachmentSerializer,
    AttachSerializer,
    CalendarDaySerializer,
    CalendarSerializer,
    MessageSerializer,
    PolicySerializer,
    ReplySerializer,
    ResolveSerializer,
    SimilarCaseSerializer,
    StatusSerializer,
    TicketAssignSerializer,
    TicketKindSerializer,
    TicketReasonSerializer,
    TicketSerializer,
)
from kehu.service.models import Article, BusinessCalendar, SlaPolicy, Ticket, TicketKind
from kehu.service.services import setup

CHANGES = ["get", "post", "patch", "head", "options"]
CHANGE_TICKET = "service.change_ticket"


class TicketViewSet(RecordViewSet):
    """Tickets the user sees: their customers' and their teams'. The steps of a ticket's work
    are actions; each answers with the ticket as it now is, its clocks recomputed."""

    serializer_class = TicketSerializer
    filterset_fields = ["status", "priority", "channel", "kind", "team", "customer"]
    ordering_fields = ["created_at", "updated_at", "resolution_due", "response_due"]
    ordering = ["-created_at", "-id"]
    http_method_names = CHANGES
    writes = Writes.named(services, "ticket")

    def get_queryset(self) -> QuerySet[Ticket]:
        return selectors.ticket_list(
            user=self.user, search=self.request.query_params.get("search", "")
        )

    def _step(self, payload_class: type[serializers.Serializer], step: Any) -> Response:
        payload = payload_class(data=self.request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        ticket = self.get_object()
        step(actor=self.user, ticket=ticket, **payload.validated_data)
        return Response(self.get_serializer(ticket).data)

    @extend_schema(request=TicketAssignSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], permission=CHANGE_TICKET)
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Hand the ticket to a team and a person (none: the team's next in turn); its first
        responsible stays."""
        return self._step(TicketAssignSerializer, services.ticket_assign)

    @extend_schema(methods=["get"], responses=MessageSerializer(many=True))
    @extend_schema(methods=["post"], request=ReplySerializer, responses={201: MessageSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        permission={"GET": "service.view_ticket", "POST": CHANGE_TICKET},
    )
    def replies(self, request: Request, pk: str | None = None) -> Response:
        """The ticket's conversation; POST adds staff's reply, the customer's message
        (`from_customer`), or an internal note."""
        ticket = self.get_object()
        if request.method == "POST":
            payload = ReplySerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            message = services.ticket_reply(
                actor=self.user, ticket=ticket, **payload.validated_data
            )
            return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(selectors.ticket_messages(ticket=ticket))
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(methods=["get"], responses=AttachmentSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": AttachSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission={"GET": "service.view_ticket", "POST": CHANGE_TICKET},
        parser_classes=[MultiPartParser],
    )
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        """The ticket's files; POST (multipart, `file`) attaches one."""
        ticket = self.get_object()
        if request.method == "POST":
            payload = AttachSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            attachment = services.ticket_attach(
                actor=self.user, ticket=ticket, **payload.validated_data
            )
            return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(ticket.attachments.all())
        return self.get_paginated_response(AttachmentSerializer(page, many=True).data)

    @extend_schema(responses=SimilarCaseSerializer(many=True))
    @action(detail=True, methods=["get"], permission="service.view_ticket", pagination_class=None)
    def similar(self, request: Request, pk: str | None = None) -> Response:
        """The resolved tickets (that the caller may see) and published articles most like
        this ticket, best first."""
        ticket = self.get_object()
        cases = selectors.similar_cases(
            user=self.user, text=f"{ticket.subject} {ticket.description}", exclude=ticket
        )
        return Response(SimilarCaseSerializer(cases, many=True).data)

    @extend_schema(request=StatusSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], permission=CHANGE_TICKET)
    def pause(self, request: Request, pk: str | None = None) -> Response:
        """Wait for the customer or a third party (the policy may pause its clock), or go
        back to work (`in_progress`)."""
        return self._step(StatusSerializer, services.ticket_status_set)

    @extend_schema(request=ResolveSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], permission=CHANGE_TICKET)
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        """Resolved: it waits for the customer to accept the resolution."""
        return self._step(ResolveSerializer, services.ticket_resolve)

    @extend_schema(request=AcceptSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], permission=CHANGE_TICKET)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Record the customer's acceptance (and satisfaction): the ticket is closed."""
        return self._step(AcceptSerializer, services.ticket_accept)

    @extend_schema(request=TicketReasonSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], permission=CHANGE_TICKET)
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Record the customer's rejection: the ticket is reopened."""
        return self._step(TicketReasonSerializer, services.ticket_reject)

    @extend_schema(request=TicketReasonSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], permission=CHANGE_TICKET)
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        """The problem came back after the ticket was resolved or closed."""
        return self._step(TicketReasonSerializer, services.ticket_reopen)


class CalendarViewSet(RecordViewSet):
    """Business calendars: weekly hours, and their days off and make-up working days."""

    serializer_class = CalendarSerializer
    ordering = ["name"]
    http_method_names = CHANGES
    writes = Writes.named(setup, "calendar")

    def get_queryset(self) -> QuerySet[BusinessCalendar]:
        return selectors.calendars()

    @extend_schema(methods=["get"], responses=CalendarDaySerializer(many=True))
    @extend_schema(
        methods=["post"], request=CalendarDaySerializer, responses={201: CalendarDaySerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission={
            "GET": "service.view_businesscalendar",
            "POST": "service.change_businesscalendar",
        },
    )
    def days(self, request: Request, pk: str | None = None) -> Response:
        """The calendar's days that differ from its week; POST sets the company's own day
        (it stands over the public holiday calendar's)."""
        calendar = self.get_object()
        if request.method == "POST":
            payload = CalendarDaySerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            day = setup.calendar_day_set(
                actor=self.user, calendar=calendar, day=data.pop("date"), **data
            )
            return Response(CalendarDaySerializer(day).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(calendar.days.all())
        return self.get_paginated_response(CalendarDaySerializer(page, many=True).data)


class PolicyViewSet(RecordViewSet):
    """Service-level policies, in the order they are tried."""

    serializer_class = PolicySerializer
    ordering = ["order", "name"]
    http_method_names = CHANGES
    writes = Writes.named(setup, "policy")

    def get_queryset(self) -> QuerySet[SlaPolicy]:
        return selectors.policies()


class ArticleViewSet(RecordViewSet):
    """The knowledge base. Drafts are sent for review; someone other than the author, who
    may publish, publishes them."""

    serializer_class = ArticleSerializer
    filterset_fields = ["status", "audience", "product"]
    ordering = ["-updated_at", "-id"]
    http_method_names = CHANGES
    writes = Writes.named(services, "article")

    def get_queryset(self) -> QuerySet[Article]:
        return selectors.articles(search=self.request.query_params.get("search", ""))

    def _move(self, step: Any) -> Response:
        return Response(self.get_serializer(step(actor=self.user, article=self.get_object())).data)

    @extend_schema(request=None, responses=ArticleSerializer)
    @action(detail=True, methods=["post"], permission="service.change_article")
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Send a draft for review."""
        return self._move(services.article_submit)

    @extend_schema(request=None, responses=ArticleSerializer)
    @action(detail=True, methods=["post"], permission="service.publish_article")
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish an article in review (not one's own)."""
        return self._move(services.article_publish)

    @extend_schema(request=None, responses=ArticleSerializer)
    @action(detail=True, methods=["post"], permission="service.change_article")
    def archive(self, request: Request, pk: str | None = None) -> Response:
        """Take an article out of use."""
        return self._move(services.article_archive)


class TicketKindViewSet(RecordViewSet):
    """The kinds of ticket, an editable list; a kind no longer used is made inactive."""

    serializer_class = TicketKindSerializer
    ordering = ["order", "name"]
    http_method_names = CHANGES
    writes = Writes.named(setup, "kind")

    def get_queryset(self) -> QuerySet[TicketKind]:
        return selectors.kinds()
