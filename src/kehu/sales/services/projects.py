"""Writes to project-type deals: the evaluation (立项) with its go/no-go decision, the
decision-maker map, milestones and documents. Each is in the customer's history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.history import (
    ChangeAction,
    actor_or_none,
    change_record,
    creation_changes,
    record_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.customers.models import BusinessMode, Contact
from kehu.sales.models import (
    Decision,
    DecisionMaker,
    Milestone,
    Opportunity,
    OpportunityDocument,
    ProjectEvaluation,
)
from kehu.sales.services._common import assign_fields

EVALUATION_FIELDS = ["budget", "currency", "decision_process", "competitors", "decision", "notes"]
# Larger files belong in a document system; this keeps the media volume and backups sane.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def _record(actor: Any, target: Any, opportunity: Opportunity, changes: dict[str, Any]) -> None:
    change_record(
        actor=actor,
        target=target,
        action=ChangeAction.CREATE,
        changes=changes,
        customer_id=opportunity.customer_id,
    )


@transaction.atomic
def evaluation_save(
    *, actor: Any, opportunity: Opportunity, version: int | None = None, **fields: Any
) -> ProjectEvaluation:
    """Create or change the evaluation of a project-type opportunity. Deciding go or no-go
    records who decided and when; a stale `version` raises VersionConflict."""
    if opportunity.business_mode != BusinessMode.PROJECT:
        raise ValidationError(
            {"decision": _("Only project-type opportunities are evaluated before committing.")}
        )
    evaluation = ProjectEvaluation.objects.filter(opportunity=opportunity).first()
    creating = evaluation is None
    evaluation = evaluation or ProjectEvaluation(opportunity=opportunity)
    before = snapshot(evaluation, EVALUATION_FIELDS) if not creating else {}
    previous = evaluation.decision
    assign_fields(evaluation, fields, EVALUATION_FIELDS)
    if evaluation.decision != previous or creating:
        decided = evaluation.decision != Decision.PENDING
        evaluation.decided_by = actor_or_none(actor) if decided else None
        evaluation.decided_at = timezone.now() if decided else None
    evaluation.full_clean()
    if creating:
        evaluation.save()
        _record(
            actor,
            evaluation,
            opportunity,
            creation_changes(snapshot(evaluation, EVALUATION_FIELDS)),
        )
        return evaluation
    save_versioned(
        evaluation,
        expected_version=version or 0,
        fields=[*EVALUATION_FIELDS, "decided_by", "decided_at"],
    )
    record_update(
        actor=actor,
        target=evaluation,
        before=before,
        after=snapshot(evaluation, EVALUATION_FIELDS),
        customer_id=opportunity.customer_id,
    )
    return evaluation


@transaction.atomic
def decision_maker_save(
    *,
    actor: Any,
    opportunity: Opportunity,
    contact: Contact,
    role: str = "",
    attitude: str = "neutral",
    notes: str = "",
) -> DecisionMaker:
    """Put a contact of the opportunity's customer on its decision-maker map, or update
    their role and attitude there."""
    if contact.customer_id != opportunity.customer_id:
        raise ValidationError({"contact": _("Choose a contact of this opportunity's customer.")})
    entry = DecisionMaker.objects.filter(opportunity=opportunity, contact=contact).first()
    entry = entry or DecisionMaker(opportunity=opportunity, contact=contact)
    before = snapshot(entry, ["role", "attitude", "notes"]) if entry.pk else {}
    entry.role, entry.attitude, entry.notes = role, attitude, notes.strip()
    entry.full_clean()
    entry.save()
    record_update(
        actor=actor,
        target=entry,
        before=before,
        after=snapshot(entry, ["contact", "role", "attitude", "notes"]),
        customer_id=opportunity.customer_id,
    )
    return entry


@transaction.atomic
def milestone_add(*, actor: Any, opportunity: Opportunity, name: str, due_date: Any) -> Milestone:
    milestone = Milestone(opportunity=opportunity, name=name.strip(), due_date=due_date)
    milestone.full_clean()
    milestone.save()
    _record(
        actor, milestone, opportunity, creation_changes(snapshot(milestone, ["name", "due_date"]))
    )
    return milestone


@transaction.atomic
def milestone_set_done(*, actor: Any, milestone: Milestone, done: bool) -> Milestone:
    before = snapshot(milestone, ["done"])
    milestone.done = done
    milestone.done_on = timezone.localdate() if done else None
    milestone.save(update_fields=["done", "done_on"])
    record_update(
        actor=actor,
        target=milestone,
        before=before,
        after=snapshot(milestone, ["done"]),
        customer_id=milestone.opportunity.customer_id,
    )
    return milestone


@transaction.atomic
def document_add(
    *, actor: Any, opportunity: Opportunity, file: UploadedFile
) -> OpportunityDocument:
    """Keep a file with the opportunity; files over the size limit are refused."""
    size = file.size or 0
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is %(size)s; the limit is %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(MAX_DOCUMENT_BYTES)}
            }
        )
    name = (file.name or "document").rsplit("/", 1)[-1][:255]
    document = OpportunityDocument(
        opportunity=opportunity, name=name, size=size, uploaded_by=actor_or_none(actor)
    )
    document.file.save(name, file, save=False)
    document.save()
    _record(actor, document, opportunity, {"name": [None, name]})
    return document
