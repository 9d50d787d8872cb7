"""The customers' pages: thin over the selectors and services."""
