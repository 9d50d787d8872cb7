"""The privacy pages: thin over the selectors and services."""
