"""The built-in lead sources and a pipeline for each business mode.

Names are stored in English and shown translated; administrators may rename, reorder or
add to them. The data migration seeds them, and they are seeded again after each migrate
or flush where a list is empty, so edited lists are left alone.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

SOURCES = [
    (gettext_noop("Web form"), "web"),
    (gettext_noop("Trade fair / conference"), "trade_fair"),
    (gettext_noop("Referral"), "referral"),
    (gettext_noop("Personal network"), "personal_network"),
    (gettext_noop("Directory research"), "directory"),
    (gettext_noop("Advertising"), "advertising"),
    (gettext_noop("B2B platform"), "b2b_platform"),
    (gettext_noop("Other"), "other"),
]

WON = (gettext_noop("Closed won"), 100)
LOST = (gettext_noop("Closed lost"), 0)
STAGES = {
    "consumer_goods": [
        (gettext_noop("Initial contact"), 10),
        (gettext_noop("Needs confirmed"), 30),
        (gettext_noop("Trial order"), 50),
        (gettext_noop("Negotiation"), 75),
    ],
    "industrial_goods": [
        (gettext_noop("Qualification"), 10),
        (gettext_noop("Needs analysis"), 25),
        (gettext_noop("Technical evaluation"), 40),
        (gettext_noop("Quotation"), 60),
        (gettext_noop("Negotiation"), 80),
    ],
    "project": [
        (gettext_noop("Project discovery"), 10),
        (gettext_noop("Project evaluation"), 20),
        (gettext_noop("Solution and bidding"), 40),
        (gettext_noop("Shortlisted"), 60),
        (gettext_noop("Contract negotiation"), 80),
    ],
    "key_account": [
        (gettext_noop("Account planning"), 10),
        (gettext_noop("Needs alignment"), 30),
        (gettext_noop("Proposal"), 50),
        (gettext_noop("Commitment"), 75),
    ],
}


def seed_defaults(lead_source: Any, stage: Any) -> None:
    """Fill the empty lists: the sources if there are none, the stages of each business
    mode that has none. Takes the model classes, so migrations pass their historical ones."""
    if not lead_source.objects.exists():
        lead_source.objects.bulk_create(
            lead_source(name=name, channel=channel, order=order)
            for order, (name, channel) in enumerate(SOURCES, start=1)
        )
    for mode, stages in STAGES.items():
        if stage.objects.filter(business_mode=mode).exists():
            continue
        rows = [
            stage(business_mode=mode, name=name, order=order, probability=probability)
            for order, (name, probability) in enumerate(stages, start=1)
        ]
        rows.append(stage(business_mode=mode, name=WON[0], order=90, probability=100, is_won=True))
        rows.append(stage(business_mode=mode, name=LOST[0], order=99, probability=0, is_lost=True))
        stage.objects.bulk_create(rows)


def defaults_ensure(**_: Any) -> None:
    """After each migrate (and each flush in tests)."""
    from kehu.sales.models import LeadSource, Stage

    seed_defaults(LeadSource, Stage)
