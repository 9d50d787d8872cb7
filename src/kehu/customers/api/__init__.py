"""The customers' REST API under /api/v1/."""
