from django.utils.translation import pgettext_lazy

from kehu.core.registry import KehuApp, PersonalData


class SalesConfig(KehuApp):
    default = True  # apps.py also holds KehuApp, imported
    name = "kehu.sales"
    label = "sales"
    verbose_name = pgettext_lazy("app", "Sales")
    url_prefix = "sales/"
    api_urls = "api.urls"
    navigation = "sales/_nav.html"
    role_grants = "roles.GRANTS"
    panels = {
        "home": ("panels.weighted_pipeline", "panels.overdue_leads", "panels.closing_soon"),
    }
    customer_references = (
        "sales.Lead.customer",
        "sales.Lead.referred_by_customer",
        "sales.Opportunity.customer",
    )
    personal_data = (
        PersonalData(
            "sales.Lead",
            customer="customer",
            fields=("company", "person", "phone", "email", "notes", "disqualified_reason"),
        ),
    )

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kehu.sales.defaults import defaults_ensure

        post_migrate.connect(defaults_ensure, sender=self, dispatch_uid="kehu.sales.defaults")
