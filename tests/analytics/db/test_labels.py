"""Every churn reason the model can give has a translatable sentence."""

from __future__ import annotations

import pytest
from django.utils import translation

from kehu.analytics.labels import REASONS, reason_text, reason_texts
from kehu.analytics.maths.churn import BEHAVIOUR


@pytest.mark.parametrize("feature", BEHAVIOUR)
@pytest.mark.parametrize("direction", ["high", "low"])
def test_each_behaviour_reason_has_a_sentence(feature: str, direction: str) -> None:
    assert f"{feature}_{direction}" in REASONS


def test_a_reason_reads_with_its_numbers() -> None:
    reason = {"code": "monetary_low", "feature": "monetary", "value": 1234.5, "typical": 99000}
    with translation.override("en"):
        assert reason_text(reason) == "total spend of only 1,234.50 (typical: 99,000.00)"
    extra = {"code": "complaints_high", "feature": "complaints", "value": 4, "typical": 0}
    with translation.override("en"):
        assert reason_text(extra) == "complaints higher than usual: 4 (typical: 0)"


def test_stored_reasons_that_say_nothing_are_not_shown() -> None:
    stored = [
        {
            "code": "interval_trend_days_high",
            "feature": "interval_trend_days",
            "value": 0.2,
            "typical": 0.0,
        },
        {"code": "recency_days_high", "feature": "recency_days", "value": 210, "typical": 45},
        {"code": "frequency_low", "feature": "frequency", "value": 1, "typical": 1.4},
    ]
    with translation.override("en"):
        assert reason_texts(stored) == ["no purchase for 210 days (typical: 45)"]
