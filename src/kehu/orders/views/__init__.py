"""Pages of the orders app: thin over the selectors and services."""
