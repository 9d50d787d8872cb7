"""Search keys for Chinese names: full pinyin and initials, so 张三 is found by zhangsan and zs."""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _join(parts: list[str]) -> str:
    return _NOT_ALNUM.sub("", "".join(parts).lower())


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name; non-Chinese runs are kept whole in both."""
    return (
        _join(lazy_pinyin(name, style=Style.NORMAL)),
        _join(lazy_pinyin(name, style=Style.FIRST_LETTER)),
    )


def search_key(query: str) -> str:
    """The form of a typed query that is compared with the pinyin keys."""
    return _join([query])
