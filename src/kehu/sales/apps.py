from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class SalesConfig(AppConfig):
    name = "kehu.sales"
    label = "sales"
    verbose_name = pgettext_lazy("app", "Sales")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kehu.sales.defaults import defaults_ensure

        post_migrate.connect(defaults_ensure, sender=self, dispatch_uid="kehu.sales.defaults")
