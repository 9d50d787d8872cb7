"""Service-level policies: which tickets they apply to, and the targets they set."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kehu.core.models import KehuModel, Versioned
from kehu.core.scopes import Everyone, Visibility
from kehu.customers.models import RelationshipLevel
from kehu.service.models.calendars import BusinessCalendar
from kehu.service.models.tickets import (
    WAITING_STATUSES,
    Channel,
    Priority,
    Ticket,
    TicketKind,
)


def waiting_statuses() -> list[str]:
    """By default a clock waits while the ticket waits on someone else."""
    return [str(status) for status in WAITING_STATUSES]


def _choices_of(field: str, allowed: list[str], values: object) -> None:
    if not isinstance(values, list) or not set(values) <= set(allowed):
        raise ValidationError({field: gettext("Choose among the listed values.")})


class SlaPolicy(KehuModel, Versioned):
    """Targets in business time for the tickets it matches: the first policy in `order`
    whose conditions all hold (an empty condition holds for any ticket)."""

    visibility: ClassVar[Visibility] = Everyone()

    name = models.CharField(_("name"), max_length=100, unique=True)
    order = models.PositiveIntegerField(pgettext_lazy("position", "order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    kinds = models.ManyToManyField(TicketKind, verbose_name=_("kinds"), blank=True)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    customer_levels = models.JSONField(_("customer relationship levels"), default=list, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (working minutes)"), validators=[MinValueValidator(1)]
    )
    next_response_minutes = models.PositiveIntegerField(
        _("next response within (working minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (working minutes)"), validators=[MinValueValidator(1)]
    )
    acceptance_days = models.PositiveIntegerField(
        _("days the customer has to accept a resolution"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_("A resolution not answered in this many days is closed as unanswered."),
    )
    pause_statuses = models.JSONField(
        _("statuses that pause the clock"), default=waiting_statuses, blank=True
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("service-level policy")
        verbose_name_plural = _("service-level policies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _choices_of("priorities", Priority.values, self.priorities)
        _choices_of("channels", Channel.values, self.channels)
        _choices_of("customer_levels", RelationshipLevel.values, self.customer_levels)
        _choices_of("pause_statuses", list(WAITING_STATUSES), self.pause_statuses)

    def matches(self, ticket: Ticket, kind_ids: set[int]) -> bool:
        """Whether its conditions hold for the ticket; `kind_ids` are its own kinds'."""
        level = ticket.customer.relationship_level
        return (
            (not kind_ids or ticket.kind_id in kind_ids)
            and (not self.priorities or ticket.priority in self.priorities)
            and (not self.channels or ticket.channel in self.channels)
            and (not self.customer_levels or level in self.customer_levels)
        )

    def pauses(self, status: str) -> bool:
        return status in self.pause_statuses
