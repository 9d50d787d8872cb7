"""Organisation: departments (a tree), roles with a data scope, users; the change history;
and what every app's models share: the scoped manager and the columns of a kept record."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from kehu.core.scopes import DataScope, Everyone, ScopedQuerySet, Visibility

__all__ = [
    "Authored",
    "Change",
    "Created",
    "DataScope",
    "Department",
    "KehuModel",
    "Record",
    "Role",
    "Timestamped",
    "User",
    "Versioned",
]


class KehuModel(models.Model):
    """A table of Kehu's: read through `objects.visible_to(user)` by the kernel's bases, which
    refuse to serve a model that does not say in `visibility` whose records its rows are."""

    objects = ScopedQuerySet.as_manager()
    visibility: ClassVar[Visibility]

    class Meta:
        abstract = True


class Created(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        abstract = True


class Timestamped(Created):
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A record written by optimistic locking (core.locking): each write names the version
    it read, and a stale one is refused."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class Authored(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True


class Record(KehuModel, Authored, Timestamped, Versioned):
    """A business record people keep together: who made it, when, and its version."""

    class Meta:
        abstract = True


class Department(KehuModel):
    """A node in the company's department tree.

    `path` holds the ids from the root down ("/1/4/9/"), so a subtree is one indexed
    prefix query however deep the tree is.
    """

    visibility: ClassVar[Visibility] = Everyone()

    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    pool_after_days = models.PositiveIntegerField(
        _("days without follow-up before a customer returns to the pool"),
        default=30,
        help_text=_(
            "Customers owned by members of this department with no follow-up for this "
            "many days go back to the customer pool."
        ),
    )

    class Meta:
        ordering = ["path"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Role(KehuModel):
    visibility: ClassVar[Visibility] = Everyone()

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    data_scope = models.CharField(
        _("data scope"), max_length=20, choices=DataScope.choices, default=DataScope.OWN
    )
    permissions = models.ManyToManyField(
        Permission, verbose_name=_("permissions"), blank=True, related_name="roles"
    )
    customer_limit = models.PositiveIntegerField(
        _("most customers one person may own"),
        null=True,
        blank=True,
        help_text=_("Claiming from the pool stops at this many; empty means no limit."),
    )
    # The built-in permissions ("app.codename") this role has been given by Kehu, so an
    # upgrade grants only those added since, and one an admin took away stays away.
    granted_defaults = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name


class KehuUserManager(UserManager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    # People are visible to those who see their records.
    visibility: ClassVar[Visibility] = Visibility("")

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    role = models.ForeignKey(
        Role,
        verbose_name=_("role"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    objects: ClassVar[KehuUserManager] = KehuUserManager()

    class Meta(AbstractUser.Meta):
        ordering = ["username"]
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        permissions = [
            ("manage_organisation", _("Can manage users, departments and roles")),
            ("view_contact_details", _("Can see full phone numbers and e-mail addresses")),
        ]

    @property
    def display_name(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username


class ChangeAction(models.TextChoices):
    """The history actions of every record; an app adds its own (its `history_actions`)."""

    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    MERGE = "merge", _("Merged")


class Change(models.Model):
    """One write to a customer-facing record: who, when, and each field's old → new value.

    `customer_id` groups the changes of a customer and of everything hanging off it
    (contacts now, orders and tickets later) into one timeline; it is a plain column so
    the history outlives a deleted customer.
    """

    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.BigIntegerField()
    target_repr = models.CharField(max_length=255)
    customer_id = models.BigIntegerField(null=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=10)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("change")
        verbose_name_plural = _("changes")

    def __str__(self) -> str:
        return f"{self.action} {self.target_repr}"

    @property
    def action_label(self) -> str:
        from kehu.core.registry import history_action_labels

        return str(history_action_labels().get(self.action, self.action))


class WorkerBeat(models.Model):
    """A background worker's sign of life, renewed every few seconds while it runs: the
    pages that hand it work, and the readiness check, tell when none was seen lately."""

    worker_id = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker_id


class PeriodicRun(models.Model):
    """When a periodic task is next due. Every worker asks at each beat; the one whose update
    moves `due_at` on enqueues the task, so it runs once a period however many workers run."""

    task_path = models.CharField(max_length=200, unique=True)
    due_at = models.DateTimeField()

    class Meta:
        verbose_name = _("periodic task run")
        verbose_name_plural = _("periodic task runs")

    def __str__(self) -> str:
        return self.task_path
