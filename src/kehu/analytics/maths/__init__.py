"""The mathematics of the customer analytics, over Polars, NumPy, SciPy and scikit-learn.

Nothing in this package imports Django or another Kehu app (tests/analytics/test_purity.py
holds it to that), so it runs and is tested without settings or a database; the app around
it (`kehu.analytics`) reads the database into its frames and stores what it returns.

- `transactions`: reading and validating a purchase log; purchase days; per-customer summaries
- `rfm`: recency, frequency, monetary; 1–5 scores; the segment rule table
- `pareto`: ABC (Pareto) classes and the 80/20 check
- `mle`, `errors`: maximum-likelihood fitting shared by the models, and its error
- `bgnbd`, `gamma_gamma`, `clv`: the BG/NBD and Gamma-Gamma models and lifetime value
- `churn`, `churn_reasons`: the churn model, its evaluation against a BG/NBD baseline, and
  its reasons (which may be given, and their English)
- `lifecycle`: lifecycle stage and relationship level
- `ahp`, `scorecard`: AHP weights and consistency; the weighted scorecard
- `profit_tree`: a shallow decision tree of the high-contribution customers
- `kpi`: relationship KPIs by month
- `rules`: rule tables as Polars expressions (the first match wins)
- `scores`: every customer's scores as of a date, the analyses above composed, with the
  horizons and thresholds of `parameters`

See docs/analytics.md for the definitions and references.
"""
