"""Kehu writes select options itself; the HTML must be what Django's own templates write."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kehu.core.models import User

pytestmark = pytest.mark.django_db


class Choices(forms.Form):
    one = forms.ChoiceField(
        choices=[
            ("", "All"),
            ("1", "<b>bold</b> & “quoted”"),
            ("2", mark_safe("<i>already safe</i>")),
            ("华东", [("3", "上海"), ("4", "杭州")]),
        ],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")])
    person = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), required=False)


def _without_layout(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize(
    "data",
    [{}, {"one": "3", "many": ["a", "c"]}, {"one": "1", "many": ["b"]}],
)
def test_selects_render_as_djangos_own_templates_do(data, make_user):
    make_user("wang.fang")
    make_user("li@lei")
    ours = Choices(data)
    django_own = Choices(data, renderer=DjangoTemplates())
    for name in ours.fields:
        attrs = {"class": "form-select", "data-note": 'a "b"'}
        assert _without_layout(str(ours[name].as_widget(attrs=attrs))) == _without_layout(
            str(django_own[name].as_widget(attrs=attrs))
        )


def test_a_selected_option_is_marked_and_text_is_escaped():
    html = str(Choices({"one": "4"})["one"].as_widget())
    assert '<optgroup label="华东"><option value="3">上海</option>' in html
    assert '<option value="4" selected>杭州</option></optgroup>' in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; “quoted”" in html
    assert "<i>already safe</i>" in html
