"""Two years of the demo company's selling: leads from every channel, opportunities in every
stage of every pipeline, two project deals, and this year's targets. Everything is written
through the sales services.

One by one, at the moment each happened: every conversion of a lead (so customer, contact,
opportunity and the lead's follow-ups are linked exactly as a user's conversion links
them), a few leads entered, round-robined and followed up today, the two project deals
with their evaluation, decision makers and milestones, and the targets.

A table at a time (services.LeadWriter, services.OpportunityWriter), in the states the
services leave them: the other leads with their follow-ups, status moves and history, and
the other opportunities with their dated stage history, close dates on the won and lost
ones and a reason on the lost ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from kehu.demo.organisation import Team
from kehu.demo.sales.leads import bulk_leads_write, conversions_make, today_leads_enter
from kehu.demo.sales.pipeline import bulk_opportunities_write, project_deals_enter, targets_set
from kehu.sales.models import Lead, Opportunity

SEED: Final = 20261125


@dataclass
class Loaded:
    leads: int = 0
    opportunities: int = 0


def sales_load(*, team: Team) -> Loaded:
    rng = random.Random(SEED)
    won = bulk_leads_write(rng, team)
    conversions_make(rng, won)
    today_leads_enter(team)
    bulk_opportunities_write(rng)
    project_deals_enter(team)
    targets_set(rng, team)
    return Loaded(leads=Lead.objects.count(), opportunities=Opportunity.objects.count())
