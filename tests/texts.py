"""What Kehu says, as the tests expect it: a message in a language, whatever the state of the
translations when the tests run."""

from __future__ import annotations

from django.utils import translation


def t(message: str, language: str = "zh-hans") -> str:
    """`message` as Kehu shows it in `language`: what the page should say, however complete
    the translations are when the tests run."""
    with translation.override(language):
        return str(translation.gettext(message))


def tn(singular: str, plural: str, count: int, language: str = "zh-hans") -> str:
    """The plural-aware `t`: the form Kehu shows for `count` in `language`."""
    with translation.override(language):
        return str(translation.ngettext(singular, plural, count))
