from datetime import timedelta

from django.utils.translation import pgettext_lazy

from kehu.core.registry import KehuApp, PersonalData


class ServiceConfig(KehuApp):
    default = True  # apps.py also holds KehuApp, imported
    name = "kehu.service"
    label = "service"
    verbose_name = pgettext_lazy("app", "Service")
    url_prefix = "service/"
    api_urls = "api.urls"
    navigation = "service/_nav.html"
    navigation_order = 150
    role_grants = "roles.GRANTS"
    # Breaches are found within a minute of happening, not in a nightly run.
    periodic_tasks = {
        "tasks.breaches_sweep_task": timedelta(minutes=1),
        "tasks.acceptance_sweep_task": timedelta(hours=1),
    }
    panels = {"customer": ("panels.customer_service",)}
    history_actions = "models.TicketAction"
    customer_references = ("service.Ticket.customer",)
    personal_data = (
        PersonalData(
            "service.Ticket",
            customer="customer",
            fields=("subject", "description", "resolution", "satisfaction_comment"),
        ),
        PersonalData("service.TicketMessage", customer="ticket__customer", fields=("body",)),
    )

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kehu.privacy.services.erasure import personal_data_erased
        from kehu.service.defaults import defaults_ensure
        from kehu.service.services.tickets import terms_after_erasure

        post_migrate.connect(defaults_ensure, sender=self, dispatch_uid="kehu.service.defaults")
        personal_data_erased.connect(terms_after_erasure, dispatch_uid="kehu.service.terms")
