"""The orders' REST API under /api/v1/: products, quotes, orders, payments and credit
approvals."""
