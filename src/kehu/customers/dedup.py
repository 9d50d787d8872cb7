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

from django.db.models import Q, QuerySet

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


def find_duplicates(
    keys: Sequence[DuplicateKeys], *, customers: QuerySet[Customer] | None = None
) -> list[list[Customer]]:
    """For each set of keys, the existing customers it matches, in one query for all."""
    names = {k.name_key for k in keys if k.name_key}
    phones = {k.phone for k in keys if k.phone}
    emails = {k.email for k in keys if k.email}
    if not (names or phones or emails):
        return [[] for _ in keys]
    pool = customers if customers is not None else Customer.objects.all()
    candidates = (
        pool.filter(Q(name_key__in=names) | Q(phone__in=phones) | Q(email__in=emails))
        .select_related("owner")
        .order_by("pk")
    )
    # Index the candidates by each key, so a batch costs one lookup per row, not a scan.
    by_key: dict[tuple[str, str], list[Customer]] = defaultdict(list)
    for candidate in candidates:
        for field in ("name_key", "phone", "email"):
            value = getattr(candidate, field)
            if value:
                by_key[(field, value)].append(candidate)
    found = []
    for k in keys:
        matches = {
            c.pk: c
            for field, value in (("name_key", k.name_key), ("phone", k.phone), ("email", k.email))
            if value
            for c in by_key.get((field, value), [])
        }
        found.append(sorted(matches.values(), key=lambda c: c.pk))
    return found


def customer_duplicates(customer: Customer) -> list[Customer]:
    """Other customers that look like this one."""
    keys = DuplicateKeys(customer.name_key, customer.phone, customer.email)
    return [c for c in find_duplicates([keys])[0] if c.pk != customer.pk]
