"""Customers (companies and individuals), their contacts and tags: the customer master data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.core.contact_details import phone_normalise
from kehu.core.models import KehuModel, Record, Timestamped, Versioned
from kehu.core.regions import region_problems, region_resolve
from kehu.core.scopes import Everyone, Visibility
from kehu.customers.models.choices import (
    BusinessMode,
    CreditRating,
    CustomerKind,
    DecisionRole,
    Industry,
    LifecycleStage,
    RelationshipLevel,
    SourceChannel,
)
from kehu.customers.text import company_key, name_grams, pinyin_keys


class Tag(KehuModel):
    visibility: ClassVar[Visibility] = Everyone()

    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class GramsContain(models.Lookup):
    """`name_grams__contain_all=[pairs]`: the record has every one of the pairs. Written
    as the expression PostgreSQL's GIN index on the pairs is built over."""

    lookup_name = "contain_all"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        return "%s", (list(value),)

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"string_to_array({lhs}, ' ') @> {rhs}::text[]", (*lhs_params, *rhs_params)


class GramsField(models.TextField):
    """Space-separated character pairs (see text.name_grams), searchable with contain_all."""


GramsField.register_lookup(GramsContain)


class Party(KehuModel):
    """What customers and contacts share: a name found by its pinyin, a phone, an e-mail."""

    # Searched by substring: the trigram and pair indexes serve them on PostgreSQL, and a
    # B-tree could not, so they have none.
    name_pinyin = models.CharField(max_length=400, editable=False, default="")
    name_initials = models.CharField(max_length=200, editable=False, default="")
    name_grams = GramsField(editable=False, default="")

    name: str
    phone: str
    email: str

    class Meta:
        abstract = True

    def field_problems(self) -> dict[str, str]:
        """Problems beyond the shared ones, by field; subclasses add theirs."""
        return {}

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.name = self.name.strip()
        self.email = self.email.strip().lower()
        try:
            self.phone = phone_normalise(self.phone)
        except ValidationError as error:
            errors["phone"] = error.messages
        for field, problem in self.field_problems().items():
            errors.setdefault(field, []).append(problem)
        if errors:
            raise ValidationError(errors)
        for key, value in self.search_keys(self.name).items():
            setattr(self, key, value)

    @staticmethod
    def search_keys(name: str) -> dict[str, str]:
        """What a name is searched by, as stored: pinyin, initials and character pairs."""
        full, initials = pinyin_keys(name)
        initials = initials[:200]
        return {
            "name_pinyin": full[:400],
            "name_initials": initials,
            "name_grams": name_grams(name, initials),
        }


CHANGE_CREDIT = "customers.change_credit"


NO_FOLLOW_UP = "no_follow_up"


class Customer(Record, Party):
    visibility: ClassVar[Visibility] = Visibility("owner")
    # Credit terms are finance's to set; everyone else sees them read-only.
    restricted_fields: ClassVar[dict[str, str]] = {
        "credit_rating": CHANGE_CREDIT,
        "credit_limit": CHANGE_CREDIT,
    }
    # What the pool's sweep notes, worded in each reader's language (core.history.coded).
    history_messages: ClassVar[dict[str, Any]] = {
        NO_FOLLOW_UP: _("No follow-up for %(days)d days"),
    }

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.COMPANY
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices, blank=True)
    business_mode = models.CharField(
        _("business mode"), max_length=30, choices=BusinessMode.choices, blank=True
    )
    source_channel = models.CharField(
        _("source channel"), max_length=30, choices=SourceChannel.choices, blank=True
    )
    dealer = models.ForeignKey(
        "self",
        verbose_name=_("dealer"),
        help_text=_("The dealer this end customer buys through."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="end_customers",
        limit_choices_to={"kind": CustomerKind.DEALER},
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
        db_index=False,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    credit_rating = models.CharField(
        _("credit rating"), max_length=3, choices=CreditRating.choices, blank=True
    )
    # Empty: no limit set, and the company's credit policy decides (orders.CreditPolicy);
    # 0: no credit at all, every order needs finance's approval.
    credit_limit = models.DecimalField(
        _("credit limit"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Empty: none set, the company's credit policy applies. 0: no credit."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    annual_revenue = models.DecimalField(
        _("annual revenue"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    tax_id = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    relationship_level = models.CharField(
        _("relationship level"), max_length=30, choices=RelationshipLevel.choices, blank=True
    )
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=20, choices=LifecycleStage.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    name_key = models.CharField(max_length=200, editable=False, default="")
    owner_since = models.DateTimeField(_("owned since"), null=True, blank=True, editable=False)
    last_activity_at = models.DateTimeField(
        _("last follow-up"), null=True, blank=True, editable=False, db_index=True
    )
    released_at = models.DateTimeField(
        _("returned to the pool"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("change_credit", _("Can change credit limits, credit ratings and payment terms")),
        ]
        # Declared here rather than with db_index, which on PostgreSQL adds a second
        # "LIKE 'prefix%'" index to each text column that nothing here asks for; each index
        # costs every write, most of an import's time at a million customers. The owner's
        # own index is the first column of (owner, updated).
        indexes = [
            # Other apps' records are visible through their customer's owner: these two let
            # a join find a team's customers, or a customer's owner, from an index alone.
            models.Index(fields=["owner", "-updated_at"], include=["id"], name="customer_owner"),
            models.Index(fields=["id"], include=["owner"], name="customer_id_owner"),
            models.Index(fields=["name"]),
            models.Index(fields=["province", "city"]),
            models.Index(fields=["phone"]),  # the duplicate check's keys
            models.Index(fields=["email"]),
            models.Index(fields=["name_key"]),
        ]

    def __str__(self) -> str:
        return self.name

    def field_problems(self) -> dict[str, str]:
        return region_problems(self.province, self.city, self.district)

    @property
    def place(self) -> str:
        """The province and city, the city left out where it is the province (北京市)."""
        city = self.city if self.city and self.city != self.province else ""
        return " · ".join(part for part in (self.province, city) if part)

    @property
    def is_individual(self) -> bool:
        return self.kind == CustomerKind.INDIVIDUAL

    @property
    def is_dealer(self) -> bool:
        return self.kind == CustomerKind.DEALER

    def clean(self) -> None:
        self.province, self.city, self.district = region_resolve(
            self.province, self.city, self.district
        )
        super().clean()
        self.name_key = company_key(self.name)[:200]


class Contact(Timestamped, Versioned, Party):
    visibility: ClassVar[Visibility] = Visibility("customer__owner")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    decision_role = models.CharField(
        _("decision role"), max_length=20, choices=DecisionRole.choices, blank=True
    )
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-is_primary", "name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name
