"""The knowledge article form."""

from __future__ import annotations

from typing import Any

from django import forms

from kehu.core.forms import RecordForm
from kehu.core.models import User
from kehu.orders import selectors as order_selectors
from kehu.service.models import Article
from kehu.service.services.knowledge import ARTICLE_FIELDS


class ArticleForm(RecordForm):
    layout = (
        ((None, (("title", "col-12"), ("problem", "col-12"), ("cause", "col-12"))),),
        (
            (
                None,
                (
                    ("solution", "col-12"),
                    ("product", "col-md-6"),
                    ("audience", "col-md-6"),
                    ("tags", "col-12"),
                ),
            ),
        ),
    )

    class Meta:
        model = Article
        fields = ARTICLE_FIELDS
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "solution": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        product: Any = self.fields["product"]
        product.queryset = order_selectors.product_list(active_only=True)
