"""Tickets (工单): what a customer asked or complained of, who answers for it, and its clocks."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kehu.core.models import KehuModel, Record
from kehu.core.scopes import Everyone, Visibility
from kehu.service.models.teams import ServiceTeam


class TicketKind(KehuModel):
    """An editable list: complaint, inquiry, repair, return or exchange, suggestion….
    Built-in names are stored in English and shown translated."""

    visibility: ClassVar[Visibility] = Everyone()

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(pgettext_lazy("position", "order"), default=0)
    # A complaint's or suggestion's reply is shown to the customer on the customer's page.
    needs_reply = models.BooleanField(_("answered to the customer"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("ticket kind")
        verbose_name_plural = _("ticket kinds")

    def __str__(self) -> str:
        return gettext(self.name)


class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("priority", "Low")
    NORMAL = "normal", pgettext_lazy("priority", "Normal")
    HIGH = "high", pgettext_lazy("priority", "High")
    URGENT = "urgent", pgettext_lazy("priority", "Urgent")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    EMAIL = "email", _("E-mail")
    WECHAT = "wechat", _("WeChat")
    PORTAL = "portal", _("Portal")
    API = "api", _("API")


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket", "New")
    IN_PROGRESS = "in_progress", pgettext_lazy("ticket", "In progress")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting for the customer")
    WAITING_THIRD_PARTY = "waiting_third_party", _("Waiting for a third party")
    RESOLVED = "resolved", _("Resolved, awaiting acceptance")
    CLOSED = "closed", pgettext_lazy("ticket", "Closed")
    REOPENED = "reopened", pgettext_lazy("ticket", "Reopened")


# Being worked: its clocks may run, it may be assigned, paused and resolved.
OPEN_STATUSES = [
    TicketStatus.NEW,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_CUSTOMER,
    TicketStatus.WAITING_THIRD_PARTY,
    TicketStatus.REOPENED,
]
WAITING_STATUSES = [TicketStatus.WAITING_CUSTOMER, TicketStatus.WAITING_THIRD_PARTY]


class TicketAction(models.TextChoices):
    """What a ticket's history records beyond create and update: its timeline."""

    ASSIGN = "assign", _("Assigned")
    REPLY = "reply", _("Replied")
    NOTE = "note", _("Internal note")
    STATUS = "status", _("Status changed")
    RESOLVE = "resolve", _("Resolved")
    ACCEPT = "accept", _("Accepted by the customer")
    REJECT = "reject", _("Rejected by the customer")
    REOPEN = "reopen", pgettext_lazy("ticket", "Reopened")
    CLOSE = "close", pgettext_lazy("ticket", "Closed")
    BREACH = "breach", _("Service level missed")


class CloseReason(models.TextChoices):
    ACCEPTED = "accepted", _("The customer accepted the resolution")
    NO_ANSWER = "no_answer", _("The customer did not answer in time")


class Satisfaction(models.IntegerChoices):
    """The five-level scale of Chinese service surveys."""

    SATISFIED = 5, _("Satisfied")
    FAIRLY_SATISFIED = 4, _("Fairly satisfied")
    NEUTRAL = 3, _("Neutral")
    NOT_VERY_SATISFIED = 2, _("Not very satisfied")
    DISSATISFIED = 1, _("Dissatisfied")


def _user(verbose_name: StrOrPromise, related_name: str, **extra: Any) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
        **extra,
    )


class Ticket(Record):
    """A customer's case. It is seen by whoever sees its customer, and by its team.

    Its clocks are kept in the columns below and worked out again from its history
    (service.sla) whenever the policy, the calendar or the priority changes.
    """

    visibility: ClassVar[Visibility] = Visibility("customer__owner", "team__members")
    history_labels: ClassVar[dict[str, Any]] = {
        "message": _("reply"),
        "customer_message": _("the customer's message"),
        "reason": _("reason"),
    }

    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    kind = models.ForeignKey(
        TicketKind,
        verbose_name=pgettext_lazy("ticket", "kind"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    product = models.ForeignKey(
        "orders.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    team = models.ForeignKey(
        ServiceTeam,
        verbose_name=_("service team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    assignee = _user(_("assignee"), "assigned_tickets")
    # What staff promised the customer, and by when (an engineer's visit by Friday): kept
    # in view so that no promise is forgotten.
    promise = models.CharField(_("promise to the customer"), max_length=200, blank=True)
    promised_by = models.DateTimeField(_("promised by"), null=True, blank=True)
    first_responsible = _user(_("first responsible"), "first_responsible_tickets", editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    policy = models.ForeignKey(
        "service.SlaPolicy",
        verbose_name=_("service-level policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        editable=False,
    )
    # The clocks, as service.sla last worked them out.
    first_responded_at = models.DateTimeField(_("first response"), null=True, editable=False)
    response_due = models.DateTimeField(_("response due"), null=True, editable=False)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, editable=False)
    paused = models.BooleanField(_("clock paused"), default=False, editable=False)
    # When the breach sweep next has something to say of it (a deadline passed); indexed
    # so that the sweep reads only those.
    next_check_at = models.DateTimeField(null=True, editable=False, db_index=True)
    response_breached = models.BooleanField(_("response late"), default=False, editable=False)
    resolution_breached = models.BooleanField(_("resolution late"), default=False, editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, editable=False)
    resolution = models.TextField(_("resolution"), blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, editable=False)
    close_reason = models.CharField(
        _("close reason"), max_length=10, choices=CloseReason.choices, blank=True, editable=False
    )
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0, editable=False)
    # The customer's rating at acceptance, with the people it was theirs then.
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        choices=Satisfaction.choices,
        null=True,
        editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction_comment = models.TextField(_("satisfaction comment"), blank=True, editable=False)
    rated_assignee = _user(_("rated assignee"), "+", editable=False)
    rated_first_responsible = _user(_("rated first responsible"), "+", editable=False)
    # Its words for the similar-case search (service.similar), kept by the services.
    terms = models.TextField(blank=True, editable=False)
    rated_team = models.ForeignKey(
        ServiceTeam, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["assignee", "status", "resolution_due"]),
            # An agent's own queue holds what they were first responsible for too.
            models.Index(fields=["first_responsible", "status", "resolution_due"]),
            models.Index(fields=["team", "status", "resolution_due"]),
            models.Index(fields=["customer", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=TicketStatus.CLOSED) | ~Q(close_reason=""),
                name="ticket_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def number(self) -> str:
        return f"T{self.pk:07d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaits_acceptance(self) -> bool:
        return self.status == TicketStatus.RESOLVED

    @property
    def is_closed(self) -> bool:
        return self.status == TicketStatus.CLOSED


class TicketMessage(KehuModel):
    """A reply on a ticket: staff's to the customer, the customer's (taken by staff or
    through the acceptance link), or an internal note."""

    visibility: ClassVar[Visibility] = Visibility(
        "ticket__customer__owner", "ticket__team__members"
    )

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = _user(_("author"), "+")
    from_customer = models.BooleanField(_("from the customer"), default=False)
    internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("message"))
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_customer=True, internal=True),
                name="ticket_message_customer_not_internal",
            )
        ]

    def __str__(self) -> str:
        return self.body[:50]


class TicketAttachment(KehuModel):
    """A file kept with a ticket, served only through a view that checks the reader may
    see the ticket."""

    visibility: ClassVar[Visibility] = Visibility(
        "ticket__customer__owner", "ticket__team__members"
    )

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="service/attachments/%Y/%m/")
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = _user(_("uploaded by"), "+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
