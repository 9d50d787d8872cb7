from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kehu.core.registry import KehuApp, PersonalData


class CustomersConfig(KehuApp):
    default = True  # apps.py also holds KehuApp, imported
    name = "kehu.customers"
    label = "customers"
    verbose_name = _("Customers")
    url_prefix = "customers/"
    api_urls = "api.urls"
    navigation = "customers/_nav.html"
    role_grants = "roles.GRANTS"
    periodic_tasks = {
        "tasks.pool_sweep_task": timedelta(hours=1),
        "tasks.import_files_sweep_task": timedelta(hours=1),
    }
    lost_tasks = {"tasks.import_customers": "tasks.import_customers_lost"}
    history_actions = "models.PoolAction"
    customer_references = (
        "customers.Customer.dealer",
        "customers.Contact.customer",
        "customers.Activity.customer",
    )
    personal_data = (
        PersonalData(
            "customers.Customer",
            customer="pk",
            fields=(
                "name",
                "phone",
                "email",
                "address",
                "notes",
                "name_pinyin",
                "name_initials",
                "name_grams",
                "name_key",
            ),
        ),
        PersonalData(
            "customers.Contact",
            customer="customer",
            fields=(
                "name",
                "title",
                "phone",
                "email",
                "notes",
                "name_pinyin",
                "name_initials",
                "name_grams",
            ),
        ),
        PersonalData("customers.Activity", customer="customer", fields=("subject", "notes")),
    )
