"""The horizons and thresholds the stored scores are computed with (`scores`).

Apart from the models that use them, so that the pages quoting them and the reads that filter
by them load neither SciPy nor scikit-learn.
"""

from __future__ import annotations

from typing import Final

# Lifetime value over the next year, in weeks, discounted at 10 % a year.
CLV_HORIZON_WEEKS: Final = 52
ANNUAL_DISCOUNT_RATE: Final = 0.10
WEEKLY_DISCOUNT_RATE: Final = (1 + ANNUAL_DISCOUNT_RATE) ** (1 / 52) - 1
# Churn: no purchase in the next half year, the same window as the KPIs' inactivity.
CHURN_HORIZON_DAYS: Final = 180
CHURN_THRESHOLD: Final = 0.5
TOP_REASONS: Final = 3
