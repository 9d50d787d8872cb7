from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "kehu.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kehu.analytics.overrides import manual_edit_record
        from kehu.core.models import Change

        # Every edit of a customer is recorded as a Change, so listening there tells which
        # stages and levels a person set, without the customer services knowing analytics.
        post_save.connect(manual_edit_record, sender=Change, dispatch_uid="kehu.analytics.edits")
