"""Writes to project-type deals: the evaluation (立项) with its go/no-go decision, the
decision-maker map, milestones and documents. Each is in the customer's history."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kehu.core.history import (
    actor_or_none,
    record_creation,
    record_update,
    recording_update,
    snapshot,
)
from kehu.core.locking import save_versioned
from kehu.core.models import User
from kehu.core.records import fields_assign
from kehu.core.uploads import upload_checked
from kehu.customers.models import Contact
from kehu.sales.models import (
    Attitude,
    Decision,
    DecisionMaker,
    Milestone,
    Opportunity,
    OpportunityDocument,
    ProjectEvaluation,
)

EVALUATION_FIELDS = ["budget", "currency", "decision_process", "competitors", "decision", "notes"]
DECISION_MAKER_FIELDS = ["role", "attitude", "notes"]
MILESTONE_FIELDS = ["name", "due_date"]
# Larger files belong in a document system; this keeps the media volume and backups sane.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


@transaction.atomic
def evaluation_save(
    *, actor: User | None, opportunity: Opportunity, version: int | None = None, **fields: Any
) -> ProjectEvaluation:
    """Create or change the evaluation of a project-type opportunity. Deciding go or no-go
    records who decided and when; a stale `version` raises VersionConflict."""
    if not opportunity.is_project:
        raise ValidationError(
            {"decision": _("Only project-type opportunities are evaluated before committing.")}
        )
    evaluation = ProjectEvaluation.objects.filter(opportunity=opportunity).first()
    creating = evaluation is None
    evaluation = evaluation or ProjectEvaluation(opportunity=opportunity)
    before = snapshot(evaluation, EVALUATION_FIELDS)
    previous = evaluation.decision
    fields_assign(evaluation, fields, EVALUATION_FIELDS, actor=actor)
    if evaluation.decision != previous or creating:
        decided = evaluation.decision != Decision.PENDING
        evaluation.decided_by = actor_or_none(actor) if decided else None
        evaluation.decided_at = timezone.now() if decided else None
    evaluation.full_clean()
    if creating:
        evaluation.save()
        record_creation(
            actor=actor,
            target=evaluation,
            fields=EVALUATION_FIELDS,
            customer_id=opportunity.customer_id,
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
    actor: User | None,
    opportunity: Opportunity,
    contact: Contact,
    role: str = "",
    attitude: str = Attitude.NEUTRAL,
    notes: str = "",
) -> DecisionMaker:
    """Put a contact of the opportunity's customer on its decision-maker map, or update
    their role and attitude there."""
    if contact.customer_id != opportunity.customer_id:
        raise ValidationError({"contact": _("Choose a contact of this opportunity's customer.")})
    entry = DecisionMaker.objects.filter(opportunity=opportunity, contact=contact).first()
    creating = entry is None
    entry = entry or DecisionMaker(opportunity=opportunity, contact=contact)
    before = snapshot(entry, DECISION_MAKER_FIELDS)
    fields = {"role": role, "attitude": attitude, "notes": notes.strip()}
    fields_assign(entry, fields, DECISION_MAKER_FIELDS, actor=actor)
    entry.full_clean()
    entry.save()
    if creating:
        record_creation(
            actor=actor,
            target=entry,
            fields=["contact", *DECISION_MAKER_FIELDS],
            customer_id=opportunity.customer_id,
        )
    else:
        record_update(
            actor=actor,
            target=entry,
            before=before,
            after=snapshot(entry, DECISION_MAKER_FIELDS),
            customer_id=opportunity.customer_id,
        )
    return entry


@transaction.atomic
def milestone_add(
    *, actor: User | None, opportunity: Opportunity, name: str, due_date: date
) -> Milestone:
    milestone = Milestone(opportunity=opportunity)
    fields_assign(
        milestone, {"name": name.strip(), "due_date": due_date}, MILESTONE_FIELDS, actor=actor
    )
    milestone.full_clean()
    milestone.save()
    record_creation(
        actor=actor,
        target=milestone,
        fields=MILESTONE_FIELDS,
        customer_id=opportunity.customer_id,
    )
    return milestone


@transaction.atomic
def milestone_set_done(*, actor: User | None, milestone: Milestone, done: bool) -> Milestone:
    customer_id = milestone.opportunity.customer_id
    with recording_update(actor=actor, target=milestone, fields=["done"], customer_id=customer_id):
        milestone.done = done
        milestone.done_on = timezone.localdate() if done else None
        milestone.save(update_fields=["done", "done_on"])
    return milestone


@transaction.atomic
def document_add(
    *, actor: User | None, opportunity: Opportunity, file: UploadedFile
) -> OpportunityDocument:
    """Keep a file with the opportunity; files over the size limit are refused."""
    name, size = upload_checked(file, limit=MAX_DOCUMENT_BYTES)
    document = OpportunityDocument(
        opportunity=opportunity, name=name, size=size, uploaded_by=actor_or_none(actor)
    )
    document.file.save(name, file, save=False)
    document.save()
    record_creation(
        actor=actor, target=document, fields=["name"], customer_id=opportunity.customer_id
    )
    return document
