from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kehu.core"
    label = "core"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kehu.core.roles import roles_ensure

        # After the last app migrates, so every permission the roles name exists.
        post_migrate.connect(roles_ensure, dispatch_uid="kehu.core.roles_ensure")
