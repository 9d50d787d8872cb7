"""The customer master data: customers, contacts, tags, follow-ups and imports."""

from kehu.customers.models.activities import Activity
from kehu.customers.models.choices import (
    ActivityKind,
    BusinessMode,
    CreditRating,
    CustomerKind,
    DecisionRole,
    ImportStatus,
    Industry,
    LifecycleStage,
    OnDuplicate,
    PoolAction,
    RelationshipLevel,
    SourceChannel,
)
from kehu.customers.models.imports import IMPORT_STALLED_AFTER, ImportJob, ImportProblem
from kehu.customers.models.parties import (
    CHANGE_CREDIT,
    NO_FOLLOW_UP,
    Contact,
    Customer,
    GramsContain,
    GramsField,
    Party,
    Tag,
)

__all__ = [
    "CHANGE_CREDIT",
    "IMPORT_STALLED_AFTER",
    "NO_FOLLOW_UP",
    "Activity",
    "ActivityKind",
    "BusinessMode",
    "Contact",
    "CreditRating",
    "Customer",
    "CustomerKind",
    "DecisionRole",
    "GramsContain",
    "GramsField",
    "ImportJob",
    "ImportProblem",
    "ImportStatus",
    "Industry",
    "LifecycleStage",
    "OnDuplicate",
    "Party",
    "PoolAction",
    "RelationshipLevel",
    "SourceChannel",
    "Tag",
]
