"""What the interface calls the analytics' codes: criteria, indicators and churn reasons.

The mathematics returns codes and numbers; the words are here, translated in the reader's
language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kehu.analytics.maths.churn_reasons import reason_is_telling

CRITERIA: dict[str, Promise] = {
    "value": _("Value"),
    "loyalty": _("Loyalty"),
    "credit": _("Credit"),
    "satisfaction": _("Satisfaction"),
    "potential": _("Potential"),
}

INDICATORS: dict[str, Promise] = {
    "total_spend": _("Total spend"),
    "gross_margin": _("Gross margin"),
    "tenure": _("Time as a customer"),
    "purchase_frequency": _("Purchase days"),
    "on_time_payment_rate": _("Payments on time"),
    "overdue_days": _("Days overdue"),
    "overdue_share": _("Share of receivables past due"),
    "satisfaction_score": _("Satisfaction score"),
    "complaints": _("Complaints"),
    "expected_value": _("Lifetime value"),
    "spend_trend": _("Spend trend"),
}

# Churn reason codes (kehu.analytics.maths.churn: feature + _high/_low, every behaviour feature in
# both directions) as sentences. `value` and
# `typical` arrive already formatted for the reader's locale.
REASONS: dict[str, Promise] = {
    "recency_days_high": _("no purchase for %(value)s days (typical: %(typical)s)"),
    "recency_days_low": _("last purchase only %(value)s days ago (typical: %(typical)s)"),
    "frequency_low": _("only %(value)s purchase days so far (typical: %(typical)s)"),
    "frequency_high": _("%(value)s purchase days so far (typical: %(typical)s)"),
    "monetary_low": _("total spend of only %(value)s (typical: %(typical)s)"),
    "monetary_high": _("total spend of %(value)s (typical: %(typical)s)"),
    "interval_mean_days_high": _(
        "%(value)s days between purchases on average (typical: %(typical)s)"
    ),
    "interval_mean_days_low": _(
        "only %(value)s days between purchases on average (typical: %(typical)s)"
    ),
    "interval_trend_days_high": _(
        "gaps between purchases growing by %(value)s days each time (typical: %(typical)s)"
    ),
    "interval_trend_days_low": _(
        "gaps between purchases changing by %(value)s days each time (typical: %(typical)s)"
    ),
    "tenure_days_low": _("a customer for only %(value)s days (typical: %(typical)s)"),
    "tenure_days_high": _("a customer for %(value)s days (typical: %(typical)s)"),
}
MONEY_FEATURES = {"monetary"}


def criterion_label(code: str) -> str:
    return str(CRITERIA.get(code, code))


def indicator_label(code: str) -> str:
    return str(INDICATORS.get(code, code))


def reason_text(reason: Mapping[str, Any]) -> str:
    """One stored churn reason as a sentence in the current language."""
    places = 2 if reason["feature"] in MONEY_FEATURES else 0
    numbers = {
        name: number_format(reason[name], decimal_pos=places, use_l10n=True, force_grouping=True)
        for name in ("value", "typical")
    }
    phrase = REASONS.get(reason["code"])
    if phrase is not None:
        return str(phrase) % numbers
    if reason["code"].endswith("_high"):
        template = gettext("%(feature)s higher than usual: %(value)s (typical: %(typical)s)")
    else:
        template = gettext("%(feature)s lower than usual: %(value)s (typical: %(typical)s)")
    return template % {"feature": reason["feature"], **numbers}


def reason_texts(reasons: Iterable[Mapping[str, Any]]) -> list[str]:
    """The stored churn reasons that say something true as shown, as sentences; a run from
    before that rule may have stored others."""
    return [
        reason_text(reason)
        for reason in reasons
        if reason_is_telling(reason["code"], reason["value"], reason["typical"])
    ]
