"""Every write to customers and contacts: validated, scoped, versioned and recorded in history."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ForeignObjectRel, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kehu.core.exceptions import VersionConflict
from kehu.core.history import (
    ChangeAction,
    actor_or_none,
    change_record,
    change_records_bulk,
    creation_changes,
    deletion_changes,
    diff,
    record_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.core.models import Change, Department, User
from kehu.core.records import fields_assign, refused_fields
from kehu.core.scopes import visible_users
from kehu.customers.models import Activity, Contact, Customer, CustomerKind, Tag
from kehu.customers.text import joined_grams, name_grams

DEFAULT_POOL_DAYS = Department._meta.get_field("pool_after_days").default

CUSTOMER_FIELDS = [
    "name",
    "kind",
    "phone",
    "email",
    "province",
    "city",
    "district",
    "address",
    "industry",
    "business_mode",
    "source_channel",
    "dealer",
    "owner",
    "credit_rating",
    "credit_limit",
    "currency",
    "annual_revenue",
    "employee_count",
    "tax_id",
    "relationship_level",
    "lifecycle_stage",
    "notes",
]
CONTACT_FIELDS = ["name", "title", "phone", "email", "decision_role", "is_primary", "notes"]
_SEARCH_KEYS = ["name_pinyin", "name_initials", "name_grams"]
_CUSTOMER_WRITTEN = [*CUSTOMER_FIELDS, *_SEARCH_KEYS, "name_key", "owner_since"]


def _check_owner(*, actor: Any, owner: Any) -> None:
    """One may only hand a customer to someone whose customers one can see oneself.

    Kehu itself (no actor: imports from the command line, scheduled work) may assign anyone.
    """
    if actor is None or owner is None:
        return
    if not visible_users(actor).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": _("You cannot assign customers to %(user)s.") % {"user": owner}}
        )


def _check_dealer(*, actor: Any, customer: Customer) -> None:
    """An end customer's dealer is a customer of kind dealer that the actor may see."""
    from kehu.customers.selectors import customer_queryset

    dealer = customer.dealer
    if dealer is None:
        return
    if dealer.kind != CustomerKind.DEALER or dealer.pk == customer.pk:
        raise ValidationError({"dealer": _("%(name)s is not a dealer.") % {"name": dealer}})
    if actor is not None and not customer_queryset(user=actor).filter(pk=dealer.pk).exists():
        raise ValidationError({"dealer": _("You cannot see this dealer.")})


def _tags_from_names(names: Iterable[str]) -> list[Tag]:
    cleaned = sorted({n.strip() for n in names if n and n.strip()})
    for name in cleaned:
        if len(name) > Tag._meta.get_field("name").max_length:  # type: ignore[operator]
            raise ValidationError({"tags": _("Tag “%(name)s” is too long.") % {"name": name}})
    return [Tag.objects.get_or_create(name=name)[0] for name in cleaned]


@transaction.atomic
def customer_create(*, actor: Any, tags: Iterable[str] = (), **fields: Any) -> Customer:
    customer = Customer(created_by=actor_or_none(actor))
    fields.setdefault("owner", actor_or_none(actor))
    fields_assign(customer, fields, CUSTOMER_FIELDS, actor=actor)
    _check_owner(actor=actor, owner=customer.owner)
    _check_dealer(actor=actor, customer=customer)
    customer.full_clean()
    customer.owner_since = timezone.now() if customer.owner_id else None
    customer.save()
    customer.tags.set(_tags_from_names(tags))
    change_record(
        actor=actor,
        target=customer,
        action=ChangeAction.CREATE,
        changes=creation_changes(_customer_state(customer)),
        customer_id=customer.pk,
    )
    return customer


def _customer_state(customer: Customer) -> dict[str, Any]:
    return snapshot(customer, [*CUSTOMER_FIELDS, "tags"])


@transaction.atomic
def customer_update(
    *,
    actor: Any,
    customer: Customer,
    version: int,
    tags: Iterable[str] | None = None,
    **fields: Any,
) -> Customer:
    """Apply `fields` to a customer read at `version`; a stale version raises VersionConflict."""
    before = _customer_state(customer)
    previous_owner_id = customer.owner_id
    fields_assign(customer, fields, CUSTOMER_FIELDS, actor=actor)
    if customer.owner_id != previous_owner_id:
        _check_owner(actor=actor, owner=customer.owner)
        customer.owner_since = timezone.now() if customer.owner_id else None
    if "dealer" in fields:
        _check_dealer(actor=actor, customer=customer)
    customer.full_clean()
    _locked(customer.pk).values_list("pk").get()
    customer.name_grams = _search_pairs(customer.pk, customer.name, customer.name_initials)
    save_versioned(customer, expected_version=version, fields=_CUSTOMER_WRITTEN)
    if tags is not None:
        customer.tags.set(_tags_from_names(tags))
    record_update(
        actor=actor,
        target=customer,
        before=before,
        after=_customer_state(customer),
        customer_id=customer.pk,
    )
    return customer


@transaction.atomic
def customer_delete(*, actor: Any, customer: Customer) -> None:
    change_record(
        actor=actor,
        target=customer,
        action=ChangeAction.DELETE,
        changes=deletion_changes(_customer_state(customer)),
        customer_id=customer.pk,
    )
    customer.delete()


def _locked(customer_id: int) -> QuerySet[Customer]:
    """The customer's row, locked until the transaction ends. Its pairs are computed under
    this lock, by a customer's save and by a change to its contacts alike, so neither can
    overwrite the other's with pairs that miss its change."""
    return Customer.objects.select_for_update().filter(pk=customer_id)


def _search_pairs(customer_id: int, name: str, initials: str) -> str:
    """A customer is found by its contacts' names as well as its own, and a two-character
    search is answered from its pairs alone (see selectors.customer_search): they hold
    those of its name and initials and all of its contacts'. Read with the customer
    `_locked`."""
    contacts = Contact.objects.filter(customer_id=customer_id).values_list("name_grams", flat=True)
    return joined_grams(name_grams(name, initials), *contacts)


def _search_pairs_refresh(customer_id: int) -> None:
    """Store the customer's pairs after its contacts changed."""
    name, initials = _locked(customer_id).values_list("name", "name_initials").get()
    pairs = _search_pairs(customer_id, name, initials)
    Customer.objects.filter(pk=customer_id).update(name_grams=pairs)


def _contact_state(contact: Contact) -> dict[str, Any]:
    return snapshot(contact, CONTACT_FIELDS)


def _only_one_primary(contact: Contact) -> None:
    if contact.is_primary:
        Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)


@transaction.atomic
def contact_create(*, actor: Any, customer: Customer, **fields: Any) -> Contact:
    contact = Contact(customer=customer)
    fields_assign(contact, fields, CONTACT_FIELDS, actor=actor)
    contact.full_clean()
    contact.save()
    _only_one_primary(contact)
    _search_pairs_refresh(customer.pk)
    change_record(
        actor=actor,
        target=contact,
        action=ChangeAction.CREATE,
        changes=creation_changes(_contact_state(contact)),
        customer_id=customer.pk,
    )
    return contact


@transaction.atomic
def contact_update(*, actor: Any, contact: Contact, version: int, **fields: Any) -> Contact:
    before = _contact_state(contact)
    fields_assign(contact, fields, CONTACT_FIELDS, actor=actor)
    contact.full_clean()
    save_versioned(contact, expected_version=version, fields=[*CONTACT_FIELDS, *_SEARCH_KEYS])
    _only_one_primary(contact)
    if contact.name != before["name"]:
        _search_pairs_refresh(contact.customer_id)
    record_update(
        actor=actor,
        target=contact,
        before=before,
        after=_contact_state(contact),
        customer_id=contact.customer_id,
    )
    return contact


@transaction.atomic
def contact_delete(*, actor: Any, contact: Contact) -> None:
    change_record(
        actor=actor,
        target=contact,
        action=ChangeAction.DELETE,
        changes=deletion_changes(_contact_state(contact)),
        customer_id=contact.customer_id,
    )
    contact.delete()
    _search_pairs_refresh(contact.customer_id)


# Follow-ups -----------------------------------------------------------------------------


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    customer: Customer | None = None,
    lead: Any = None,
    kind: str,
    subject: str,
    at: datetime | None = None,
    notes: str = "",
) -> Activity:
    """Record a follow-up with a customer or a sales lead; a customer's also keeps it out of
    the pool for another while."""
    activity = Activity(
        customer=customer,
        lead=lead,
        kind=kind,
        subject=subject,
        at=at or timezone.now(),
        notes=notes,
        author=actor_or_none(actor),
    )
    activity.full_clean()
    activity.save()
    if customer is None:
        return activity
    Customer.objects.filter(pk=customer.pk).filter(
        Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=activity.at)
    ).update(last_activity_at=activity.at)
    return activity


# The customer pool (公海) and handover ----------------------------------------------------


def _owner_name(user: Any) -> str | None:
    return None if user is None else user.display_name


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason: it stays in the customer's history.")})
    return reason.strip()


@transaction.atomic
def customer_release(*, actor: Any, customer: Customer, reason: str) -> Customer:
    """Give a customer back to the pool, where anyone allowed may claim it."""
    reason = _require_reason(reason)
    if customer.owner_id is None:
        raise ValidationError({"owner": _("This customer is already in the pool.")})
    previous = customer.owner
    released = Customer.objects.filter(pk=customer.pk, owner_id=customer.owner_id).update(
        owner=None, released_at=timezone.now(), version=F("version") + 1
    )
    if not released:
        raise VersionConflict()
    customer.refresh_from_db()
    change_record(
        actor=actor,
        target=customer,
        action=ChangeAction.RELEASE,
        changes={"owner": [_owner_name(previous), None], "reason": [None, reason]},
        customer_id=customer.pk,
    )
    return customer


def _check_customer_limit(user: Any, adding: int) -> None:
    limit = user.role.customer_limit if user.role_id else None
    if limit is None:
        return
    owned = Customer.objects.filter(owner=user).count()
    if owned + adding > limit:
        raise ValidationError(
            {
                "owner": ngettext(
                    "%(user)s would own more than the role's limit of %(limit)d customer.",
                    "%(user)s would own more than the role's limit of %(limit)d customers.",
                    limit,
                )
                % {"user": user.display_name, "limit": limit}
            }
        )


@transaction.atomic
def customer_claim(*, actor: Any, customer_id: int) -> Customer:
    """Take a customer from the pool. First come, first served: a customer someone else
    claimed a moment earlier raises VersionConflict, and nobody owns it twice."""
    # Serialise one person's claims so two at once cannot both slip under the limit.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _check_customer_limit(actor, adding=1)
    now = timezone.now()
    claimed = Customer.objects.filter(pk=customer_id, owner__isnull=True).update(
        owner=actor, owner_since=now, released_at=None, version=F("version") + 1
    )
    if not claimed:
        raise VersionConflict(message=_("Someone else claimed this customer first."))
    customer = Customer.objects.get(pk=customer_id)
    change_record(
        actor=actor,
        target=customer,
        action=ChangeAction.CLAIM,
        changes={"owner": [None, _owner_name(actor)]},
        customer_id=customer.pk,
    )
    return customer


def _pool_deadline_condition(now: datetime, days: int) -> Q:
    """No follow-up, claim or creation within `days` of `now`."""
    cutoff = now - timedelta(days=days)
    last_touch = Coalesce("last_activity_at", "owner_since", "created_at")
    return Q(
        pk__in=Customer.objects.alias(last_touch=last_touch)
        .filter(last_touch__lt=cutoff)
        .values("pk")
    )


@transaction.atomic
def pool_sweep(*, now: datetime | None = None) -> int:
    """Return to the pool every owned customer nobody followed up within their owner's
    department's limit (30 days where no department says otherwise)."""
    now = now or timezone.now()
    released = 0
    departments = Department.objects.values_list("pk", "pool_after_days")
    groups: list[tuple[Q, int]] = [(Q(owner__department_id=pk), days) for pk, days in departments]
    groups.append((Q(owner__department__isnull=True), DEFAULT_POOL_DAYS))
    for owners, days in groups:
        # The last touch is the latest follow-up, else the claim, else the creation.
        stale = list(
            Customer.objects.alias(
                last_touch=Coalesce("last_activity_at", "owner_since", "created_at")
            )
            .filter(owners, owner__isnull=False, last_touch__lt=now - timedelta(days=days))
            .select_related("owner")
        )
        if not stale:
            continue
        Customer.objects.filter(pk__in=[c.pk for c in stale]).update(
            owner=None, released_at=now, version=F("version") + 1
        )
        reason = _("No follow-up for %(days)d days") % {"days": days}
        change_records_bulk(
            actor=None,
            action=ChangeAction.RELEASE,
            entries=[
                (c, {"owner": [_owner_name(c.owner), None], "reason": [None, reason]}, c.pk)
                for c in stale
            ],
        )
        released += len(stale)
    return released


@transaction.atomic
def customers_transfer(
    *,
    actor: Any,
    to_user: Any,
    reason: str,
    ids: Iterable[int] | None = None,
    from_user: Any = None,
) -> int:
    """Hand customers over to `to_user`: the listed ones, or all of `from_user`'s."""
    from kehu.customers.selectors import customer_queryset

    reason = _require_reason(reason)
    if ids is None and from_user is None:
        raise ValidationError({"ids": _("Name the customers, or the user whose customers move.")})
    _check_owner(actor=actor, owner=to_user)
    customers = customer_queryset(user=actor).select_related("owner")
    customers = customers.filter(owner=from_user) if ids is None else customers.filter(pk__in=ids)
    moving = [c for c in customers.select_for_update(of=("self",)) if c.owner_id != to_user.pk]
    _check_customer_limit(to_user, adding=len(moving))
    now = timezone.now()
    Customer.objects.filter(pk__in=[c.pk for c in moving]).update(
        owner=to_user, owner_since=now, released_at=None, version=F("version") + 1
    )
    change_records_bulk(
        actor=actor,
        action=ChangeAction.TRANSFER,
        entries=[
            (
                c,
                {"owner": [_owner_name(c.owner), _owner_name(to_user)], "reason": [None, reason]},
                c.pk,
            )
            for c in moving
        ],
    )
    return len(moving)


# Duplicates ----------------------------------------------------------------------------

_MERGE_FILLS = [f for f in CUSTOMER_FIELDS if f not in {"name", "kind", "owner", "currency"}]


def _move_references(other: Customer, survivor: Customer) -> None:
    """Point whatever refers to `other` at `survivor`: follow-ups, and the records of the apps
    built on customers (orders, quotes, opportunities, leads, a dealer's end customers, …),
    which this app does not know by name."""
    if survivor.dealer_id == other.pk:
        # An end customer merged with its own dealer cannot become its own dealer.
        Customer.objects.filter(pk=survivor.pk).update(dealer=None)
    for relation in Customer._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue
        model: Any = relation.related_model
        if model._meta.auto_created:
            continue  # the tags' table: added above
        field = relation.field.name
        if relation.one_to_one and model._base_manager.filter(**{field: survivor}).exists():
            continue  # the survivor keeps its own; the other's goes with the other
        model._base_manager.filter(**{field: other}).update(**{field: survivor})


@transaction.atomic
def customer_merge(*, actor: Any, survivor: Customer, other: Customer) -> Customer:
    """Fold `other` into `survivor`: contacts, follow-ups, tags, history and every record of
    other apps that refers to it move over, blank fields of the survivor take the other's
    values, and the other customer is removed."""
    if survivor.pk == other.pk:
        raise ValidationError({"other_id": _("A customer cannot be merged with itself.")})
    before = _customer_state(survivor)
    fills = {
        name: getattr(other, name)
        for name in _MERGE_FILLS
        if getattr(survivor, name) in ("", None) and getattr(other, name) not in ("", None)
    }
    # Credit terms the actor may not set stay the survivor's own.
    for name in refused_fields(actor=actor, model=Customer, values=fills, current=survivor):
        del fills[name]
    for name, value in fills.items():
        setattr(survivor, name, value)
    survivor.last_activity_at = max(
        (t for t in (survivor.last_activity_at, other.last_activity_at) if t), default=None
    )
    survivor.full_clean()
    save_versioned(
        survivor,
        expected_version=survivor.version,
        fields=[*_CUSTOMER_WRITTEN, "last_activity_at"],
    )
    Contact.objects.filter(customer=other).update(customer=survivor, is_primary=False)
    _search_pairs_refresh(survivor.pk)
    survivor.tags.add(*other.tags.all())
    Change.objects.filter(customer_id=other.pk).update(customer_id=survivor.pk)
    _move_references(other, survivor)
    changes = diff(before, _customer_state(survivor))
    changes["merged_from"] = [None, f"{other.name} (#{other.pk})"]
    change_record(
        actor=actor,
        target=survivor,
        action=ChangeAction.MERGE,
        changes=changes,
        customer_id=survivor.pk,
    )
    other.delete()
    return survivor
