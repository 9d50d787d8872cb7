"""The search index of customers and contacts on SQLite: two FTS5 tables with the trigram
tokenizer, one row per customer (its own and all its contacts' details) and one per contact.

Without them SQLite reads every visible customer and contact for each search (a third of
a second for an administrator at 100,000 customers). A fragment of three characters or
more is a phrase, which the trigram tokenizer finds as an exact substring; a two-character
one is found by its character pairs (text.name_grams), each stored wrapped in spaces so
that ' 宏达 ' is a phrase too.

The text is stored lower-cased by SQLite's own lower(), which folds ASCII letters only, and
the tokenizer keeps case: a phrase then matches exactly what SQLite's LIKE matches, which
is what the search without the index asks. PostgreSQL has its own indexes (the trigrams and
pairs of migrations 0003 and 0008); there every function here does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from kehu.customers.text import phone_pattern, query_grams, search_key, searches_initials

CUSTOMERS = "customers_customer_search"
CONTACTS = "customers_contact_search"

_TOKENIZE = "tokenize='trigram case_sensitive 1'"
# A customer's row also keeps the ids of the contacts it indexed, so that a refresh finds
# the rows of contacts deleted or moved to another customer since.
CREATE = [
    f"CREATE VIRTUAL TABLE {CUSTOMERS} USING fts5("
    f"name, initials, pinyin, phone, email, pairs, contacts UNINDEXED, {_TOKENIZE})",
    f"CREATE VIRTUAL TABLE {CONTACTS} USING fts5("
    f"name, initials, pinyin, phone, email, pairs, {_TOKENIZE})",
]
DROP = [f"DROP TABLE IF EXISTS {CUSTOMERS}", f"DROP TABLE IF EXISTS {CONTACTS}"]

_LINES = "char(10)"


def _joined(own: str, of_contacts: str) -> str:
    """A customer's value and its contacts' (NULL without contacts), one a line."""
    return f"{own} || coalesce({_LINES} || group_concat({of_contacts}, {_LINES}), '')"


def _values(prefix: str) -> list[str]:
    return [
        f"lower({prefix}.name)",
        f"lower({prefix}.name_initials)",
        f"lower({prefix}.name_pinyin)",
        f"lower({prefix}.phone)",
        f"lower({prefix}.email)",
    ]


_COLUMNS = "rowid, name, initials, pinyin, phone, email, pairs"
# A customer's pairs hold its contacts' already; they are read from the contacts as well so
# that the row holds them even where the customer's were blanked (an erased customer's).
_INSERT_CUSTOMERS = (
    f"INSERT INTO {CUSTOMERS} ({_COLUMNS}, contacts) SELECT customer.id, "
    + ", ".join(
        _joined(own, of_contact)
        for own, of_contact in zip(_values("customer"), _values("contact"), strict=True)
    )
    + ", ' ' || customer.name_grams || ' ' || coalesce(group_concat(contact.name_grams, ' '), '')"
    " || ' ', group_concat(contact.id) "
    "FROM customers_customer customer "
    "LEFT JOIN customers_contact contact ON contact.customer_id = customer.id "
    "{where} GROUP BY customer.id"
)
_INSERT_CONTACTS = (
    f"INSERT INTO {CONTACTS} ({_COLUMNS}) SELECT contact.id, "
    + ", ".join(_values("contact"))
    + ", ' ' || contact.name_grams || ' ' FROM customers_contact contact {where}"
)
_IDS = "(SELECT value FROM json_each(%s))"


def in_use() -> bool:
    return connection.vendor == "sqlite"


def refresh(customer_ids: Iterable[int], *, new: bool = False) -> None:
    """Index the customers again as they are now, with their contacts; customers and
    contacts that are gone leave the index. Any number at once, in four statements; two
    for `new` customers, which the index cannot hold yet."""
    if not in_use():
        return
    ids = json.dumps(sorted(set(customer_ids)))
    with connection.cursor() as cursor:
        if not new:
            _forget(cursor, ids)
        cursor.execute(_INSERT_CUSTOMERS.format(where=f"WHERE customer.id IN {_IDS}"), [ids])
        cursor.execute(_INSERT_CONTACTS.format(where=f"WHERE contact.customer_id IN {_IDS}"), [ids])


def _forget(cursor: Any, ids: str) -> None:
    """Take the customers, and the contacts they indexed, out of the index."""
    cursor.execute(
        f"DELETE FROM {CONTACTS} WHERE rowid IN (SELECT contact.value FROM {CUSTOMERS}, "
        f"json_each('[' || coalesce({CUSTOMERS}.contacts, '') || ']') contact "
        f"WHERE {CUSTOMERS}.rowid IN {_IDS})",
        [ids],
    )
    cursor.execute(f"DELETE FROM {CUSTOMERS} WHERE rowid IN {_IDS}", [ids])


def rebuild() -> None:
    """Make the tables afresh and index every customer and contact: by the migration and
    after a raw load. New tables rather than emptied ones, and merged into one segment
    each, take half the space (segments of ~140 MB instead of ~310 MB at 100,000 customers)."""
    if not in_use():
        return
    with connection.cursor() as cursor:
        for statement in [*DROP, *CREATE]:
            cursor.execute(statement)
        cursor.execute(_INSERT_CUSTOMERS.format(where=""))
        cursor.execute(_INSERT_CONTACTS.format(where=""))
        for table in (CUSTOMERS, CONTACTS):
            cursor.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")


@dataclass(frozen=True)
class Found:
    """The rows of `table` the index finds for a query. When not `exact` they are a few
    more than the search's (see `lookup`), which the search's own condition then sifts."""

    rows: Q
    exact: bool


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


_TRIGRAM = 3


def _ascii_lower(text: str) -> str:
    """Lower-cased as SQLite's lower() and LIKE fold case: ASCII letters only."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def _folds_like_sqlite(text: str) -> bool:
    """Whether Python's lower() of `text`, which made the pairs, is SQLite's too."""
    return all(ch.isascii() or ch.lower() == ch.upper() for ch in text)


def _long_match(query: str) -> tuple[str, bool] | None:
    """The columns the search looks in for a query of three characters or more, each with
    its phrase (see selectors.text_condition), found exactly; None when a phrase is too
    short for the trigrams to find."""
    key = search_key(query)
    needles = [("name", _ascii_lower(query))]
    if searches_initials(key):
        needles.append(("initials", key))
        if len(key) >= _TRIGRAM:
            needles.append(("pinyin", key))
    phone = phone_pattern(query)
    if phone:
        needles.append(("phone", phone))
    if "@" in query or "." in query:
        needles.append(("email", _ascii_lower(query)))
    if any(len(needle) < _TRIGRAM for _column, needle in needles):
        return None
    return " OR ".join(f"{column} : {_phrase(needle)}" for column, needle in needles), True


def _pairs_match(query: str) -> tuple[str, bool] | None:
    """A two-character query by its pairs: they hold those of the names and initials, so
    what they find includes every customer or contact whose name or initials hold the
    query; exactly those, unless the initials add pairs of letters and digits the search
    does not look for, or Python lower-cases a character that SQLite's LIKE does not."""
    key = search_key(query)
    pairs = query_grams(query)
    initials_too = searches_initials(key)
    if (
        not pairs
        or any(ch.isspace() for ch in query)
        or "@" in query
        or "." in query
        or (initials_too and key != query.lower())
    ):
        return None
    ascii_alnum = query.isascii() and query.isalnum()
    exact = (initials_too or not ascii_alnum) and _folds_like_sqlite(query)
    return " AND ".join(f"pairs : {_phrase(f' {pair} ')}" for pair in pairs), exact


def lookup(table: str, query: str) -> Found | None:
    """The rows of `table` (CUSTOMERS or CONTACTS) matching a stripped `query`, from the
    index; None when the index is not in use or cannot answer (a single character)."""
    if not in_use() or "\n" in query or "\x00" in query:
        return None
    found = _long_match(query) if len(query) >= _TRIGRAM else None
    if len(query) == 2:
        found = _pairs_match(query)
    if found is None:
        return None
    match, exact = found
    rows = RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [match])
    return Found(Q(pk__in=rows), exact)
