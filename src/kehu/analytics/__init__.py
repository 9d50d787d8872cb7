"""Customer analytics: RFM, ABC, BG/NBD + Gamma-Gamma CLV, churn, lifecycle, AHP, KPIs.

Pure functions over Polars/NumPy; nothing here imports Django except `cli.py`.
See docs/analytics.md for the definitions and references.
"""
