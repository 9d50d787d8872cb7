"""Finding customers that are the same company or person entered twice.

Two customers are duplicates when their normalised names match (legal-form suffixes,
width, case and spacing ignored), or their phones (E.164), or their e-mail addresses.
Lookups go through indexed columns and are batched, so an import checks thousands of rows
in one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from kehu.core.contact_details import phone_normalise
from kehu.core.models import User
from kehu.customers.models import Customer
from kehu.customers.text import company_key


@dataclass(frozen=True)
class DuplicateKeys:
    name_key: str
    phone: str
    email: str

    @classmethod
    def of(cls, *, name: str, phone: str = "", email: str = "") -> DuplicateKeys:
        """Keys of raw values; `phone` must already be in E.164 form."""
        return cls(company_key(name)[:200], phone, email.strip().lower())


def duplicate_ids(
    keys: Sequence[DuplicateKeys], *, customers: QuerySet[Customer] | None = None
) -> list[list[int]]:
    """For each set of keys, the ids of the existing customers it matches, in increasing
    order, in one query a kind of key for all. Only the keys are read: an import that skips
    duplicates needs no more, and making each candidate's record, with its owner, cost it
    6 % of its time (100,000 rows into a million customers: 32.4 s against 30.6)."""
    names = {k.name_key for k in keys if k.name_key}
    phones = {k.phone for k in keys if k.phone}
    emails = {k.email for k in keys if k.email}
    if not (names or phones or emails):
        return [[] for _ in keys]
    pool = customers if customers is not None else Customer.objects.all()
    # One query a kind of key, each answered from its index. Asked as one (`name_key IN (…)
    # OR phone IN (…) OR email IN (…)`) for an import batch's thousand rows, SQLite read
    # every customer (86 ms a batch at 100,000 customers, against 8), and PostgreSQL, asked
    # as an OR of three subqueries instead, read the million (300 ms against 40).
    by_key: dict[tuple[str, str], set[int]] = defaultdict(set)
    for field, values in (("name_key", names), ("phone", phones), ("email", emails)):
        if values:
            for pk, value in pool.filter(**{f"{field}__in": values}).values_list("pk", field):
                by_key[(field, value)].add(pk)
    found = []
    for k in keys:
        given = (("name_key", k.name_key), ("phone", k.phone), ("email", k.email))
        found.append(sorted({pk for key in given if key[1] for pk in by_key.get(key, ())}))
    return found


def find_duplicates(
    keys: Sequence[DuplicateKeys], *, customers: QuerySet[Customer] | None = None
) -> list[list[Customer]]:
    """For each set of keys, the existing customers it matches, in increasing id order."""
    ids = duplicate_ids(keys, customers=customers)
    wanted = {pk for found in ids for pk in found}
    pool = customers if customers is not None else Customer.objects.all()
    records = pool.select_related("owner").in_bulk(wanted) if wanted else {}
    # One deleted since the keys were read is no longer a duplicate.
    return [[records[pk] for pk in found if pk in records] for found in ids]


def customer_duplicates(customer: Customer) -> list[Customer]:
    """Other customers that look like this one."""
    keys = DuplicateKeys(customer.name_key, customer.phone, customer.email)
    return [c for c in find_duplicates([keys])[0] if c.pk != customer.pk]


def duplicates_of(*, name: str, phone: str = "", email: str = "") -> list[Customer]:
    """Existing customers a new one with these raw values would duplicate (a phone that is
    not a phone number matches nothing: the write itself will refuse it)."""
    try:
        phone = phone_normalise(phone)
    except ValidationError:
        phone = ""
    return find_duplicates([DuplicateKeys.of(name=name, phone=phone, email=email)])[0]


@dataclass(frozen=True)
class Candidate:
    """A possible duplicate as the asker may know it. One outside the asker's scope is only
    said to exist: its name and owner are another team's business."""

    id: int | None
    name: str | None
    owner: str | None

    @property
    def visible(self) -> bool:
        return self.id is not None


def candidates_as_seen(duplicates: Sequence[Customer], *, user: User | None) -> list[Candidate]:
    """The duplicates as `user` may know them; Kehu itself (no user) knows them all."""
    ids = [c.pk for c in duplicates]
    seen = (
        set(ids)
        if user is None
        else set(Customer.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))
    )
    return [
        # The pool's customers are open to everyone allowed to claim them.
        Candidate(c.pk, c.name, c.owner.display_name if c.owner else "")
        if c.pk in seen or c.owner_id is None
        else Candidate(None, None, None)
        for c in duplicates
    ]
