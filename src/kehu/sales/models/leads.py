"""Leads, where they come from, and the team settings that route and flag them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kehu.core.contact_details import phone_normalise
from kehu.core.models import KehuModel, Record
from kehu.core.regions import region_problems
from kehu.core.scopes import Everyone, Visibility
from kehu.customers.models import SourceChannel

# A lead nobody followed up for this many days is flagged, where its owner's department
# (or the nearest parent department) sets no other limit.
DEFAULT_FOLLOW_UP_DAYS = 3


class LeadSource(KehuModel):
    """Where leads come from. Admins edit the list; each source belongs to a channel, which
    becomes the customer's source channel on conversion. Built-in names are stored in
    English and shown translated."""

    visibility: ClassVar[Visibility] = Everyone()

    name = models.CharField(_("name"), max_length=100, unique=True)
    channel = models.CharField(_("channel"), max_length=30, choices=SourceChannel.choices)
    order = models.PositiveIntegerField(pgettext_lazy("position", "order"), default=0)
    is_active = models.BooleanField(pgettext_lazy("lead source", "active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("lead source")
        verbose_name_plural = _("lead sources")

    def __str__(self) -> str:
        return gettext(self.name)


class LeadStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("lead", "New")
    CONTACTED = "contacted", pgettext_lazy("lead", "Contacted")
    QUALIFIED = "qualified", pgettext_lazy("lead", "Qualified")
    CONVERTED = "converted", pgettext_lazy("lead", "Converted")
    DISQUALIFIED = "disqualified", pgettext_lazy("lead", "Disqualified")


OPEN_LEAD_STATUSES = [LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED]


class Lead(Record):
    visibility: ClassVar[Visibility] = Visibility("owner")

    # Its follow-ups are the customers app's activities about it; they go with it.
    follow_ups = GenericRelation(
        "customers.Activity",
        content_type_field="regarding_type",
        object_id_field="regarding_id",
        related_query_name="lead",
    )
    company = models.CharField(_("company"), max_length=200, blank=True)
    person = models.CharField(_("person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    source = models.ForeignKey(
        LeadSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="leads"
    )
    campaign = models.CharField(_("campaign or event"), max_length=200, blank=True)
    referred_by_customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("referred by customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_leads",
    )
    referred_by_contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("referred by contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_leads",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    disqualified_reason = models.CharField(
        _("reason for disqualifying"), max_length=500, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("converted to customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("converted to contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True, editable=False)
    last_activity_at = models.DateTimeField(
        _("last follow-up"), null=True, blank=True, editable=False
    )
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [models.Index(fields=["owner", "status", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(company="", person=""), name="lead_has_a_name"),
            models.CheckConstraint(
                condition=~Q(status=LeadStatus.DISQUALIFIED) | ~Q(disqualified_reason=""),
                name="lead_disqualified_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=LeadStatus.CONVERTED) | Q(customer__isnull=False),
                name="lead_converted_to_a_customer",
            ),
        ]

    def __str__(self) -> str:
        return self.company or self.person

    @property
    def is_open(self) -> bool:
        """Still being worked: it may be followed up, assigned and converted."""
        return self.status in OPEN_LEAD_STATUSES

    @property
    def is_converted(self) -> bool:
        """Become a customer: it is kept as it was then, and changed no more."""
        return self.status == LeadStatus.CONVERTED

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.company, self.person = self.company.strip(), self.person.strip()
        self.email = self.email.strip().lower()
        if not (self.company or self.person):
            errors["company"] = [str(_("Give the company or the person's name."))]
        try:
            self.phone = phone_normalise(self.phone)
        except ValidationError as error:
            errors["phone"] = error.messages
        for field, problem in region_problems(self.province, self.city, self.district).items():
            errors.setdefault(field, []).append(problem)
        if errors:
            raise ValidationError(errors)


class TeamSettings(KehuModel):
    """A department's sales settings, and its round-robin cursor: the member who got the
    last lead. The row is locked while a lead is assigned, so assignments queue."""

    visibility: ClassVar[Visibility] = Everyone()

    department = models.OneToOneField(
        "core.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="sales_settings",
    )
    lead_follow_up_days = models.PositiveIntegerField(
        _("days before an unfollowed lead is flagged"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=format_lazy(
            _("Empty: as the parent department, else {days} days."), days=DEFAULT_FOLLOW_UP_DAYS
        ),
    )
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("team sales settings")
        verbose_name_plural = _("team sales settings")

    def __str__(self) -> str:
        return str(self.department)
