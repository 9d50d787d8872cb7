from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kehu.core.registry import KehuApp


class PrivacyConfig(KehuApp):
    default = True  # apps.py also holds KehuApp, imported
    name = "kehu.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    url_prefix = "privacy/"
    api_urls = "api.urls"
    navigation = "privacy/_nav.html"
    navigation_order = 300
    role_grants = "roles.GRANTS"
    panels = {"customer": ("panels.customer_consents", "panels.customer_subject")}
    history_actions = "models.PrivacyAction"
    # Purging is idempotent and cheap (an indexed delete): hourly, like the other sweeps.
    periodic_tasks = {"tasks.access_events_purge_task": timedelta(hours=1)}
    customer_references = ("privacy.Consent.customer", "privacy.ErasureRequest.customer")

    def ready(self) -> None:
        from kehu.core.access import personal_data_read
        from kehu.privacy.services.audit import access_read_received

        personal_data_read.connect(access_read_received, dispatch_uid="kehu.privacy.audit")
