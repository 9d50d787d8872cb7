"""Customers (companies and individuals), their contacts and tags: the customer master data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.core.contact_details import phone_normalise
from kehu.core.regions import region_problems, region_resolve
from kehu.customers.text import company_key, name_grams, pinyin_keys


class CustomerKind(models.TextChoices):
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")
    DEALER = "dealer", _("Dealer")


class Industry(models.TextChoices):
    FOOD = "food", _("Food and beverages")
    CONSUMER_GOODS = "consumer_goods", _("Consumer goods")
    RETAIL = "retail", _("Retail and supermarkets")
    CATERING = "catering", _("Catering and hotels")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    MACHINERY = "machinery", _("Machinery and equipment")
    CHEMICALS = "chemicals", _("Chemicals and materials")
    CONSTRUCTION = "construction", _("Construction and real estate")
    FURNITURE = "furniture", _("Furniture and home")
    LOGISTICS = "logistics", _("Logistics and transport")
    TECHNOLOGY = "technology", _("Information technology")
    AGRICULTURE = "agriculture", _("Agriculture")
    HEALTHCARE = "healthcare", _("Healthcare")
    EDUCATION = "education", _("Education")
    GOVERNMENT = "government", _("Government and institutions")
    OTHER = "other", _("Other")


class BusinessMode(models.TextChoices):
    CONSUMER_GOODS = "consumer_goods", _("Consumer goods")
    INDUSTRIAL_GOODS = "industrial_goods", _("Industrial goods")
    PROJECT = "project", _("Project-type")
    KEY_ACCOUNT = "key_account", _("Key account")


class SourceChannel(models.TextChoices):
    WEB = "web", _("Website")
    TRADE_FAIR = "trade_fair", _("Trade fair / conference")
    REFERRAL = "referral", _("Referral")
    PERSONAL_NETWORK = "personal_network", _("Personal network")
    DIRECTORY = "directory", _("Directory research")
    ADVERTISING = "advertising", _("Advertising")
    B2B_PLATFORM = "b2b_platform", _("B2B platform")
    OTHER = "other", _("Other")


class CreditRating(models.TextChoices):
    AAA = "AAA", _("AAA — excellent")
    AA = "AA", _("AA — very good")
    A = "A", _("A — good")
    B = "B", _("B — fair")
    C = "C", _("C — poor")


class RelationshipLevel(models.TextChoices):
    TRANSACTIONAL = "transactional", _("Transactional")
    PREFERRED_SUPPLIER = "preferred_supplier", _("Preferred supplier")
    PARTNERSHIP = "partnership", _("Partnership")
    STRATEGIC_ALLIANCE = "strategic_alliance", _("Strategic alliance")


class LifecycleStage(models.TextChoices):
    EXPLORATION = "exploration", _("Exploration")
    FORMATION = "formation", _("Formation")
    STABILITY = "stability", _("Stability")
    DECLINE = "decline", _("Decline")


class DecisionRole(models.TextChoices):
    PURCHASER = "purchaser", _("Purchaser")
    DECISION_MAKER = "decision_maker", _("Decision maker")
    USER = "user", _("User")
    INFLUENCER = "influencer", _("Influencer")


class Tag(models.Model):
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


class Party(models.Model):
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


class Customer(Party):
    # Credit terms are finance's to set; everyone else sees them read-only.
    restricted_fields: ClassVar[dict[str, str]] = {
        "credit_rating": CHANGE_CREDIT,
        "credit_limit": CHANGE_CREDIT,
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
    credit_limit = models.DecimalField(
        _("credit limit"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("view_contact_details", _("Can see full phone numbers and e-mail addresses")),
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

    def clean(self) -> None:
        self.province, self.city, self.district = region_resolve(
            self.province, self.city, self.district
        )
        super().clean()
        self.name_key = company_key(self.name)[:200]


class Contact(Party):
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
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-is_primary", "name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")


class Activity(models.Model):
    """A follow-up with a customer or a sales lead: what happened, when, and who did it.

    A lead's follow-ups join its customer's timeline when the lead is converted (both
    links are then set); until then they belong to the lead alone.
    """

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    lead = models.ForeignKey(
        "sales.Lead",
        verbose_name=_("lead"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    kind = models.CharField(
        pgettext_lazy("activity", "kind"), max_length=20, choices=ActivityKind.choices
    )
    at = models.DateTimeField(_("when"), db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["customer", "-at"]), models.Index(fields=["lead", "-at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | models.Q(lead__isnull=False),
                name="activity_on_a_customer_or_a_lead",
                violation_error_message=_("A follow-up belongs to a customer or a lead."),
            )
        ]

    def __str__(self) -> str:
        return self.subject


class OnDuplicate(models.TextChoices):
    SKIP = "skip", _("Skip the row")
    UPDATE = "update", _("Update the existing customer")
    CREATE = "create", _("Create a new customer anyway")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A batch takes seconds; a job that has not moved for this long is not going to.
IMPORT_STALLED_AFTER = timedelta(minutes=5)


class ImportJob(models.Model):
    """One import of a customer file: its settings, its progress and its outcome.

    `rows_done` is advanced in the same transaction as each batch it covers, so a killed
    import resumes after the last committed batch and never applies a row twice.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    file_hash = models.CharField(max_length=64, db_index=True)
    encoding = models.CharField(max_length=20, blank=True)
    mapping = models.JSONField(default=dict)
    on_duplicate = models.CharField(
        max_length=10, choices=OnDuplicate.choices, default=OnDuplicate.SKIP
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # When the job last moved: readied to run, or a batch committed.
    moved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def stalled(self) -> bool:
        """Running, but not moved for longer than any batch takes: its worker died, or no
        worker is running."""
        return (
            self.status == ImportStatus.RUNNING
            and self.moved_at is not None
            and timezone.now() - self.moved_at > IMPORT_STALLED_AFTER
        )


class ImportProblem(models.Model):
    """A row the import could not apply: where, what value, and why."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=100, blank=True)
    value = models.TextField(blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["row", "id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "row", "column"], name="one_problem_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.row}:{self.column}"
