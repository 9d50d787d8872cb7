from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from kehu.core.registry import KehuApp


class AnalyticsConfig(KehuApp):
    default = True  # apps.py also holds KehuApp, imported
    name = "kehu.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    url_prefix = "analytics/"
    api_urls = "api.urls"
    navigation = "analytics/_nav.html"
    navigation_order = 200  # after the apps that record what it measures
    role_grants = "roles.GRANTS"
    # The hourly check recomputes when the day changes or a customer with purchases has no
    # scores; changes to orders queue a recomputation themselves.
    periodic_tasks = {"tasks.scores_refresh_task": timedelta(hours=1)}
    lost_tasks = {"tasks.scores_recompute_task": "tasks.scores_recompute_lost"}
    panels = {"customer": ("panels.customer_value", "panels.churn_actions")}
    customer_references = (
        "analytics.Purchase.customer",
        "analytics.StageOverride.customer",
        "analytics.ChurnAction.customer",
    )
    # A score is one run's view of one customer, and the survivor of a merge may have its
    # own in the same run (one per run and customer): the other's scores go with it, and
    # the next run scores the survivor's joined purchases.
    customer_derived = ("analytics.CustomerScore.customer",)

    def ready(self) -> None:
        from kehu.analytics.overrides import manual_edit_record
        from kehu.analytics.staleness import order_changes_record
        from kehu.core.history import changes_recorded

        # Every edit of a customer is recorded in its history, one at a time or in bulk;
        # listening there tells which stages and levels a person set, without the
        # customers' services knowing analytics.
        changes_recorded.connect(manual_edit_record, dispatch_uid="kehu.analytics.edits")
        changes_recorded.connect(order_changes_record, dispatch_uid="kehu.analytics.orders")
