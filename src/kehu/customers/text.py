"""Search keys for Chinese names: full pinyin and initials, so 张三 is found by zhangsan and zs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _join(parts: list[str]) -> str:
    return _NOT_ALNUM.sub("", "".join(parts).lower())


_NOT_HAN = "\x00"  # marks a run pypinyin left alone (Latin letters, digits, punctuation)


# pypinyin is imported where it is first used: loading its dictionaries takes ~0.16 s,
# which every `kehu` command would otherwise pay at start whether it reads a name or not.


@cache
def _segmenter() -> Callable[[str], list[str]]:
    """pypinyin's word splitter, imported once: an import statement in pinyin_keys cost 5 %
    of a name's keys."""
    from pypinyin.seg.simpleseg import seg

    return seg


@lru_cache(maxsize=100_000)
def _word_syllables(word: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(word, style=Style.NORMAL, errors=lambda run: _NOT_HAN + run))


@lru_cache(maxsize=100_000)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name; non-Chinese runs are kept whole in both.

    pypinyin reads a name word by word (重庆 is chong qing, not zhong qing); names share
    most of their words (places, trades, 有限公司), so each word is read once and
    remembered: a company name costs ~12 µs instead of ~85 µs, most of writing a customer.
    People's names repeat (the benchmark's file of a million contacts has 3,601 different
    ones), so whole names are remembered too.
    """
    syllables = [s for word in _segmenter()(name) for s in _word_syllables(word)]
    full = [s.removeprefix(_NOT_HAN) for s in syllables]
    initials = [s[1:] if s.startswith(_NOT_HAN) else s[:1] for s in syllables]
    return _join(full), _join(initials)


def _pairs(text: str) -> set[str]:
    return {
        text[i : i + 2]
        for i in range(len(text) - 1)
        if not (text[i].isspace() or text[i + 1].isspace())
    }


def name_grams(name: str, initials: str) -> str:
    """The distinct pairs of neighbouring characters of a name (lower-cased) and of its
    initials, space-separated. PostgreSQL's trigram indexes cannot find a two-character
    fragment (宏达, zw), which is how people most often look a company up; an index of these
    pairs can, and any longer fragment by all of its pairs at once."""
    return " ".join(sorted(_pairs(name.lower()) | _pairs(initials)))


def joined_grams(*grams: str) -> str:
    """The pairs of several names (each as name_grams gives them) as one set."""
    return " ".join(sorted({pair for text in grams for pair in text.split(" ") if pair}))


def query_grams(text: str) -> list[str]:
    """The pairs a name's grams must all hold for the name to contain `text`."""
    return sorted(_pairs(text.lower()))


def search_key(query: str) -> str:
    """The form of a typed query that is compared with the pinyin keys."""
    return _join([query])


def searches_initials(key: str) -> bool:
    """Whether a query whose search_key is `key` is looked for in initials (and pinyin)."""
    return bool(key) and key.isascii() and key.isalpha()


_DIGITS_FOR_PHONE_SEARCH = 3


def phone_pattern(query: str) -> str:
    """What a query that looks like part of a phone number is looked for in phones."""
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= _DIGITS_FOR_PHONE_SEARCH and len(digits) >= len(query.strip()) - 3:
        return digits.lstrip("0") or digits
    return ""


# Legal forms say nothing about which company it is. Chinese ones end the name directly;
# Latin ones must stand as words ("Costco" keeps its "co").
_LEGAL_SUFFIX = re.compile(
    r"(股份有限公司|有限责任公司|集团有限公司|有限公司|集团公司|集团|公司"
    r"|(?<![a-z])(company limited|co\.?,? ?ltd\.?|co\.?|ltd\.?|limited|inc\.?|corp\.?"
    r"|corporation|company|group))[\s.,]*$"
)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def company_key(name: str) -> str:
    """A company name with what does not tell companies apart removed: width, case, spacing,
    punctuation and legal-form suffixes (有限公司, Co., Ltd. …)."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name).lower()).strip(" .,")
    while True:
        shorter = _LEGAL_SUFFIX.sub("", text).strip(" .,")
        if shorter == text or not shorter:
            break
        text = shorter
    return _NOT_WORD.sub("", text)
