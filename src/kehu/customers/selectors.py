"""Reads of customers and contacts. Every one of them is limited to the user's data scope."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.lookups import IContains

from kehu.core.lookups import AnyOf
from kehu.core.models import Change, DataScope, User
from kehu.core.scopes import user_scope
from kehu.customers import search_index
from kehu.customers.models import Activity, Contact, Customer, CustomerKind
from kehu.customers.text import phone_pattern, query_grams, search_key, searches_initials

# pg_trgm finds a fragment in its index only from three characters on (see migration 0003).
_TRIGRAM = 3


def customer_queryset(*, user: User) -> QuerySet[Customer]:
    """The customers `user` may see, and nothing else."""
    return Customer.objects.visible_to(user)


class HoldsText(IContains):
    """Case-insensitive "contains" that PostgreSQL can weigh: ILIKE on the column itself.

    `icontains` compares UPPER() of the column, an expression the planner has no statistics
    for; it then guesses every search rare and sorts all matches even when there are tens
    of thousands, instead of walking the newest customers until a page is full. A text
    without cased letters (宏达) is held the same with case or without, and plain LIKE
    finds it at a fraction of the cost.
    """

    lookup_name = "holds_text"

    def get_rhs_op(self, connection: Any, rhs: str) -> str:
        if connection.vendor != "postgresql":
            return str(connection.operators["icontains"] % rhs)
        uncased = isinstance(self.rhs, str) and self.rhs.lower() == self.rhs.upper()
        return f"{'LIKE' if uncased else 'ILIKE'} {rhs}"


def _pairs_decide(query: str) -> bool:
    """Whether the pair index alone answers "name or initials hold `query`": a name holds a
    two-character text exactly when its pairs include it. Initials add pairs of ASCII
    letters and digits, which only a query that also searches initials may match."""
    ascii_alnum = query.isascii() and query.isalnum()
    return len(query) == 2 and (searches_initials(search_key(query)) or not ascii_alnum)


def text_condition(query: str, *, indexed: bool = False) -> Q:
    """Name, pinyin, initials, phone or e-mail of a customer or contact matching `query`.

    With `indexed` (PostgreSQL), the name and initials are first narrowed by their
    character-pair index, which the substring test then confirms (a two-character
    fragment needs no confirming).
    """
    key = search_key(query)
    by_name = Q(HoldsText(F("name"), query))
    initials_too = searches_initials(key)
    if indexed and _pairs_decide(query):
        condition = Q(name_grams__contain_all=query_grams(query))
    else:
        if indexed:
            by_name &= Q(name_grams__contain_all=query_grams(query))
        condition = by_name
        if initials_too:
            by_initials = Q(name_initials__contains=key)
            if indexed:
                by_initials &= Q(name_grams__contain_all=query_grams(key))
            condition |= by_initials
    if initials_too and len(key) >= _TRIGRAM:
        condition |= Q(name_pinyin__contains=key)
    phone = phone_pattern(query)
    if phone:
        condition |= Q(phone__contains=phone)
    if "@" in query or "." in query:
        condition |= Q(email__icontains=query)
    return condition


def _indexed(query: str) -> bool:
    """Whether an index serves every pattern of text_condition(query): on PostgreSQL, the
    pair index the name and initials (two characters or more), the trigram indexes the
    pinyin, phone and e-mail (three or more)."""
    key = search_key(query)
    phone = phone_pattern(query)
    return (
        connection.vendor == "postgresql"
        and bool(query_grams(query))
        and not (key.isascii() and key.isalpha() and not query_grams(key))
        and not (phone and len(phone) < _TRIGRAM)
        and (len(query) >= _TRIGRAM or not ("@" in query or "." in query))
    )


def _index_serves(query: str, *, few: bool) -> bool:
    """Whether to gather the matches of `query` from the indexes rather than read the rows.

    `few` says the rows are a few thousand at most (one person's): for a two-character
    fragment, reading them one by one costs less than gathering the matches of the whole
    company from the pair index, as common pairs (zw) match tens of thousands.
    """
    return _indexed(query) and not (few and len(query) < _TRIGRAM)


def _sees_few(user: User) -> bool:
    """Whether `user` sees only their own records: few enough for `_index_serves`."""
    return user_scope(user) == DataScope.OWN


def customer_search(
    customers: QuerySet[Customer], query: str, *, few: bool = False
) -> QuerySet[Customer]:
    """Customers whose own details, or one of whose contacts', match the query; `few` as
    for `_index_serves`. Where the pair index does not decide alone, the matching contacts
    are read at once."""
    query = query.strip()
    if not query:
        return customers
    found = _indexed_customers(query)
    if found is not None:
        return customers.filter(found)
    if not _indexed(query):
        # One character: checked row by row, so the first page stops early when matches
        # are common, as one-character matches are.
        return customers.filter(_own_or_contacts(text_condition(query)))
    if _pairs_decide(query):
        # Two characters, the commonest search (宏达, zw): a customer's pairs hold its
        # contacts' too (services._search_pairs), so they alone answer for both.
        return customers.filter(text_condition(query, indexed=True))
    # The customers of matching contacts are named to the database as a list when they are
    # few (as they mostly are), so it can weigh the whole condition and answer it from the
    # indexes: a rare fragment finds its few customers without reading the million others,
    # a common one walks the newest customers until a page is full.
    condition = text_condition(query, indexed=_index_serves(query, few=few))
    by_contact = _customers_of_contacts(text_condition(query, indexed=True))
    return customers.filter(condition if by_contact is None else condition | by_contact)


def _own_or_contacts(condition: Q) -> Q:
    """Customers matching `condition` themselves or by one of their contacts."""
    return condition | Q(Exists(Contact.objects.filter(condition, customer=OuterRef("pk"))))


def _indexed_customers(query: str) -> Q | None:
    """Customers matching `query` by their own details or a contact's, found through the
    SQLite search index; None where it is not in use or cannot answer."""
    found = search_index.lookup(search_index.CUSTOMERS, query)
    if found is None or found.exact:
        return None if found is None else found.rows
    return found.rows & _own_or_contacts(text_condition(query))


# Up to this many customers of matching contacts are named to the database one by one.
_LISTED_CUSTOMERS = 10_000


def _customers_of_contacts(condition: Q) -> Q | None:
    """Customers with a contact matching `condition`: by their ids when there are up to
    _LISTED_CUSTOMERS of them, else by a subquery; None when there are none. The customers'
    own query applies the data scope; joining it here would cost more than the ids it
    leaves out."""
    ids = Contact.objects.filter(condition).order_by().values_list("customer_id", flat=True)
    listed = list(ids.distinct()[: _LISTED_CUSTOMERS + 1])
    if not listed:
        return None
    return Q(AnyOf(F("pk"), listed)) if len(listed) <= _LISTED_CUSTOMERS else Q(pk__in=ids)


def customer_matches(*, user: User, query: str, limit: int, kind: str = "") -> list[Customer]:
    """Up to `limit` visible customers matching `query` (of one `kind`, if given), by name:
    what a picker offers while the user types.

    A picker wants a few matches, neither all of them nor their count. Customers matching
    by their own details are taken as the database comes upon them, which stops early
    however common the fragment; customers of matching contacts only fill what is left.
    """
    customers = customer_queryset(user=user)
    if kind:
        customers = customers.filter(kind=kind)
    query = query.strip()
    if not query:
        return list(customers.order_by("name", "pk")[:limit])
    in_index = _indexed_customers(query)
    by_contact: Q | None
    if in_index is not None:
        # The index's row of a customer holds its contacts' details too.
        own, by_contact = in_index & text_condition(query), in_index
    else:
        indexed = _index_serves(query, few=_sees_few(user))
        own = text_condition(query, indexed=indexed)
        # Where the pairs decide, they are the contacts' too and nothing is left to fill.
        pairs_decide = indexed and _pairs_decide(query)
        contacts = Contact.objects.filter(own).values("customer_id")
        by_contact = None if pairs_decide else Q(pk__in=contacts)
    found = list(customers.filter(own).order_by()[:limit])
    if len(found) < limit and by_contact is not None:
        others = customers.filter(by_contact).exclude(pk__in=[c.pk for c in found])
        found += others.order_by()[: limit - len(found)]
    return sorted(found, key=lambda customer: (customer.name, customer.pk))


def customer_list(
    *, user: User, search: str = "", filters: dict[str, Any] | None = None
) -> QuerySet[Customer]:
    customers = customer_search(customer_queryset(user=user), search, few=_sees_few(user))
    if filters:
        customers = customers.filter(**{k: v for k, v in filters.items() if v not in ("", None)})
    return customers.select_related("owner")


_TAG_LIST = "tag_list"


def with_tags(customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """`customers` with their tags read in one query, for `tag_names`.

    Prefetched as a plain list: Django's own prefetch builds a related manager and a
    queryset for each customer, which made reading a page of 50 cost 3.2–3.7 ms more
    instead of 1.2–1.9.
    """
    return customers.prefetch_related(Prefetch("tags", to_attr=_TAG_LIST))


def tag_names(customer: Customer) -> list[str]:
    """The names of the customer's tags: as `with_tags` read them, else from the database."""
    tags = getattr(customer, _TAG_LIST, None)
    return [tag.name for tag in (customer.tags.all() if tags is None else tags)]


def owned_count(*, user: User) -> int:
    """How many customers `user` owns, for the role's limit on them."""
    return Customer.objects.filter(owner=user).count()


def dealers(*, user: User | None = None) -> QuerySet[Customer]:
    """Customers of kind dealer (a relation to one is limited to those the user may see)."""
    return Customer.objects.filter(kind=CustomerKind.DEALER)


def pool_queryset(*, user: User | None = None) -> QuerySet[Customer]:
    """Customers nobody owns: open to everyone allowed to claim, whatever their scope."""
    return Customer.objects.filter(owner__isnull=True)


def activity_queryset(*, user: User) -> QuerySet[Activity]:
    """Follow-ups with the customers `user` may see; those about a record without a customer
    (an unconverted lead) are its app's to show."""
    activities = Activity.objects.filter(customer__isnull=False).select_related(
        "customer", "author"
    )
    return activities.visible_to(user)


def activities_about(*, record: models.Model) -> QuerySet[Activity]:
    """The follow-ups about another app's record (a lead), newest first."""
    return Activity.objects.filter(
        regarding_type=ContentType.objects.get_for_model(record), regarding_id=record.pk
    ).select_related("author")


def duplicate_groups(*, user: User, limit: int = 50) -> list[list[Customer]]:
    """Groups of visible customers that share a normalised name, a phone or an e-mail."""
    visible = customer_queryset(user=user)
    groups: list[list[Customer]] = []
    seen: set[int] = set()
    for field in ("name_key", "phone", "email"):
        shared = (
            visible.exclude(**{field: ""})
            .values(field)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .order_by("-n", field)
            .values_list(field, flat=True)[:limit]
        )
        for value in shared:
            members = [
                c
                for c in visible.filter(**{field: value}).select_related("owner").order_by("pk")
                if c.pk not in seen
            ]
            if len(members) > 1:
                groups.append(members)
                seen.update(c.pk for c in members)
    return groups[:limit]


def contact_queryset(*, user: User) -> QuerySet[Contact]:
    return Contact.objects.select_related("customer").visible_to(user)


def contact_list(*, user: User, search: str = "") -> QuerySet[Contact]:
    """The contacts of the customers `user` may see whose name, pinyin, initials, phone or
    e-mail match `search`."""
    contacts = contact_queryset(user=user)
    query = search.strip()
    if not query:
        return contacts
    found = search_index.lookup(search_index.CONTACTS, query)
    if found is not None:
        return contacts.filter(found.rows if found.exact else found.rows & text_condition(query))
    return contacts.filter(text_condition(query, indexed=_index_serves(query, few=_sees_few(user))))


def customer_history(*, customer: Customer) -> QuerySet[Change]:
    """The customer's changes and those of its contacts, newest first."""
    return Change.objects.filter(customer_id=customer.pk).select_related("actor", "target_type")
