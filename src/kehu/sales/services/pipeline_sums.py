"""The pipeline's sums (models.PipelineSum), kept by the database as deals are written
(core.summaries): created, moved between stages, handed over, re-priced or deleted, by the
services, the board's drag and drop, a lead's conversion or an import alike."""

from __future__ import annotations

from django.db import transaction

from kehu.core.summaries import Summary, in_cents

PIPELINE_SUMS = Summary(
    table="sales_pipelinesum",
    source="sales_opportunity",
    keys={
        "owner_id": "{row}.owner_id",
        "stage_id": "{row}.stage_id",
        "currency": "{row}.currency",
    },
    sums={"amount_cents": in_cents("{row}.amount")},
    counts="TRUE",
    counted="opportunities",
    watched=("owner_id", "stage_id", "currency", "amount"),
)


@transaction.atomic
def pipeline_sums_recompute() -> None:
    PIPELINE_SUMS.recompute()
