"""Writing the knowledge base: drafting an article (from scratch, or from a resolved ticket
in one step), sending it for review, and publishing it. Only published articles are
offered as similar cases."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import Refused
from kehu.core.history import actor_or_none
from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.records import fields_assign
from kehu.service import similar
from kehu.service.models import Article, ArticleStatus, Ticket

ARTICLE_FIELDS = ["title", "problem", "cause", "solution", "product", "tags", "audience"]
PUBLISH = "service.publish_article"


class ArticleRefused(Refused):
    """A step the article's status does not allow (publishing a draft not reviewed)."""


def _keep(article: Article) -> None:
    words = similar.terms(article.title, article.problem, article.cause, article.solution)
    if words != article.terms:
        article.terms = words
        Article.objects.filter(pk=article.pk).update(terms=words)
    similar.sqlite_index(similar.ARTICLE, article.pk, words if article.is_published else None)


@transaction.atomic
def article_create(*, actor: User | None, **fields: Any) -> Article:
    article = Article(created_by=actor_or_none(actor))
    fields_assign(article, fields, ARTICLE_FIELDS, actor=actor)
    article.full_clean()
    article.save()
    _keep(article)
    return article


@transaction.atomic
def article_update(*, actor: User | None, article: Article, version: int, **fields: Any) -> Article:
    """Edit an article; a published one goes back to review, so that what customers and
    colleagues read has been reviewed."""
    fields_assign(article, fields, ARTICLE_FIELDS, actor=actor)
    article.full_clean()
    if article.is_published:
        article.status = ArticleStatus.IN_REVIEW
    save_versioned(article, expected_version=version, fields=[*ARTICLE_FIELDS, "status"])
    _keep(article)
    return article


@transaction.atomic
def article_from_ticket(*, actor: User | None, ticket: Ticket) -> Article:
    """A draft of the problem a resolved ticket solved: its subject, description and
    resolution, for its author to generalise."""
    if not ticket.resolution:
        raise ArticleRefused(_("Only a resolved ticket can become an article."))
    article = article_create(
        actor=actor,
        title=ticket.subject,
        problem=ticket.description,
        solution=ticket.resolution,
        product=ticket.product,
    )
    article.source_ticket = ticket
    article.save(update_fields=["source_ticket"])
    return article


def _move(article: Article, status: str, **extra: Any) -> Article:
    for name, value in extra.items():
        setattr(article, name, value)
    article.status = status
    Article.objects.filter(pk=article.pk).update(status=status, **extra)
    _keep(article)
    return article


@transaction.atomic
def article_submit(*, actor: User | None, article: Article) -> Article:
    if article.status != ArticleStatus.DRAFT:
        raise ArticleRefused(_("Only a draft is sent for review."))
    return _move(article, ArticleStatus.IN_REVIEW)


@transaction.atomic
def article_publish(*, actor: User | None, article: Article) -> Article:
    """A reviewer (who may publish, and did not write it) publishes an article in review."""
    if actor is not None and not actor.has_perm(PUBLISH):
        raise PermissionDenied(_("Only a reviewer may publish articles."))
    if actor is not None and actor.pk == article.created_by_id:
        raise ArticleRefused(_("Someone other than its author reviews and publishes an article."))
    if article.status != ArticleStatus.IN_REVIEW:
        raise ArticleRefused(_("Only an article in review can be published."))
    return _move(
        article,
        ArticleStatus.PUBLISHED,
        reviewed_by=actor_or_none(actor),
        published_at=timezone.now(),
    )


@transaction.atomic
def article_archive(*, actor: User | None, article: Article) -> Article:
    return _move(article, ArticleStatus.ARCHIVED)
