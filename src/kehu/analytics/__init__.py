"""Customer analytics: RFM, ABC, BG/NBD + Gamma-Gamma CLV, churn, lifecycle, AHP, KPIs.

The mathematics is in `kehu.analytics.maths`, which imports nothing of Django or of Kehu's
other apps. Around it, this app is the Django layer: `models` (purchases, scores, runs, the
scorecard, stages set by hand), `feeds` (the database read into the mathematics' frames),
`services` (imports, recomputation, the scorecard's save), `selectors` (what a user may see
of the scores), `views`, `forms`, `panels` (the card on a customer's page), `overrides`
(locking the stages a person set), `tasks`, `labels` (the words for the mathematics'
codes), `templatetags`, `demo` and `cli` (the `kehu analytics` commands).
"""
