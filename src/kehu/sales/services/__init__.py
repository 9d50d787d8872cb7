"""Every write of the sales app. Views, API, CLI and tasks call these; none writes models."""

from kehu.sales.services.bulk import (
    FollowUp,
    LeadWriter,
    NewLead,
    NewOpportunity,
    OpportunityWriter,
    StatusMove,
)
from kehu.sales.services.config import (
    SOURCE_FIELDS,
    STAGE_FIELDS,
    lead_source_create,
    lead_source_update,
    stage_create,
    stage_update,
    team_settings_save,
)
from kehu.sales.services.conversion import Conversion, lead_convert
from kehu.sales.services.leads import (
    LEAD_FIELDS,
    lead_assign,
    lead_create,
    lead_follow_up,
    lead_set_status,
    lead_update,
    team_next_assignee,
)
from kehu.sales.services.opportunities import (
    OPPORTUNITY_FIELDS,
    opportunity_create,
    opportunity_move,
    opportunity_update,
)
from kehu.sales.services.projects import (
    DECISION_MAKER_FIELDS,
    EVALUATION_FIELDS,
    MILESTONE_FIELDS,
    decision_maker_save,
    document_add,
    evaluation_save,
    milestone_add,
    milestone_set_done,
)
from kehu.sales.services.targets import (
    TARGET_FIELDS,
    target_create,
    target_delete,
    target_update,
)

__all__ = [
    "DECISION_MAKER_FIELDS",
    "EVALUATION_FIELDS",
    "LEAD_FIELDS",
    "MILESTONE_FIELDS",
    "OPPORTUNITY_FIELDS",
    "SOURCE_FIELDS",
    "STAGE_FIELDS",
    "TARGET_FIELDS",
    "Conversion",
    "FollowUp",
    "LeadWriter",
    "NewLead",
    "NewOpportunity",
    "OpportunityWriter",
    "StatusMove",
    "decision_maker_save",
    "document_add",
    "evaluation_save",
    "lead_assign",
    "lead_convert",
    "lead_create",
    "lead_follow_up",
    "lead_set_status",
    "lead_source_create",
    "lead_source_update",
    "lead_update",
    "milestone_add",
    "milestone_set_done",
    "opportunity_create",
    "opportunity_move",
    "opportunity_update",
    "stage_create",
    "stage_update",
    "target_create",
    "target_delete",
    "target_update",
    "team_next_assignee",
    "team_settings_save",
]
