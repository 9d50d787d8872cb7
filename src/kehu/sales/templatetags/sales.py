"""How the sales pages colour a status: a lead's, a decision maker's stance, a go/no-go."""

from __future__ import annotations

from django import template

from kehu.sales.models import Attitude, Decision, LeadStatus

register = template.Library()

# The codes of the three kinds differ, so one table serves them all.
BADGES: dict[str, str] = {
    LeadStatus.NEW: "bg-blue-lt",
    LeadStatus.CONTACTED: "bg-cyan-lt",
    LeadStatus.QUALIFIED: "bg-green-lt",
    LeadStatus.CONVERTED: "bg-teal text-white",
    LeadStatus.DISQUALIFIED: "bg-secondary-lt",
    Attitude.SUPPORTER: "bg-green-lt",
    Attitude.NEUTRAL: "bg-secondary-lt",
    Attitude.OPPONENT: "bg-red-lt",
    Decision.PENDING: "bg-secondary-lt",
    Decision.GO: "bg-green-lt",
    Decision.NO_GO: "bg-red-lt",
}


@register.filter
def badge(code: str) -> str:
    """The badge classes of a status code."""
    return BADGES.get(code, "bg-secondary-lt")
