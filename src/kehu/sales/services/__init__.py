"""Every write of the sales app. Views, API, CLI and tasks call these; none writes models."""

from kehu.sales.services.config import lead_source_save, stage_save, team_settings_save
from kehu.sales.services.leads import (
    LEAD_FIELDS,
    Conversion,
    lead_assign,
    lead_convert,
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
    decision_maker_save,
    document_add,
    evaluation_save,
    milestone_add,
    milestone_set_done,
)
from kehu.sales.services.targets import TARGET_FIELDS, target_delete, target_save

__all__ = [
    "LEAD_FIELDS",
    "OPPORTUNITY_FIELDS",
    "TARGET_FIELDS",
    "Conversion",
    "decision_maker_save",
    "document_add",
    "evaluation_save",
    "lead_assign",
    "lead_convert",
    "lead_create",
    "lead_follow_up",
    "lead_set_status",
    "lead_source_save",
    "lead_update",
    "milestone_add",
    "milestone_set_done",
    "opportunity_create",
    "opportunity_move",
    "opportunity_update",
    "stage_save",
    "target_delete",
    "target_save",
    "team_next_assignee",
    "team_settings_save",
]
