"""The knowledge base: an article drafted from a resolved ticket, reviewed by someone else
and published, is then offered as a similar case; the words of an erased customer's
tickets leave the search with them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kehu.core.models import User
from kehu.privacy.services import erasure_execute, erasure_request
from kehu.service import selectors, services
from kehu.service.models import ArticleStatus, Ticket
from kehu.service.services.knowledge import ArticleRefused
from tests.service.conftest import at

pytestmark = pytest.mark.django_db


def test_an_article_drafted_from_a_ticket_is_offered_once_published(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    li, wang = agents
    ticket = open_ticket(at(15, "09:00"), actor=li)
    services.ticket_resolve(actor=li, ticket=ticket, resolution="补发礼盒，外箱加护角。")
    article = services.article_from_ticket(actor=li, ticket=ticket)
    assert (article.status, article.source_ticket) == (ArticleStatus.DRAFT, ticket)
    assert article.solution == "补发礼盒，外箱加护角。"

    def offered() -> list[object]:
        return [c.article for c in selectors.similar_cases(user=wang, text="礼盒压坏了怎么办")]

    assert article not in offered()
    services.article_submit(actor=li, article=article)
    with pytest.raises(ArticleRefused):
        services.article_publish(actor=li, article=article)
    services.article_publish(actor=wang, article=article)
    assert article.reviewed_by == wang
    assert article in offered()
    services.article_archive(actor=wang, article=article)
    assert article not in offered()


def test_only_a_resolved_ticket_becomes_an_article(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    with pytest.raises(ArticleRefused):
        services.article_from_ticket(actor=agents[0], ticket=open_ticket(at(15, "09:00")))


def test_an_open_ticket_is_not_offered_until_it_is_resolved(
    open_ticket: Callable[..., Ticket], agents: list[User]
) -> None:
    ticket = open_ticket(at(15, "09:00"))

    def offered() -> list[object]:
        return [
            c.ticket for c in selectors.similar_cases(user=agents[0], text="月饼礼盒外包装压坏")
        ]

    assert ticket not in offered()
    services.ticket_resolve(actor=agents[0], ticket=ticket, resolution="补发。")
    assert ticket in offered()
    services.ticket_reject(actor=None, ticket=ticket, reason="没收到补发的货。")
    assert ticket not in offered()


def test_an_erased_customer_s_words_leave_the_similar_case_search(
    open_ticket: Callable[..., Ticket], agents: list[User], make_user: Callable[..., User]
) -> None:
    ticket = open_ticket(at(15, "09:00"), description="王建国先生的礼盒全部压坏了。")
    services.ticket_resolve(actor=agents[0], ticket=ticket, resolution="补发。")
    admin = make_user("boss", "admin")
    assert "王建国" in Ticket.objects.get(pk=ticket.pk).terms
    request = erasure_request(actor=admin, customer=ticket.customer)
    erasure_execute(actor=admin, request=request)
    assert "王建国" not in Ticket.objects.get(pk=ticket.pk).terms
    assert selectors.similar_cases(user=agents[0], text="王建国") == []
