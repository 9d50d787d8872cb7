from django.utils.translation import gettext_lazy as _

from kehu.core.registry import KehuApp


class CoreConfig(KehuApp):
    """The kernel: the organisation (users, departments, roles), data scopes, history, and
    the bases every app's pages and API are built on."""

    default = True  # apps.py also holds KehuApp, imported
    name = "kehu.core"
    label = "core"
    verbose_name = _("Organisation")
    url_prefix = ""
    api_urls = "api.urls"
    navigation = "core/_nav.html"
    navigation_order = 1000  # the organisation and the API come last
    role_grants = "roles.GRANTS"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kehu.core import checks  # noqa: F401 (registers the check that routes declare access)
        from kehu.core.roles import roles_ensure

        # After the last app migrates, so every permission the roles name exists.
        post_migrate.connect(roles_ensure, dispatch_uid="kehu.core.roles_ensure")
