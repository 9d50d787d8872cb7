"""The analyses of `kehu analytics`: RFM, ABC, CLV, churn, KPIs and AHP.

Every analysis of transactions reads them through `_transactions(args)`: a CSV file
(``--transactions``) or the purchases in the database (``--from-db``, customer ids being
Kehu's).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from kehu.analytics.cli.common import (
    Row,
    emit,
    print_json,
    print_table,
    user_errors,
)
from kehu.analytics.maths.ahp import ahp_weights
from kehu.analytics.maths.kpi import monthly_kpis
from kehu.analytics.maths.pareto import abc_analysis
from kehu.analytics.maths.rfm import rfm_table
from kehu.analytics.maths.transactions import CUSTOMER, read_transactions


def _transactions(args: argparse.Namespace) -> pl.DataFrame:
    """The transactions an analysis works on."""
    if args.from_db:
        from kehu.analytics.feeds import purchases_frame

        purchases = purchases_frame()
        if purchases.is_empty():
            raise ValueError(_("there are no purchases in the database"))
        return purchases
    return read_transactions(
        args.transactions,
        customer_col=args.customer_col,
        date_col=args.date_col,
        amount_col=args.amount_col,
    )


@user_errors()
def rfm(args: argparse.Namespace) -> int:
    table = rfm_table(_transactions(args), as_of=args.as_of)
    columns = [
        (CUSTOMER, ""),
        ("recency_days", "d"),
        ("frequency", "d"),
        ("monetary", ",.2f"),
        ("r", "d"),
        ("f", "d"),
        ("m", "d"),
        ("segment", ""),
    ]
    emit(args, table.select(name for name, _spec in columns).to_dicts(), columns)
    return 0


@user_errors()
def abc(args: argparse.Namespace) -> int:
    result = abc_analysis(_transactions(args))
    columns = [
        (CUSTOMER, ""),
        ("sales", ",.2f"),
        ("share", ".4%"),
        ("cumulative_share", ".2%"),
        ("class", ""),
    ]
    emit(args, result.customers.to_dicts(), columns)
    if not args.json:
        summary = result.summary
        print(
            _("%(share).1f%% of the customers (class A) make the first 80%% of sales.")
            % {"share": 100 * summary.a_customer_share}
        )
        print(", ".join(f"{name}: {count}" for name, count in summary.counts.items()))
    return 0


@user_errors()
def clv(args: argparse.Namespace) -> int:
    # SciPy fits the models: only the commands that fit them import it.
    from kehu.analytics.maths.clv import lifetime_value

    result = lifetime_value(
        _transactions(args),
        calibration_end=args.calibration_end,
        time_unit=args.time_unit,
        horizon=args.horizon,
        discount_rate=args.discount_rate,
        margin=args.margin,
    )
    bgnbd, gamma_gamma = result.bgnbd, result.gamma_gamma
    parameters: Row = {
        "bgnbd": {"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b},
        "gamma_gamma": {"p": gamma_gamma.p, "q": gamma_gamma.q, "v": gamma_gamma.v},
    }
    customers = result.customers.to_dicts()
    if args.json:
        print_json(parameters | {"customers": customers})
        return 0
    for model, values in parameters.items():
        print(f"{model}: " + ", ".join(f"{name} = {value:.4g}" for name, value in values.items()))
    print_table(
        customers,
        [
            (CUSTOMER, ""),
            ("frequency", "d"),
            ("recency", ".2f"),
            ("T", ".2f"),
            ("probability_alive", ".3f"),
            ("expected_purchases", ".3f"),
            ("expected_spend", ",.2f"),
            ("clv", ",.2f"),
        ],
    )
    return 0


@user_errors()
def churn(args: argparse.Namespace) -> int:
    # scikit-learn takes a second to import: only the command that needs it pays for it.
    from kehu.analytics.maths.churn import churn_report
    from kehu.analytics.maths.churn_reasons import render_reason

    transactions = _transactions(args)
    extra = _read_features(args.features) if args.features else None
    report = churn_report(
        transactions,
        calibration_end=args.calibration_end,
        horizon_days=args.horizon_days,
        train_horizon_days=args.train_horizon_days,
        extra=extra,
        threshold=args.threshold,
    )
    at_risk = report.at_risk[: args.limit or None]
    evaluation = report.evaluation
    output: Row = {
        "training": {
            "cutoff": report.model.trained_at,
            "horizon_days": report.model.horizon_days,
            "customers": report.model.customers,
        },
        "evaluation": None if evaluation is None else asdict(evaluation),
        "at_risk_customers": len(report.at_risk),
        "at_risk": [
            {
                CUSTOMER: risk.customer_id,
                "probability": risk.probability,
                "reasons": [asdict(r) | {"text": render_reason(r)} for r in risk.reasons],
            }
            for risk in at_risk
        ],
    }
    if args.json:
        print_json(output)
        return 0
    if evaluation is None:
        print(_("No evaluation: the data end before the horizon after the calibration end."))
    else:
        print(
            _(
                "ROC AUC %(auc).3f (BG/NBD baseline %(baseline).3f); precision in the top "
                "decile %(precision).3f; churn rate %(rate).3f over %(customers)d customers."
            )
            % {
                "auc": evaluation.auc,
                "baseline": evaluation.baseline_bgnbd_auc,
                "precision": evaluation.precision_top_decile,
                "rate": evaluation.churn_rate,
                "customers": evaluation.customers,
            }
        )
        print_table(
            [asdict(group) for group in evaluation.calibration],
            [
                ("group", "d"),
                ("customers", "d"),
                ("mean_predicted", ".3f"),
                ("observed_rate", ".3f"),
            ],
        )
    print(
        _("%(shown)d of %(total)d at-risk customers:")
        % {"shown": len(at_risk), "total": len(report.at_risk)}
    )
    print_table(
        [
            {
                CUSTOMER: risk[CUSTOMER],
                "probability": risk["probability"],
                "reasons": "; ".join(reason["text"] for reason in risk["reasons"]),
            }
            for risk in output["at_risk"]
        ],
        [(CUSTOMER, ""), ("probability", ".3f"), ("reasons", "")],
    )
    return 0


@user_errors()
def kpi(args: argparse.Namespace) -> int:
    table = monthly_kpis(_transactions(args), inactivity_days=args.inactivity_days)
    formats = {"month": ""} | {
        name: "d" if dtype.is_integer() else ".3f"
        for name, dtype in table.schema.items()
        if name != "month"
    }
    emit(args, table.to_dicts(), list(formats.items()))
    return 0


@user_errors()
def ahp(args: argparse.Namespace) -> int:
    try:
        rows = json.loads(args.matrix)
    except json.JSONDecodeError as error:
        raise ValueError(_("--matrix is not valid JSON: %(error)s") % {"error": error}) from error
    if not isinstance(rows, list):
        raise ValueError(_("--matrix must be a JSON array of rows"))
    result = asdict(ahp_weights(rows))
    if args.json:
        print_json(result)
    else:
        for name, value in result.items():
            shown = ", ".join(f"{w:.4f}" for w in value) if name == "weights" else value
            print(f"{name}: {shown:.4f}" if isinstance(shown, float) else f"{name}: {shown}")
    return 0


def _read_features(path: Path) -> pl.DataFrame:
    """A CSV of extra per-customer features: customer_id and numeric columns."""
    try:
        with path.open("rb") as stream:
            return pl.read_csv(stream, schema_overrides={CUSTOMER: pl.String})
    except pl.exceptions.PolarsError as error:
        raise ValueError(
            _("cannot read the features file: %(error)s") % {"error": error}
        ) from error
