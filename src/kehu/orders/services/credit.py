"""Credit: an order's customer's position against its credit limit, and the approvals that
let an order over the limit be confirmed."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.exceptions import VersionConflict
from kehu.core.history import ChangeAction, actor_or_none, change_record
from kehu.core.models import User
from kehu.customers.models import CHANGE_CREDIT
from kehu.orders.exceptions import CreditCheck
from kehu.orders.models import ApprovalStatus, CreditApproval, CreditPolicy, Order
from kehu.orders.selectors import open_amount
from kehu.orders.selectors.paying import credit_policy
from kehu.orders.services._common import APPROVE_CREDIT, require_permission


def open_receivables(customer_id: int) -> Decimal:
    return open_amount(Order.objects.filter(customer_id=customer_id))


def credit_check(*, order: Order) -> CreditCheck:
    customer = order.customer
    return CreditCheck(
        customer=customer.name,
        currency=customer.currency,
        credit_limit=customer.credit_limit,
        open_receivables=open_receivables(customer.pk),
        amount=order.total,
        unlimited_need_approval=credit_policy().unlimited_need_approval,
    )


@transaction.atomic
def credit_policy_set(*, actor: User | None, unlimited_need_approval: bool) -> CreditPolicy:
    """Finance's choice for customers with no credit limit: check none, or approve each order."""
    require_permission(
        actor, CHANGE_CREDIT, _("Only finance may change the company's credit policy.")
    )
    policy = CreditPolicy.objects.select_for_update().filter(pk=1).first() or CreditPolicy(pk=1)
    before = policy.unlimited_need_approval
    policy.unlimited_need_approval = unlimited_need_approval
    policy.save()
    if before != unlimited_need_approval:
        change_record(
            actor=actor,
            target=policy,
            action=ChangeAction.UPDATE,
            changes={"unlimited_need_approval": [before, unlimited_need_approval]},
            customer_id=None,
        )
    return policy


def approved_for(order: Order) -> bool:
    """Whether finance approved the order for at least what it costs now."""
    return order.credit_approvals.filter(
        status=ApprovalStatus.APPROVED, amount__gte=order.total
    ).exists()


@transaction.atomic
def credit_approval_request(*, actor: User | None, order: Order, reason: str) -> CreditApproval:
    """Ask finance to let a draft order over the credit limit be confirmed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this order should be allowed.")})
    current = Order.objects.select_for_update().select_related("customer").get(pk=order.pk)
    if not current.is_draft:
        raise ValidationError({"order": _("Only a draft order needs a credit approval.")})
    check = credit_check(order=current)
    if check.within_limit:
        raise ValidationError(
            {"order": _("This order is within the credit limit: no approval is needed.")}
        )
    if current.credit_approvals.filter(status=ApprovalStatus.PENDING).exists():
        raise ValidationError({"order": _("An approval for this order is already pending.")})
    approval = CreditApproval.objects.create(
        order=current,
        amount=check.amount,
        open_receivables=check.open_receivables,
        credit_limit=check.credit_limit,
        reason=reason,
        requested_by=actor_or_none(actor),
    )
    change_record(
        actor=actor,
        target=current,
        action=ChangeAction.UPDATE,
        changes={"credit_approval": [None, ApprovalStatus.PENDING.value], "reason": [None, reason]},
        customer_id=current.customer_id,
    )
    return approval


@transaction.atomic
def credit_approval_decide(
    *, actor: User | None, approval: CreditApproval, approve: bool, note: str = ""
) -> CreditApproval:
    """Finance approves or rejects a pending request; a rejection says why."""
    require_permission(actor, APPROVE_CREDIT, _("Only finance may decide on credit approvals."))
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"decision_note": _("Say why the request is rejected.")})
    status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    pending = CreditApproval.objects.filter(pk=approval.pk, status=ApprovalStatus.PENDING)
    decided = pending.update(
        status=status,
        decided_by=actor_or_none(actor),
        decided_at=timezone.now(),
        decision_note=note,
    )
    if not decided:
        raise VersionConflict(message=_("This request has already been decided."))
    approval.refresh_from_db()
    change_record(
        actor=actor,
        target=approval.order,
        action=ChangeAction.UPDATE,
        changes={
            "credit_approval": [ApprovalStatus.PENDING.value, status.value],
            **({"reason": [None, note]} if note else {}),
        },
        customer_id=approval.order.customer_id,
    )
    return approval
