"""What the built-in roles get of the analytics' permissions: every role that reads customers
reads their scores and the actions taken to keep them; those who sell give and carry out
those actions, and managers may also remove them."""

_READ = ["analytics.view_customerscore", "analytics.view_churnaction"]
_ACT = [*_READ, "analytics.add_churnaction", "analytics.change_churnaction"]

GRANTS = {
    "admin": [*_ACT, "analytics.delete_churnaction", "analytics.change_scorecard"],
    "sales_manager": [*_ACT, "analytics.delete_churnaction"],
    "sales": _ACT,
    **{code: _READ for code in ("service", "marketing", "finance", "analyst")},
}
