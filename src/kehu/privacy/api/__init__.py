"""The privacy REST API under /api/v1/."""
