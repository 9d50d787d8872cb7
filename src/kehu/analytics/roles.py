"""What the built-in roles get of the analytics' permissions: every role that reads customers
reads their scores."""

GRANTS = {
    "admin": ["analytics.view_customerscore", "analytics.change_scorecard"],
    **{
        code: ["analytics.view_customerscore"]
        for code in ("sales_manager", "sales", "service", "marketing", "finance", "analyst")
    },
}
