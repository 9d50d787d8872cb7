"""The sales tables: leads, opportunities and their pipeline, project deals, targets."""

from kehu.sales.models.leads import (
    DEFAULT_FOLLOW_UP_DAYS,
    OPEN_LEAD_STATUSES,
    Lead,
    LeadSource,
    LeadStatus,
    TeamSettings,
)
from kehu.sales.models.pipeline import Opportunity, PipelineSum, Stage, StageChange
from kehu.sales.models.projects import (
    Attitude,
    Decision,
    DecisionMaker,
    Milestone,
    OpportunityDocument,
    ProjectEvaluation,
)
from kehu.sales.models.targets import PeriodKind, SalesTarget, teams_visible, visible_teams

__all__ = [
    "DEFAULT_FOLLOW_UP_DAYS",
    "OPEN_LEAD_STATUSES",
    "Attitude",
    "Decision",
    "DecisionMaker",
    "Lead",
    "LeadSource",
    "LeadStatus",
    "Milestone",
    "Opportunity",
    "OpportunityDocument",
    "PeriodKind",
    "PipelineSum",
    "ProjectEvaluation",
    "SalesTarget",
    "Stage",
    "StageChange",
    "TeamSettings",
    "teams_visible",
    "visible_teams",
]
