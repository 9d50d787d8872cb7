"""Forms of the sales pages. They validate input; the services decide and write."""

from kehu.sales.forms.leads import (
    AssignForm,
    ConvertForm,
    FollowUpForm,
    LeadFilterForm,
    LeadForm,
    StatusForm,
)
from kehu.sales.forms.pipeline import (
    BoardFilterForm,
    DecisionMakerForm,
    DocumentForm,
    EvaluationForm,
    MilestoneForm,
    MoveForm,
    OpportunityForm,
)
from kehu.sales.forms.settings import (
    LeadSourceForm,
    PeriodForm,
    StageForm,
    TargetForm,
    TeamSettingsForm,
)

__all__ = [
    "AssignForm",
    "BoardFilterForm",
    "ConvertForm",
    "DecisionMakerForm",
    "DocumentForm",
    "EvaluationForm",
    "FollowUpForm",
    "LeadFilterForm",
    "LeadForm",
    "LeadSourceForm",
    "MilestoneForm",
    "MoveForm",
    "OpportunityForm",
    "PeriodForm",
    "StageForm",
    "StatusForm",
    "TargetForm",
    "TeamSettingsForm",
]
