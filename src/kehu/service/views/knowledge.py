"""Knowledge pages: the articles, their review, an article drafted from a ticket, and the
similar cases offered while a ticket is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kehu.core.pages import (
    PAGE_SIZE,
    WRITES,
    RecordPages,
    UserRequest,
    page,
    problem_text,
    step_taken,
)
from kehu.core.pagination import CappedPaginator
from kehu.core.records import REFUSALS, Writes
from kehu.service import selectors, services
from kehu.service.forms import ArticleForm
from kehu.service.models import Article, ArticleStatus, Ticket
from kehu.service.views.tickets import TICKET


@page("service.view_ticket")
def similar_cases(request: UserRequest) -> HttpResponse:
    """The cases most like the description being typed (htmx swaps the card's list)."""
    text = request.GET.get("description", "")
    cases = selectors.similar_cases(user=request.user, text=text) if text.strip() else []
    return render(request, "service/_similar.html", {"cases": cases, "asked": bool(text.strip())})


@page("service.view_article")
def article_list(request: UserRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    found = selectors.articles(search=request.GET.get("q", ""), status=status)
    context = {
        "page": CappedPaginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
        "statuses": ArticleStatus.choices,
        "status": status,
        "q": request.GET.get("q", ""),
    }
    return render(request, "service/article_list.html", context)


@page("service.view_article", article=Article)
def article_detail(request: UserRequest, article: Article) -> HttpResponse:
    return render(request, "service/article_detail.html", {"article": article})


article_new, article_edit = RecordPages(
    form=ArticleForm,
    writes=Writes.named(services, "article"),
    template="service/article_form.html",
    titles=(gettext_lazy("New article"), gettext_lazy("Edit article")),
    saved=gettext_lazy("Article “%(name)s” saved."),
    done=lambda article: reverse("service:article", args=[article.pk]),
    back=lambda article: (
        reverse("service:article", args=[article.pk]) if article else reverse("service:articles")
    ),
    record="article",
    loader=Article,
).views(add="service.add_article", change="service.change_article")


@page("service.add_article", methods=WRITES, ticket=TICKET)
def article_from_ticket(request: UserRequest, ticket: Ticket) -> HttpResponseBase:
    try:
        article = services.article_from_ticket(actor=request.user, ticket=ticket)
    except REFUSALS as problem:
        messages.error(request, problem_text(problem))
        return redirect("service:ticket", ticket=ticket.pk)
    messages.success(
        request, _("Draft written from the ticket. Make it general, then send it for review.")
    )
    return redirect("service:article-edit", article=article.pk)


def _move(
    request: UserRequest, article: Article, step: Callable[..., Any], done: str
) -> HttpResponseBase:
    return step_taken(
        request,
        lambda: step(actor=request.user, article=article),
        done=done,
        back=reverse("service:article", args=[article.pk]),
    )


@page("service.change_article", methods=WRITES, article=Article)
def article_submit(request: UserRequest, article: Article) -> HttpResponseBase:
    return _move(request, article, services.article_submit, _("Sent for review."))


@page("service.publish_article", methods=WRITES, article=Article)
def article_publish(request: UserRequest, article: Article) -> HttpResponseBase:
    return _move(request, article, services.article_publish, _("Published."))


@page("service.change_article", methods=WRITES, article=Article)
def article_archive(request: UserRequest, article: Article) -> HttpResponseBase:
    return _move(request, article, services.article_archive, _("Archived."))
