"""The sales pages, thin over selectors and services."""
