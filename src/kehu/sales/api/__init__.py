"""The sales REST API under /api/v1/."""
