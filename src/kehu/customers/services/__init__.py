"""Every write to customers, contacts and follow-ups: validated, scoped, versioned and
recorded in history. Pages, the API, imports, the command line and background tasks all
write through these."""

from kehu.customers.services.bulk import (
    CustomerWriter,
    NewCustomer,
    PreparedCustomer,
    activities_write,
)
from kehu.customers.services.contacts import (
    CONTACT_FIELDS,
    activities_join_customer,
    activity_create,
    contact_create,
    contact_delete,
    contact_update,
)
from kehu.customers.services.customers import (
    CUSTOMER_FIELDS,
    customer_create,
    customer_delete,
    customer_update,
)
from kehu.customers.services.merge import customer_merge
from kehu.customers.services.pool import (
    customer_claim,
    customer_release,
    customers_transfer,
    pool_sweep,
)

__all__ = [
    "CONTACT_FIELDS",
    "CUSTOMER_FIELDS",
    "CustomerWriter",
    "NewCustomer",
    "PreparedCustomer",
    "activities_join_customer",
    "activities_write",
    "activity_create",
    "contact_create",
    "contact_delete",
    "contact_update",
    "customer_claim",
    "customer_create",
    "customer_delete",
    "customer_merge",
    "customer_release",
    "customer_update",
    "customers_transfer",
    "pool_sweep",
]
