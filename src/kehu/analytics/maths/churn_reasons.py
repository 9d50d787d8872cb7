"""Churn reasons: which may be given, and how they read in English.

A reason is data (a code such as ``recency_days_high``, the customer's value, the typical one
and its contribution to the risk) for the interface to translate; it is given only when it
says something true with its numbers rounded as they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Reason:
    code: str  # feature + "_high" / "_low", the key of PHRASES
    feature: str
    value: float
    typical: float
    contribution: float  # to the churn log-odds


PHRASES: Final[dict[str, str]] = {
    "recency_days_high": "no purchase for {value:.0f} days (typical: {typical:.0f})",
    "frequency_low": "only {value:.0f} purchase day(s) so far (typical: {typical:.0f})",
    "monetary_low": "total spend {value:,.2f} (typical: {typical:,.2f})",
    "interval_mean_days_high": (
        "{value:.0f} days between purchases on average (typical: {typical:.0f})"
    ),
    "interval_trend_days_high": (
        "gaps between purchases growing by {value:.0f} days each time (typical: {typical:.0f})"
    ),
    "tenure_days_low": "a customer for only {value:.0f} days (typical: {typical:.0f})",
    "tenure_days_high": "a customer for {value:.0f} days (typical: {typical:.0f})",
}


# The decimals a reason's numbers are shown with: money to the cent, days and counts whole.
SHOWN_PLACES: Final[dict[str, int]] = {"monetary": 2}


def reason_is_telling(code: str, value: float, typical: float) -> bool:
    """Whether a reason, with its numbers as shown, says something true: the customer's value
    is on the side of the typical one that the code names ("1 purchase day (typical: 1)"
    explains nothing), and gaps said to grow do grow ("growing by 0 days" is not a reason)."""
    feature, _, direction = code.rpartition("_")
    places = SHOWN_PLACES.get(feature, 0)
    shown, usual = round(float(value), places), round(float(typical), places)
    apart = shown > usual if direction == "high" else shown < usual
    grows = shown > 0 or code != "interval_trend_days_high"
    return apart and grows


def render_reason(reason: Reason) -> str:
    """The reason as an English phrase."""
    phrase = PHRASES.get(reason.code)
    if phrase is None:
        direction = "higher" if reason.code.endswith("_high") else "lower"
        label = reason.feature.replace("_", " ")
        phrase = f"{label} {direction} than usual: {{value:g}} (typical: {{typical:g}})"
    return phrase.format(value=reason.value, typical=reason.typical)
