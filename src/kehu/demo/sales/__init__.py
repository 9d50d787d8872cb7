"""Two years of the demo company's selling: leads from every channel, opportunities in every
stage of every pipeline, two project deals, and this year's targets.

Through the services: every conversion of a lead (so customer, contact, opportunity and the
lead's follow-ups are linked exactly as a user's conversion links them, then dated back to
when it happened), a few leads entered, round-robined and followed up today, the two project
deals with their evaluation, decision makers and milestones, and the targets.

With bulk_create, in the states the services leave: the other leads with their follow-ups,
last follow-up time and history records, and the other opportunities with their dated stage
history (each move a StageChange and a history record), close dates on the won and lost
ones and a reason on the lost ones.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from kehu.demo.organisation import Team
from kehu.demo.sales.leads import bulk_leads_write, conversions_make, today_leads_enter
from kehu.demo.sales.pipeline import bulk_opportunities_write, project_deals_enter, targets_set
from kehu.sales.models import Opportunity

SEED: Final = 20261125


@dataclass
class Loaded:
    leads: int = 0
    opportunities: int = 0


def sales_load(*, team: Team) -> Loaded:
    rng = random.Random(SEED)
    plans = bulk_leads_write(rng, team)
    conversions_make(rng, plans)
    leads = len(plans) + today_leads_enter(team)
    bulk_opportunities_write(rng)
    project_deals_enter(team)
    targets_set(rng, team)
    return Loaded(leads=leads, opportunities=Opportunity.objects.count())
