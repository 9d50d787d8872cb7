from django.utils.translation import gettext_lazy as _

from kehu.core.registry import KehuApp


class PrivacyConfig(KehuApp):
    default = True  # apps.py also holds KehuApp, imported
    name = "kehu.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    role_grants = "roles.GRANTS"
    history_actions = "models.PrivacyAction"
    customer_references = ("privacy.Consent.customer", "privacy.ErasureRequest.customer")
