"""The knowledge base: problems, their causes and solutions, written once and found again
when the problem comes back."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kehu.core.models import Record
from kehu.core.scopes import Everyone, Visibility


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article", "Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", pgettext_lazy("article", "Published")
    ARCHIVED = "archived", pgettext_lazy("article", "Archived")


class ArticleAudience(models.TextChoices):
    INTERNAL = "internal", _("Staff only")
    PUBLIC = "public", _("Customers too")


class Article(Record):
    """A known problem and its solution. It is drafted (often from a resolved ticket),
    reviewed, and published; only published articles are offered as similar cases."""

    visibility: ClassVar[Visibility] = Everyone()

    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    cause = models.TextField(_("cause"), blank=True)
    solution = models.TextField(_("solution"))
    product = models.ForeignKey(
        "orders.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = models.CharField(_("tags"), max_length=200, blank=True)
    audience = models.CharField(
        _("audience"),
        max_length=10,
        choices=ArticleAudience.choices,
        default=ArticleAudience.INTERNAL,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    source_ticket = models.ForeignKey(
        "service.Ticket",
        verbose_name=_("drafted from ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
        editable=False,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("published"), null=True, editable=False)
    # Its words for the similar-case search (service.similar), kept by the services.
    terms = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        permissions = [("publish_article", _("Can review and publish knowledge articles"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED
