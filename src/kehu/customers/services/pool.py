"""The customer pool (公海) and handover: giving a customer back, claiming one, the sweep
that returns the forgotten ones, and handing customers to a colleague."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kehu.core.exceptions import VersionConflict
from kehu.core.history import change_record, change_records_bulk, coded
from kehu.core.models import Department, User
from kehu.core.records import FieldsRefused, check_assignable
from kehu.core.scopes import ScopedQuerySet
from kehu.customers.models import NO_FOLLOW_UP, Customer, PoolAction
from kehu.customers.selectors import owned_count

DEFAULT_POOL_DAYS = Department._meta.get_field("pool_after_days").default


def _owner_name(user: User | None) -> str | None:
    return None if user is None else user.display_name


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason: it stays in the customer's history.")})
    return reason.strip()


@transaction.atomic
def customer_release(*, actor: User | None, customer: Customer, reason: str) -> Customer:
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
        action=PoolAction.RELEASE,
        changes={"owner": [_owner_name(previous), None], "reason": [None, reason]},
        customer_id=customer.pk,
    )
    return customer


def _check_customer_limit(user: User, adding: int) -> None:
    limit = user.role.customer_limit if user.role_id and user.role else None
    if limit is None:
        return
    if owned_count(user=user) + adding > limit:
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
def customer_claim(*, actor: User, customer_id: int) -> Customer:
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
        action=PoolAction.CLAIM,
        changes={"owner": [None, _owner_name(actor)]},
        customer_id=customer.pk,
    )
    return customer


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
        reason = coded(NO_FOLLOW_UP, days=days)
        change_records_bulk(
            actor=None,
            action=PoolAction.RELEASE,
            entries=[
                (c, {"owner": [_owner_name(c.owner), None], "reason": [None, reason]}, c.pk)
                for c in stale
            ],
        )
        released += len(stale)
    return released


def _check_all_visible(actor: User, customers: ScopedQuerySet, ids: list[int] | None) -> None:
    """A handover names only customers the actor may see: naming others' (or ones that do
    not exist, which must read the same) is refused rather than quietly moving none."""
    asked = set(customers.values_list("pk", flat=True)) if ids is None else set(ids)
    if asked - set(customers.visible_to(actor).values_list("pk", flat=True)):
        field = "from_user" if ids is None else "ids"
        raise FieldsRefused({field: _("You may hand over only customers you can see.")})


@transaction.atomic
def customers_transfer(
    *,
    actor: User | None,
    to_user: User,
    reason: str,
    ids: Iterable[int] | None = None,
    from_user: User | None = None,
) -> int:
    """Hand customers over to `to_user`: the listed ones, or all of `from_user`'s."""
    reason = _require_reason(reason)
    if ids is None and from_user is None:
        raise ValidationError({"ids": _("Name the customers, or the user whose customers move.")})
    check_assignable(actor=actor, owner=to_user)
    ids = None if ids is None else list(ids)
    customers = Customer.objects.select_related("owner")
    customers = customers.filter(owner=from_user) if ids is None else customers.filter(pk__in=ids)
    customers = customers.select_for_update(of=("self",))
    if actor is not None:
        _check_all_visible(actor, customers, ids)
    moving = [c for c in customers if c.owner_id != to_user.pk]
    _check_customer_limit(to_user, adding=len(moving))
    now = timezone.now()
    Customer.objects.filter(pk__in=[c.pk for c in moving]).update(
        owner=to_user, owner_since=now, released_at=None, version=F("version") + 1
    )
    change_records_bulk(
        actor=actor,
        action=PoolAction.TRANSFER,
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
